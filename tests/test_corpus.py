"""The whole shared corpus: flowlib's parse equals PlantUML 1.2026.8's own (``expected-1.2026/``), file by file.

The 1.2020.02 parses (``sequence/*.expected.json``) stay in the corpus; where the two versions differ flowlib
follows 1.2026.8 (docs/plantuml-versions.md). ``with-includes/`` holds real diagrams with the local files
they ``!include``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flowlib import DiagramError, parse, parse_file
from flowlib.writing.corpusjson import error_json, to_corpus_json

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SEQUENCE = sorted((CORPUS / "sequence").glob("*.puml"))
OTHER = sorted((CORPUS / "not-sequence").glob("*.puml"))
EXPECTED_2026 = sorted((CORPUS / "expected-1.2026").glob("*.expected.json"))
INCLUDES = CORPUS / "with-includes"
WITH_INCLUDES = sorted(INCLUDES.glob("*.expected.json"))

needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the shared corpus is not checked out at {CORPUS} (CI has it)")

# PlantUML's diagram_type -> words the refusal must contain.
KIND_WORDS = {
    "class": "class diagram",
    "state": "state diagram",
    "activity": "activity diagram",
    "description": "component, deployment or use-case diagram",
    "timing": "timing diagram",
    "nwdiag": "network diagram",
    "PSystemDot": "dot diagram",
}


def _expected(path: Path) -> dict:
    return json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))


def _name(path: Path) -> str:
    return path.name.removesuffix(".expected.json")


def _ours(read) -> dict:
    """flowlib's parse in the corpus schema, or its refusal."""
    try:
        return to_corpus_json(read())
    except DiagramError as err:
        return error_json(err, err.file)


def _assert_agrees(ours: dict, expected: dict):
    """flowlib reads the file as PlantUML does: the same model, or the same refusal.

    A refusal agrees when it is at PlantUML's line; when PlantUML took the text for another kind of diagram
    (``Assumed diagram type: activity``, a DOT graph) and failed there, flowlib must also name that kind.
    """
    if expected["ok"] and expected["diagram_type"] == "sequence":
        assert ours["ok"], f"flowlib refused what PlantUML reads: {ours['error']}"
        ours = {**ours, "file": expected["file"]}
        assert ours["participants"] == expected["participants"]
        assert ours["messages"] == expected["messages"]
        assert ours == expected
        assert list(ours) == list(expected)  # same keys, same order
        return
    assert not ours["ok"], f"flowlib read what PlantUML refused: {expected['error']}"
    if expected["ok"]:
        assert KIND_WORDS[expected["diagram_type"]] in ours["error"]["message"]
        return
    message = expected["error"]["message"]
    if "DOT diagram" in message:
        assert KIND_WORDS["PSystemDot"] in ours["error"]["message"]
    elif "(Assumed diagram type: " in message and "(Assumed diagram type: sequence)" not in message:
        # PlantUML failed inside its own parser of that kind (activity, ...): flowlib names the kind, at
        # the line PlantUML blames (an activity that is never closed, diagnosis.unclosed_activity).
        kind = message.rsplit("(Assumed diagram type: ", 1)[1].rstrip(")")
        assert KIND_WORDS[kind] in ours["error"]["message"]
    assert ours["error"]["line"] == expected["error"]["line"], (ours["error"], expected["error"])


def _source_of(name: str) -> Path:
    for folder in ("sequence", "not-sequence"):
        path = CORPUS / folder / f"{name}.puml"
        if path.exists():
            return path
    raise FileNotFoundError(name)


@needs_corpus
@pytest.mark.parametrize("expected", EXPECTED_2026, ids=[_name(p) for p in EXPECTED_2026])
def test_corpus_matches_plantuml_2026(expected):
    path = _source_of(_name(expected))
    _assert_agrees(_ours(lambda: parse(path.read_text(encoding="utf-8"), file=path.name)),
                   json.loads(expected.read_text(encoding="utf-8")))


def _main_files() -> dict[str, str]:
    lines = (INCLUDES / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    return {row.split("\t")[0]: row.split("\t")[1] for row in lines[1:]}


@needs_corpus
@pytest.mark.parametrize("expected", WITH_INCLUDES, ids=[_name(p) for p in WITH_INCLUDES])
def test_with_includes_matches_plantuml_2026(expected):
    name = _name(expected)
    folder = INCLUDES / name
    path = folder / _main_files()[name]
    # The files keep their repository's layout: includes may reach anywhere in the copy of the repository.
    _assert_agrees(_ours(lambda: parse_file(path, include_root=folder)), json.loads(expected.read_text(encoding="utf-8")))


@needs_corpus
def test_corpus_is_there():
    assert len(SEQUENCE) == 158
    assert len(OTHER) == 15
    assert len(EXPECTED_2026) == 173
    assert len(WITH_INCLUDES) == 28


@needs_corpus
@pytest.mark.parametrize("path", OTHER, ids=[p.name for p in OTHER])
def test_other_kind_is_refused_by_name(path):
    kind = _expected(path)["diagram_type"]
    with pytest.raises(DiagramError) as info:
        parse(path.read_text(encoding="utf-8"), file=str(path))
    err = info.value
    assert f"{KIND_WORDS[kind]}, not a sequence diagram" in err.message
    assert err.file == str(path) and err.line is not None and err.column is not None


def test_attached_note_is_listed_with_its_message():
    # PlantUML keeps a note on a message with the message, ahead of notes written before it.
    got = to_corpus_json(parse("A -> B\nnote over A: free\nnote right: on the message"))
    assert [n["text"] for n in got["note_list"]] == ["on the message", "free"]
    assert got["notes"] == 2


def test_error_json_names_the_kind():
    with pytest.raises(DiagramError) as info:
        parse("@startuml\nclass A {\n}\n@enduml\n", file="c.puml")
    assert error_json(info.value, "c.puml") == {
        "file": "c.puml", "ok": False, "diagram_type": "class",
        "error": {"line": 2, "message": "this looks like a class diagram, not a sequence diagram"}}
