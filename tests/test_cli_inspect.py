"""``python -m flowlib inspect``: summaries, corpus-schema JSON lines, and the error contract."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from flowlib.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "course" / "launch_course" / "content" / "launch-instance.puml"


def run(*argv):
    out = io.StringIO()
    status = main(list(argv), out=out)
    return status, out.getvalue()


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.puml"
    path.write_text("@startuml\ntitle Tiny\n== one ==\nA -> B: hi\nB --> A\n@enduml\n", encoding="utf-8")
    return path


@pytest.fixture
def bad(tmp_path):
    path = tmp_path / "bad.puml"
    path.write_text("@startuml\nA -> B\nNova-api -> B: boot\n@enduml\n", encoding="utf-8")
    return path


def test_summary_of_the_seed():
    status, text = run("inspect", str(SEED))
    assert status == 0
    assert text.startswith(f"{SEED}: Launching a VM instance in OpenStack (2014)\n")
    assert "  participants: 23\n" in text
    assert "  messages:     62\n" in text
    assert "auth (" in text and "metadata (" in text


def test_summary_names_the_themes(tmp_path, good):
    path = tmp_path / "themed.puml"
    path.write_text("@startuml\n!theme plain\n!$t = \"toy\"\n!theme $t\nA -> B: hi\n@enduml\n", encoding="utf-8")
    status, text = run("inspect", str(path), str(good))
    assert status == 0
    assert text.count("theme:") == 1 and "  theme:        plain, toy\n" in text


def test_json_line_per_file(good):
    status, text = run("inspect", "--json", str(good), str(SEED))
    assert status == 0
    lines = text.splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["file"] == str(good) and first["ok"] is True and first["title"] == "Tiny"
    assert [(m["from"], m["to"], m["label"], m["dotted"]) for m in first["messages"]] == [
        ("A", "B", "hi", False), ("B", "A", "", True)]
    assert first["dividers"] == ["one "]
    assert second["file"] == str(SEED) and len(second["messages"]) == 62
    assert list(first)[:6] == ["file", "ok", "diagram_type", "error", "block_count", "title"]


def test_refused_file_in_json_mode(bad, good):
    status, text = run("inspect", "--json", str(bad), str(good))
    assert status == 1
    refused, accepted = (json.loads(line) for line in text.splitlines())
    assert refused["ok"] is False and refused["file"] == str(bad)
    assert refused["error"]["line"] == 3
    assert "hyphen" in refused["error"]["message"]
    assert accepted["ok"] is True


def test_refused_file_prints_location_on_stderr(bad, capsys):
    status, text = run("inspect", str(bad))
    assert status == 1
    assert text == ""
    err = capsys.readouterr().err
    assert err.startswith(f"{bad}:3:1: error: unquoted name \"Nova-api\" contains a hyphen")
    assert "Traceback" not in err


def test_other_kind_of_diagram_is_named(tmp_path, capsys):
    path = tmp_path / "classes.puml"
    path.write_text("@startuml\nclass Server {\n  +boot()\n}\nclass Disk\nServer *-- Disk\n@enduml\n")
    status, _ = run("inspect", str(path))
    assert status == 1
    assert f"{path}:2:1: error: this looks like a class diagram, not a sequence diagram" in capsys.readouterr().err


def test_missing_file(tmp_path, capsys):
    missing = tmp_path / "nope.puml"
    status, _ = run("inspect", str(missing))
    assert status == 1
    assert capsys.readouterr().err.strip() == f"{missing}: error: cannot read file: No such file or directory"


def test_missing_file_in_json_mode(tmp_path):
    missing = tmp_path / "nope.puml"
    status, text = run("inspect", "--json", str(missing))
    assert status == 1
    record = json.loads(text)
    assert record == {"file": str(missing), "ok": False, "diagram_type": "unreadable",
                      "error": {"line": None, "message": "cannot read file: No such file or directory"}}


def test_binary_file(tmp_path, capsys):
    path = tmp_path / "image.puml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    status, _ = run("inspect", str(path))
    assert status == 1
    assert "cannot read file: not UTF-8 text" in capsys.readouterr().err


COMMANDS = {"python -m flowlib": [sys.executable, "-m", "flowlib"],
            # the console script pip makes from pyproject's [project.scripts], beside this Python
            "flowlib": [str(Path(sys.executable).with_name("flowlib"))]}


@pytest.mark.parametrize("command", COMMANDS)
def test_whole_process_never_shows_a_traceback(bad, command):
    proc = subprocess.run([*COMMANDS[command], "inspect", str(bad)], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.splitlines()[0].startswith(f"{bad}:3:1: error: ")
    assert "Traceback" not in proc.stderr


def test_several_blocks_are_counted_and_chosen(tmp_path):
    import io

    from flowlib.cli import main

    path = tmp_path / "two.puml"
    path.write_text("@startuml\nA -> B: one\n@enduml\n@startuml\nC -> D: two\nD -> C: back\n@enduml\n")
    out = io.StringIO()
    assert main(["inspect", str(path)], out) == 0
    assert "blocks:       2 (this is block 0" in out.getvalue() and "messages:     1" in out.getvalue()
    out = io.StringIO()
    assert main(["inspect", "--block", "1", str(path)], out) == 0
    assert "messages:     2" in out.getvalue()
    out = io.StringIO()
    main(["lint", "--block", "1", str(path)], out)
    assert "2 @startuml blocks: this is block 1" in out.getvalue()
    out = io.StringIO()
    assert main(["render", "--block", "1", "--format", "text", str(path)], out) == 0
    assert "C -> D: two" in out.getvalue()
    assert main(["render", "--block", "2", str(path)], io.StringIO()) == 1
