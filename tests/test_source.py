"""Reading files: whatever the path holds, a located DiagramError and never a hang or a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flowlib import DiagramError, parse_file
from flowlib.reading import source

ROOT = Path(__file__).resolve().parents[1]


def test_reads_utf8_text(tmp_path):
    path = tmp_path / "a.puml"
    path.write_text("A -> B : caf\u00e9\n", encoding="utf-8")
    assert source.read_text(path) == "A -> B : caf\u00e9\n"


def test_a_bad_byte_is_located_at_its_line_and_column(tmp_path):
    path = tmp_path / "bad.puml"
    path.write_bytes("@startuml\nA -> B : \u00e9t\u00e9 ".encode("utf-8") + b"\xff\n@enduml\n")
    with pytest.raises(DiagramError) as info:
        source.read_text(path)
    err = info.value
    assert (err.file, err.line) == (str(path), 2)
    # columns count characters, not bytes: 'A -> B : ' (9) and 'été ' (4, six bytes) stand before it
    assert err.column == len("A -> B : \u00e9t\u00e9 ") + 1
    assert "not UTF-8 text" in err.message and "0xff" in err.message
    assert err.source_line.startswith("A -> B : \u00e9t\u00e9 ")


@pytest.mark.parametrize("kind", ["directory", "pipe", "device"])
def test_what_is_not_a_regular_file_is_refused_before_reading(tmp_path, kind):
    if kind == "directory":
        path = tmp_path
    elif kind == "pipe":
        path = tmp_path / "fifo"
        os.mkfifo(path)  # opening it would wait for a writer forever
    else:
        path = Path("/dev/zero")  # reading it would never end
    with pytest.raises(DiagramError, match=f"it is a {kind}, not a regular file"):
        parse_file(path)


def test_an_oversized_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "MAX_BYTES", 10)
    path = tmp_path / "big.puml"
    path.write_text("A -> B : more than ten bytes\n")
    with pytest.raises(DiagramError, match="larger than"):
        source.read_text(path)


def test_cli_reads_stdin_strictly():
    proc = subprocess.run([sys.executable, "-m", "flowlib", "inspect", "-"], input=b"A -> B\n\xff\n",
                          capture_output=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.decode().splitlines() == ["-:2:1: error: cannot read file: not UTF-8 text "
                                                 "(invalid start byte: byte 0xff)"]


def test_cli_refuses_a_device_at_once():
    proc = subprocess.run([sys.executable, "-m", "flowlib", "inspect", "/dev/zero"], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "/dev/zero: error: cannot read file: it is a device, not a regular file"
