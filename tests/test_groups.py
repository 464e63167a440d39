"""alt/else/opt/loop/par branches: which group and branch each message is in, and how every view marks it."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowlib import parse, parse_file
from flowlib.analysis.groups import branch_marker, branch_phrase, branch_text, group_text, message_groups
from flowlib.model import GroupElse, GroupStart
from flowlib.views.tables import messages_table
from flowlib.views.text import step_list, step_list_html
from flowlib.widgets.player import StepPlayer, frame_html

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "course" / "launch_course" / "content"

SMALL = """\
A -> B: before
alt reschedule
  B -> A: fine
else failure
  B -> A: <bad>
  loop 3 times
    A -> B: retry
  end
  B -> A: after the loop
else
  B -> A: nothing
end
group My Title [lab]
  A -> B: in a group
end
par
  A -> B: p1
else
  A -> B: p2
end
opt cached
  A -> B: maybe
end
A -> B: after
"""


@pytest.fixture(scope="module")
def small():
    return parse(SMALL)


def test_each_message_gets_its_groups_outermost_first(small):
    where = message_groups(small)
    assert len(where) == len(small.messages)
    summary = [None if w is None else [(b.kind, b.branch, b.branch_label) for b in w.path] for w in where]
    assert summary == [
        None,
        [("alt", 0, "reschedule")],
        [("alt", 1, "failure")],
        [("alt", 1, "failure"), ("loop", 0, "3 times")],
        [("alt", 1, "failure")],
        [("alt", 2, None)],
        [("group", 0, "lab")],
        [("par", 0, None)],
        [("par", 1, None)],
        [("opt", 0, "cached")],
        None,
    ]
    assert where[1].inner.branches == 3 and where[9].inner.branches == 1


def test_table_has_group_and_branch_columns(small):
    frame = messages_table(small)
    assert str(frame["group"].dtype) == "string" and str(frame["branch"].dtype) == "string"
    assert frame["group"].isna().tolist() == [True] + [False] * 9 + [True]
    assert frame["group"].tolist()[1:10] == ["alt reschedule", "alt reschedule", "loop 3 times", "alt reschedule",
                                            "alt reschedule", "My Title lab", "par", "par", "opt cached"]
    assert frame["branch"].tolist()[1:10] == ["alt: if reschedule", "else: failure", "loop: 3 times",
                                             "else: failure", "else", "My Title: lab", "par", "else", "opt: cached"]


def test_text_list_marks_every_step_in_a_branch(small):
    lines = step_list(small).splitlines()
    assert lines[0] == "  1. A -> B: before [request]"
    assert lines[1].endswith("[alt: if reschedule]")
    assert lines[2].endswith("[else: failure]")
    assert lines[3].endswith("[else: failure] [loop: 3 times]")
    assert lines[5].endswith("[else]")
    assert lines[-1] == "  11. A -> B: after [request]"
    html = step_list_html(small)
    assert "&lt;bad&gt; [request] [else: failure]" in html


def test_player_header_says_the_branch(small):
    frame = frame_html(small, 3)
    assert "in branch &#x27;else: failure&#x27; of alt &#x27;reschedule&#x27;" in frame
    assert 'class="flow-branch"' in frame
    assert "flow-branch" not in frame_html(small, 1)
    assert "in loop &#x27;3 times&#x27;" in frame_html(small, 4)
    assert "in opt &#x27;cached&#x27;" in frame_html(small, 10)


def test_unclosed_and_stray_groups_do_not_break_the_walk():
    open_alt = parse("alt ok\nA -> B\nelse no\nB -> A")
    assert [branch_marker(w) for w in message_groups(open_alt)] == ["[alt: if ok]", "[else: no]"]
    assert message_groups(parse("A -> B")) == (None,)


def test_words_for_a_hand_built_branch():
    from flowlib.analysis.groups import Branch

    b = Branch("alt", "alt", None, 0, None, 2, 0, 0)
    assert (group_text(b), branch_text(b)) == ("alt", "alt")


# --------------------------------------------------------------------------- the course's diagrams


def _alt_steps(diagram):
    """Steps inside an alt, from the events alone (not through message_groups)."""
    inside, depth, steps = {}, [], set()
    for e in diagram.events:
        if isinstance(e, GroupStart):
            depth.append(e.kind)
        elif isinstance(e, GroupElse):
            pass
        elif type(e).__name__ == "GroupEnd":
            depth.pop()
        elif type(e).__name__ == "Message" and "alt" in depth:
            steps.add(e.step)
    return steps


@pytest.mark.parametrize("name", ["launch-instance.puml", "launch-instance-today.puml"])
def test_course_diagrams_mark_their_alt_else_steps(name):
    diagram = parse_file(str(CONTENT / name))
    in_alt = _alt_steps(diagram)
    frame = messages_table(diagram)
    marked = set(frame.loc[frame["group"].fillna("").str.startswith("alt"), "step"])
    assert marked == in_alt
    text = step_list(diagram).splitlines()
    for line in text:
        if line.startswith("=="):
            continue
        step = int(line[2:].split(".")[0])
        assert (("[alt: " in line or "[else" in line) == (step in in_alt)), line
    if name == "launch-instance-today.puml":
        assert in_alt, "today's diagram has alt/else branches"
        elses = set(frame.loc[frame["branch"].fillna("").str.startswith("else"), "step"])
        assert elses and elses < in_alt
        player = StepPlayer(diagram, phase="scheduling")
        assert any("flow-branch" in f and "of alt" in f for f in player.frames)


def test_a_multi_line_group_label_reads_as_plantuml_shows_it_everywhere():
    """``\\n`` in a group or else label is a line break in PlantUML: one line in tables and text, never '\\n'."""
    from flowlib import messages_table
    from flowlib.views.text import step_list

    d = parse("A -> B: x\nalt On gathering\\nsame digests\nB -> A: y\nelse other\\nway\nB -> A: z\nend")
    table = messages_table(d)
    shown = " ".join(table["group"].dropna()) + " ".join(table["branch"].dropna()) + step_list(d)
    assert "\\n" not in shown
    assert "On gathering same digests" in shown and "else: other way" in shown
