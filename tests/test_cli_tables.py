"""``python -m flowlib table NAME FILE`` prints CSV that pandas reads back into the same table."""

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from flowlib.cli import main
from flowlib.reading import parse_file
from flowlib.views.tables import TABLES

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "course" / "launch_course" / "content" / "launch-instance.puml"


@pytest.fixture(scope="module")
def seed():
    return parse_file(SEED)


def _table_csv(name, path=SEED):
    out = io.StringIO()
    status = main(["table", name, str(path)], out=out)
    return status, out.getvalue()


@pytest.mark.parametrize("name", sorted(TABLES))
def test_csv_parses_back_to_the_table(name, seed):
    status, text = _table_csv(name)
    assert status == 0
    frame = TABLES[name](seed)
    if name == "matrix":
        back = pd.read_csv(io.StringIO(text), index_col=0)
        assert back.index.tolist() == frame.index.tolist() == back.columns.tolist()
        assert back.to_numpy().tolist() == frame.to_numpy().tolist()
        assert int(back.to_numpy().sum()) == len(seed.messages)
        return
    # Read every field as text ("" for a missing value) and compare with the table written the same way.
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert back.columns.tolist() == frame.columns.tolist()
    as_text = frame.astype(object).where(frame.notna(), "").map(str)
    assert back.to_numpy().tolist() == as_text.to_numpy().tolist()
    typed = pd.read_csv(io.StringIO(text))  # and pandas' own type guessing gets the counts back
    for column in [c for c in frame.columns if str(frame[c].dtype) == "int64"]:
        assert typed[column].tolist() == frame[column].tolist(), column


def test_messages_csv_keeps_labels_and_steps(seed):
    _, text = _table_csv("messages")
    back = pd.read_csv(io.StringIO(text), keep_default_na=False, dtype={"label": str})
    assert back.step.tolist() == [m.step for m in seed.messages]
    assert back.label.tolist() == [m.label for m in seed.messages]
    assert (back.arrow == "dotted").sum() == sum(m.dotted for m in seed.messages)


def test_participants_csv_lists_every_participant_in_order(seed):
    _, text = _table_csv("participants")
    back = pd.read_csv(io.StringIO(text))
    assert back.id.tolist() == [p.code for p in seed.participants]
    assert back.service.isna().all()  # flowlib knows no services: those come from an application's data


def test_bad_file_is_one_error_line(tmp_path, capsys):
    bad = tmp_path / "bad.puml"
    bad.write_text("@startuml\nA -> B: ok\nthis is not a diagram line\n@enduml\n", encoding="utf-8")
    status, text = _table_csv("messages", bad)
    assert status == 1 and text == ""
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"{bad}:3:1: error: ")


def test_module_entry_point_writes_csv():
    result = subprocess.run(
        [sys.executable, "-m", "flowlib", "table", "phases", str(SEED)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    back = pd.read_csv(io.StringIO(result.stdout))
    assert back.messages.sum() == len(parse_file(SEED).messages)
