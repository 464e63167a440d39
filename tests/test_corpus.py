"""The whole shared corpus: flowlib's parse equals PlantUML's own (``*.expected.json``), file by file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flowlib import DiagramError, parse
from flowlib.writing.corpusjson import error_json, to_corpus_json

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SEQUENCE = sorted((CORPUS / "sequence").glob("*.puml"))
OTHER = sorted((CORPUS / "not-sequence").glob("*.puml"))

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


@needs_corpus
def test_corpus_is_there():
    assert len(SEQUENCE) == 158
    assert len(OTHER) == 15


@needs_corpus
@pytest.mark.parametrize("path", SEQUENCE, ids=[p.name for p in SEQUENCE])
def test_sequence_matches_plantuml(path):
    expected = _expected(path)
    got = to_corpus_json(parse(path.read_text(encoding="utf-8"), file=str(path)), file=path.name)
    # Participants and messages first, so a failure shows the part that matters most.
    assert got["participants"] == expected["participants"]
    assert got["messages"] == expected["messages"]
    assert got == expected
    assert list(got) == list(expected)  # same keys, same order


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
