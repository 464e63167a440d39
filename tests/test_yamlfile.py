"""Every YAML file is read by flowlib.reading.yamlfile: errors name file, line and column the same way."""

from __future__ import annotations

import pytest

from flowlib.analysis.diff import load_equivalences
from flowlib.analysis.whatif import load_scenarios
from flowlib.errors import DiagramError
from flowlib.reading.yamlfile import Mapping, Sequence, load_yaml, require
from launch_course.components import load_components
from launch_course.course import _read
from launch_course.today import load_bughunt, load_references

# Each reader with a file whose third line repeats a key: PyYAML alone would keep the last value.
READERS = {
    "components": (load_components, "components:\n  - id: A\n    id: B\n"),
    "scenarios": (load_scenarios, "scenarios:\n  - id: x\n    id: y\n"),
    "equivalences": (load_equivalences, "groups:\n  - name: a\n    name: b\n"),
    "references": (load_references, "references:\n  1:\n    message: m\n    message: n\n"),
    "bughunt": (load_bughunt, "verdicts:\n  1:\n    verdict: x\n    verdict: y\n"),
    "course content": (lambda path: _read(path, lambda e: e, "name"), "- name: a\n  name: b\n"),
}


@pytest.mark.parametrize("load, text", READERS.values(), ids=READERS.keys())
def test_every_reader_refuses_a_duplicate_key_at_its_line(tmp_path, load, text):
    path = tmp_path / "data.yaml"
    path.write_text(text)
    with pytest.raises(DiagramError) as info:
        load(path)
    err = info.value
    line = len(text.splitlines())
    assert (err.file, err.line, err.message) == (str(path), line, f"duplicate key {text.splitlines()[-1].split(':')[0].strip()!r}")
    assert err.source_line == text.splitlines()[-1] and err.column == err.source_line.index(err.source_line.strip()) + 1


@pytest.mark.parametrize("load, text", READERS.values(), ids=READERS.keys())
def test_every_reader_reports_broken_yaml_the_same_way(tmp_path, load, text):
    path = tmp_path / "data.yaml"
    path.write_text(text + "]\n")
    with pytest.raises(DiagramError, match=r"^.*data\.yaml:\d+:\d+: error: not valid YAML: ") as info:
        load(path)
    assert info.value.source_line is not None


def test_mappings_and_lists_know_where_each_value_is(tmp_path):
    path = tmp_path / "data.yaml"
    path.write_text("top:\n  - a\n  - {b: 1,\n     c: [2]}\n")
    data = load_yaml(path)
    assert isinstance(data, Mapping) and isinstance(data["top"], Sequence)
    assert (data.line, data.where("top"), data["top"].where(1)) == (1, (2, 3), (3, 5))
    inner = data["top"][1]
    assert (inner.where("c"), inner.where("c", of_key=True)) == ((4, 9), (4, 6))
    assert inner.error("no c here", "c").headline() == f"{path}:4:9: error: no c here"
    with pytest.raises(DiagramError, match=r"data\.yaml:3:9: error: entry: 'b' must be str, not int"):
        require(inner, "b", str, str(path))
    with pytest.raises(DiagramError, match=r"data\.yaml:3:5: error: entry: missing key 'd'"):
        require(inner, "d", int, str(path))
