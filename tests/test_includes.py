"""!include and its security rule: local files resolve from the including file, never outside include_root."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from flowlib import DiagramError, parse, parse_file
from flowlib.cli import main


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_include_is_relative_to_the_including_file(tmp_path):
    _write(tmp_path, {
        "docs/flow.puml": "@startuml\n!include parts/calls.iuml\nB -> C : three\n@enduml\n",
        "docs/parts/calls.iuml": "A -> B : one\n!include more.iuml\n",
        "docs/parts/more.iuml": "@startuml\nB --> A : two\n@enduml\n",
    })
    d = parse_file(tmp_path / "docs" / "flow.puml")
    assert [m.label for m in d.messages] == ["one", "two", "three"]
    # Every element keeps the file and line it came from (None: the diagram's own text).
    assert [(m.file and Path(m.file).name, m.line) for m in d.messages] == [
        ("calls.iuml", 1), ("more.iuml", 2), (None, 3)]
    assert d.participant("A").file == str((tmp_path / "docs" / "parts" / "calls.iuml").resolve())


def test_include_many_once_and_sub(tmp_path):
    _write(tmp_path, {
        "flow.puml": "!include_many m.iuml\n!include_many m.iuml\n!include_once m.iuml\n!includesub s.iuml!TWO\n",
        "m.iuml": "A -> B : m\n",
        "s.iuml": "!startsub ONE\nA -> B : one\n!endsub\n!startsub TWO\nB -> A : two\n!endsub\n",
    })
    assert [m.label for m in parse_file(tmp_path / "flow.puml").messages] == ["m", "m", "m", "two"]


def test_missing_include_names_the_file_that_includes_it(tmp_path):
    _write(tmp_path, {"flow.puml": "A -> B\n!include part.iuml\n", "part.iuml": "B -> C\n\n!include gone.iuml\n"})
    with pytest.raises(DiagramError) as info:
        parse_file(tmp_path / "flow.puml")
    err = info.value
    assert err.message == "cannot include gone.iuml: no such file"
    assert (Path(err.file).name, err.line, err.source_line) == ("part.iuml", 3, "!include gone.iuml")


def test_an_error_inside_an_included_file_is_located_there(tmp_path):
    _write(tmp_path, {"flow.puml": "A -> B\n!include part.iuml\n", "part.iuml": "B -> C\nNova-api -> C\n"})
    with pytest.raises(DiagramError) as info:
        parse_file(tmp_path / "flow.puml")
    assert (Path(info.value.file).name, info.value.line) == ("part.iuml", 2)


def test_include_cycle_is_an_error(tmp_path):
    _write(tmp_path, {"a.puml": "A -> B\n!include b.iuml\n", "b.iuml": "!include a.puml\n"})
    with pytest.raises(DiagramError) as info:
        parse_file(tmp_path / "a.puml")
    assert info.value.message == "cannot include a.puml: include cycle (a.puml -> b.iuml -> a.puml)"
    assert info.value.file.endswith("b.iuml") and info.value.line == 1


@pytest.mark.parametrize("target", ["../secret.iuml", "/etc/hostname", "sub/../../secret.iuml"])
def test_an_include_may_not_leave_the_diagrams_folder(tmp_path, target):
    _write(tmp_path, {"secret.iuml": "A -> B : secret\n", "diagrams/flow.puml": f"!include {target}\nA -> B\n"})
    with pytest.raises(DiagramError) as info:
        parse_file(tmp_path / "diagrams" / "flow.puml")
    message = info.value.message
    assert message.startswith(f"cannot include {target}: it is outside the diagram's folder")
    assert "include_root=" in message and "--include-root" in message   # it says how to allow it


def test_include_root_widens_the_folder(tmp_path):
    _write(tmp_path, {"config/style.iuml": "A -> B : styled\n", "diagrams/flow.puml": "!include ../config/style.iuml\n"})
    d = parse_file(tmp_path / "diagrams" / "flow.puml", include_root=tmp_path)
    assert [m.label for m in d.messages] == ["styled"]
    out = io.StringIO()
    assert main(["inspect", "--include-root", str(tmp_path), str(tmp_path / "diagrams" / "flow.puml")], out) == 0
    assert "messages:     1" in out.getvalue()
    assert main(["inspect", str(tmp_path / "diagrams" / "flow.puml")], io.StringIO()) == 1


@pytest.mark.parametrize("line, words", [
    ("!include https://example.com/style.puml", "does not fetch URLs"),
    ("!includeurl https://example.com/style.puml", "does not fetch URLs"),
    ("!include <C4/C4_Sequence>", "standard library is not available offline"),
])
def test_remote_and_standard_library_includes_say_they_cannot_work_offline(line, words):
    with pytest.raises(DiagramError) as info:
        parse(f"{line}\nA -> B\n", file="flow.puml")
    assert words in info.value.message and info.value.line == 1


def test_a_diagram_without_directives_is_not_preprocessed(monkeypatch):
    # The fast path: a diagram that never uses the preprocessor never reaches it (and loses nothing).
    from flowlib.reading.preprocess import Preprocessor

    def refuse(self, lines):
        raise AssertionError("the preprocessor ran on a diagram without directives")

    monkeypatch.setattr(Preprocessor, "run", refuse)
    d = parse("A -> B : costs $5 (and 10%)\n")
    assert d.messages[0].label == "costs $5 (and 10%)"
    with pytest.raises(AssertionError, match="preprocessor ran"):
        parse("!$x = 1\nA -> B : $x\n")  # and one that uses it does
