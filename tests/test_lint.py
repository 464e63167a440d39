"""lint finds what a diagram probably gets wrong, and says where; the CLI prints it compiler-style."""

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from launch_course.palette import PHASE_COLORS
from flowlib import DiagramError
from flowlib.cli import main
from flowlib.analysis.lint import lint, lint_text
from flowlib.reading import parse, parse_file

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "course" / "launch_course" / "content" / "launch-instance.puml"
NOT_SEQUENCE = ROOT.parent / "shared" / "corpus" / "not-sequence"

HEADLINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<severity>warning|error): (?P<message>.+)$")

# One problem of each kind lint knows, and one syntax error.
PROBLEMS = """\
@startuml
participant Lonely
A -> B: before any phase
== auth ==
A -> B: call
activate B
B --> A
' unbalanced: B is never deactivated
activate A
deactivate A
deactivate C
== nowhere ==
A -> D: only once
== empty ==
== auth ==
A -> B: again
this is not a diagram line
@enduml
"""


@pytest.fixture(scope="module")
def problems():
    return lint_text(PROBLEMS, file="problems.puml", known_phases=["auth", "empty"])


EXPECTED = [
    # (id, start of the blamed line, severity, words in the message)
    ("declared-unused", "participant Lonely", "warning", "participant 'Lonely' takes part in no message"),
    ("outside-phase", "A -> B: before", "warning", "this message before the first divider belongs to no phase"),
    ("never-closed", "activate B", "warning", "activation of 'B' is never closed"),
    ("reply-no-label", "B --> A", "warning", "reply from 'B' to 'A' has no label"),
    ("stray-deactivate", "deactivate C", "warning", "deactivate of 'C' without a matching activate"),
    ("unknown-phase", "== nowhere ==", "warning", "unknown phase 'nowhere' (known phases: auth, empty)"),
    ("deactivate-only", "deactivate C", "warning", "participant 'C' takes part in no message"),
    ("used-once", "A -> D", "warning", "participant 'D' takes part in only one message (step 4)"),
    ("empty-phase", "== empty ==", "warning", "phase 'empty' has no messages"),
    ("phase-again", "== auth ==", "warning", "phase 'auth' starts again (first at line 4)"),
    ("syntax-error", "this is not", "error", ""),  # the parser owns the wording of its errors
]


@pytest.mark.parametrize("start, severity, words", [e[1:] for e in EXPECTED], ids=[e[0] for e in EXPECTED])
def test_each_problem_is_found_where_it_is(problems, start, severity, words):
    lines = PROBLEMS.splitlines()
    wanted = [i for i, content in enumerate(lines, start=1) if content.startswith(start)][-1]
    hits = [p for p in problems if p.line == wanted and words in p.message]
    assert len(hits) == 1, [p.headline() for p in problems]
    (hit,) = hits
    assert hit.severity == severity and hit.file == "problems.puml"
    assert hit.source_line == lines[wanted - 1]
    assert hit.column == len(lines[wanted - 1]) - len(lines[wanted - 1].lstrip()) + 1


def test_nothing_else_is_reported(problems):
    assert len(problems) == len(EXPECTED), "\n".join(p.headline() for p in problems)
    assert [(p.line, p.column) for p in problems] == sorted((p.line, p.column) for p in problems)
    assert all(isinstance(p, DiagramError) for p in problems)
    assert "\n    " + PROBLEMS.splitlines()[problems[0].line - 1] in str(problems[0])


def test_well_formed_parts_raise_no_warning():
    text = "@startuml\n== auth ==\nA -> B: call\nactivate B\nB --> A: done\ndeactivate B\n@enduml\n"
    assert lint_text(text, known_phases=["Auth"]) == []  # phase names compare without case


def test_seed_warnings_are_computed_from_the_model():
    diagram = parse_file(SEED)
    warnings = lint(diagram, known_phases=PHASE_COLORS)
    unlabelled = [m for m in diagram.messages if not m.label.strip()]
    assert unlabelled, "the seed has unlabelled messages"
    assert [(w.line, w.column) for w in warnings] == [(m.line, m.column) for m in unlabelled]
    replies = [w for w in warnings if w.message.startswith("reply ")]
    assert [w.line for w in replies] == [m.line for m in unlabelled if m.dotted]
    assert all(w.severity == "warning" and w.file == str(SEED) for w in warnings)
    # its phases are the course's; drop one from the known list and its divider is flagged
    fewer = lint(diagram, known_phases=[p for p in PHASE_COLORS if p != "status"])
    (extra,) = [w for w in fewer if w not in warnings and "unknown phase" in w.message]
    assert extra.line == [d.line for d in diagram.dividers if d.name == "status"][0]


def test_lint_on_a_model_alone_gives_lines():
    diagram = parse("A -> B: x\nactivate B\n")
    (warning,) = [w for w in lint(diagram) if "never closed" in w.message]
    assert (warning.line, warning.column, warning.source_line) == (2, None, None)


def _run_cli(*argv):
    out = io.StringIO()
    status = main(list(argv), out=out)
    return status, out.getvalue().splitlines()


def test_cli_prints_headlines_and_exits_on_errors_only(tmp_path):
    status, lines = _run_cli("lint", str(SEED))
    assert status == 0
    expected = lint_text(SEED.read_text(encoding="utf-8"), file=str(SEED))
    assert lines == [p.headline() for p in expected]
    for line in lines:
        match = HEADLINE.match(line)
        assert match and match["file"] == str(SEED) and match["severity"] == "warning"

    bad = tmp_path / "bad.puml"
    bad.write_text(PROBLEMS, encoding="utf-8")
    status, lines = _run_cli("lint", "--phases", "auth, empty", str(bad), str(SEED))
    assert status == 1
    assert all(HEADLINE.match(line) for line in lines)
    assert sum(f"{bad}:" in line for line in lines) == len(EXPECTED)
    assert any(": error: " in line for line in lines)


def test_cli_reports_unreadable_and_non_sequence_files(tmp_path):
    status, lines = _run_cli("lint", str(tmp_path / "missing.puml"))
    assert status == 1 and lines[0].startswith(f"{tmp_path / 'missing.puml'}: error: cannot read file")
    if not NOT_SEQUENCE.is_dir():
        pytest.skip(f"corpus not found at {NOT_SEQUENCE} (it lives in ../shared/corpus; CI has it)")
    files = sorted(NOT_SEQUENCE.glob("*.puml"))
    assert files
    status, lines = _run_cli("lint", str(files[0]))
    assert status == 1 and any("not a sequence diagram" in line for line in lines)


def test_lint_and_analysis_do_not_import_pandas():
    code = "import sys, flowlib.analysis.lint, flowlib.analysis, launch_course.components; print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_unclosed_group_and_empty_diagram_are_reported_with_line_and_column():
    from flowlib.analysis.lint import lint_text

    problems = lint_text("@startuml\nA -> B: hi\n  alt never closed\n  A -> B: again\n@enduml")
    unclosed = [p for p in problems if "never closed" in p.message]
    assert [(p.line, p.column, p.severity) for p in unclosed] == [(3, 3, "warning")]
    assert "add 'end'" in unclosed[0].message
    empty = lint_text("@startuml\n@enduml\n", file="e.puml")
    assert [(p.line, p.column, p.severity) for p in empty] == [(1, 1, "error")]
    assert lint_text("@startuml\nparticipant A\n@enduml")[-1].message == "empty diagram: participants but no message"


def test_every_problem_has_a_line_and_a_column():
    from flowlib.analysis.lint import lint_text

    text = "@startuml\nA -> B\nWeb-app -> B\nactivate A\nalt x\n== p ==\n@enduml\n@startuml\nC -> D\n@enduml"
    problems = lint_text(text)
    assert problems and all(p.line and p.column for p in problems)
    assert any("2 @startuml blocks" in p.message for p in problems)
    assert lint_text(text, block=1)[0].line == 8
