"""data/components.yaml follows its schema and covers the seed; malformed files fail with a located error."""

import dataclasses
import textwrap
from pathlib import Path

import pytest
import yaml

from flowlib import DiagramError
from launch_course.components import (
    DEFAULT_PATH,
    OPTIONAL_KEYS,
    REQUIRED_KEYS,
    SERVICES,
    Component,
    load_components,
)
from flowlib.reading import parse_file

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "course" / "launch_course" / "content" / "launch-instance.puml"


@pytest.fixture(scope="module")
def components():
    return load_components()


def test_default_path_is_the_repository_file():
    assert DEFAULT_PATH == ROOT / "course" / "launch_course" / "content" / "components.yaml"
    assert DEFAULT_PATH.is_file()


def test_every_seed_participant_has_an_entry(components):
    codes = [p.code for p in parse_file(SEED).participants]
    assert len(codes) == 23
    missing = [code for code in codes if code not in components]
    assert missing == []


def test_entries_follow_the_schema(components):
    for code, c in components.items():
        assert isinstance(c, Component) and c.id == code
        assert c.service in SERVICES, code
        assert c.role.strip() and "\n" not in c.role, code
        assert len(c.role) <= 140, f"{code}: a role is one short line"
        for value in (c.since, c.until, c.notes):
            assert value is None or (isinstance(value, str) and value.strip())
    with pytest.raises(dataclasses.FrozenInstanceError):
        next(iter(components.values())).role = "changed"


def test_raw_yaml_has_no_unknown_keys():
    # Independent of the loader: read the file with plain PyYAML and check the keys.
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert set(raw) == {"components"}
    ids = [entry["id"] for entry in raw["components"]]
    assert len(ids) == len(set(ids))
    for entry in raw["components"]:
        assert set(entry) <= set(REQUIRED_KEYS + OPTIONAL_KEYS), entry["id"]
        assert set(REQUIRED_KEYS) <= set(entry), entry


def test_facts_learners_rely_on(components):
    assert components["MQ"].service == components["DB"].service == "infrastructure"
    assert "RabbitMQ" in components["MQ"].role and "oslo.messaging" in components["MQ"].role
    assert "optional" in components["LDAP"].role
    assert components["Token Store"].until == "Rocky"
    assert components["VM-instance"].service == "guest"
    assert components["dnsmasq"].service == "Networking" and "DHCP" in components["dnsmasq"].role
    assert components["Placement"].service == "Placement"  # its own project since Stein, not Compute


def test_service_labels_are_capitalised_for_display():
    from launch_course.components import service_label

    assert [service_label(s) for s in SERVICES] == [
        "Identity", "Compute", "Placement", "Image", "Networking", "Block Storage", "Ceph",
        "Infrastructure", "Guest", "Client",
    ]


def _write(tmp_path, text):
    path = tmp_path / "components.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


GOOD = """\
components:
  - id: A
    service: Compute
    role: "a: does a"
"""

BAD = [
    # (id, file text, expected line, words in the message)
    ("yaml-syntax", "components:\n  - id: [A\n", 3, "not valid YAML"),
    ("top-not-mapping", "- id: A\n", 1, "mapping"),
    ("unknown-top-key", GOOD + "extra: 1\n", 1, "unknown top-level key 'extra'"),
    ("components-not-list", "components: {}\n", 1, "must be a list"),
    ("entry-not-mapping", "components:\n  - just text\n", 2, "each entry must be a mapping"),
    ("unknown-key", GOOD + "    colour: red\n", 5, "unknown key 'colour'"),
    ("missing-role", "components:\n  - id: A\n    service: Compute\n", 2, "missing 'role'"),
    ("bad-service", "components:\n  - id: A\n    service: Nova\n    role: r\n", 3, "unknown service 'Nova'"),
    ("two-line-role", "components:\n  - id: A\n    service: guest\n    role: |\n      one\n      two\n", 4, "one line"),
    ("empty-value", "components:\n  - id: A\n    service: guest\n    role:\n", 4, "'role' must be a text value"),
    ("list-value", "components:\n  - id: A\n    service: [guest]\n    role: r\n", 3, "'service' must be a text value"),
    ("duplicate-id", GOOD + "  - id: A\n    service: guest\n    role: r\n", 5, "duplicate id 'A' (first at line 2)"),
    ("duplicate-key", GOOD + "    role: again\n", 5, "duplicate key 'role'"),
]


@pytest.mark.parametrize("text, line, words", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_malformed_data_names_file_and_line(tmp_path, text, line, words):
    path = _write(tmp_path, text)
    with pytest.raises(DiagramError) as info:
        load_components(path)
    err = info.value
    assert err.file == str(path)
    assert err.line == line
    assert words in err.message
    if line <= len(text.splitlines()):
        assert err.source_line == text.splitlines()[line - 1]


def test_good_file_and_optional_fields(tmp_path):
    path = _write(tmp_path, GOOD + "    until: Rocky\n    notes: >-\n      two\n      lines\n")
    (a,) = load_components(path).values()
    assert (a.id, a.service, a.role, a.until, a.notes, a.line) == ("A", "Compute", "a: does a", "Rocky", "two lines", 2)


def test_missing_file_and_empty_file(tmp_path):
    with pytest.raises(DiagramError, match="cannot read file"):
        load_components(tmp_path / "nope.yaml")
    with pytest.raises(DiagramError, match="empty file"):
        load_components(_write(tmp_path, ""))
