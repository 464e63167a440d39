"""Mermaid export: the right statements for each PlantUML construct, well nested in any window, text escaped."""

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowlib import parse, parse_file
from flowlib.views.palette import phase_color
from flowlib.views.mermaid import MermaidDiagram, mermaid_text, to_mermaid
from flowlib.views.palette import HIGHLIGHT
from flowlib.views.text import MARKER, step_list
from plantuml_ref import readable

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "course" / "launch_course" / "content" / "launch-instance.puml"
CORPUS = ROOT.parent / "shared" / "corpus" / "sequence"

DEMO = """@startuml
title Demo
actor User
participant "Web App" as W
database DB
box "Back end"
participant API
end box
== login ==
User -> W : open
activate W
W -> API : call
alt ok
  API --> W : 200
else error
  API -->x W : 500
end
note right of W : remember
W ->> DB : log
deactivate W
== later ==
loop 3 times
  W -> W : retry
end
[-> W : ping
@enduml
"""

OPENERS = re.compile(r"^\s*(alt|opt|loop|par|critical|break|rect|box)\b")
ARROW = re.compile(r"^\s*(P\d+|XL|XR)(<<)?(-->>|->>|--\)|-\)|--x|-x|-->|->)(P\d+|XL|XR): (.*)$")
ENTITY = re.compile(r"#(\w+);")
NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def decode(text: str) -> str:
    """What Mermaid shows for escaped text: entity codes decoded, ``<br/>`` as a line break."""
    text = text.replace("<br/>", "\n")
    return ENTITY.sub(lambda m: NAMED.get(m[1]) or chr(int(m[1])), text)


def lines(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines()]


def test_demo_uses_mermaid_statements_for_each_construct():
    d = parse(DEMO)
    out = to_mermaid(d).source
    got = lines(out)
    assert got[0] == "sequenceDiagram" and "title Demo" in got
    assert "actor P0 as User" in got and "participant P1 as Web App" in got
    assert got.index("box rgba(128, 128, 128, 0.08) Back end") < got.index("participant P3 as API")
    assert "participant XL as (left edge)" in got
    assert [line for line in got if ARROW.match(line)] == [
        "P0->>P1: 1. open",
        "P1->>P3: 2. call",
        "P3-->>P1: 3. 200",
        "P3--xP1: 4. 500",
        "P1-)P2: 5. log",
        "P1->>P1: 6. retry",
        "XL->>P1: 7. ping",
    ]
    assert got[got.index("P1->>P3: 2. call") + 1 : got.index("P3--xP1: 4. 500")] == ["alt ok", "P3-->>P1: 3. 200", "else error"]
    assert "Note right of P1: remember" in got
    assert got.count("activate P1") == got.count("deactivate P1") == 1
    assert "loop 3 times" in got
    bands = [line for line in got if line.startswith("rect rgba")]
    assert bands == [f"rect {_rgba(phase_color('login', d.phases))}", f"rect {_rgba(phase_color('later', d.phases))}"]
    assert "Note over P0: == login ==" in got  # over the first participant, where a reader looks


def _rgba(color: str, alpha: float = 0.12) -> str:
    return f"rgba({int(color[1:3], 16)}, {int(color[3:5], 16)}, {int(color[5:7], 16)}, {alpha})"


def _check_well_formed(diagram, result: MermaidDiagram, shown_steps: list[int]) -> None:
    got = lines(result.source)
    opened = sum(1 for line in got if OPENERS.match(line))
    assert opened == got.count("end"), result.source
    depth = 0
    for line in got:  # never closes more than it opened
        depth += bool(OPENERS.match(line)) - (line == "end")
        assert depth >= 0
    messages = [ARROW.match(line) for line in got if ARROW.match(line)]
    assert [int(decode(m[5]).lstrip(MARKER + " ").split(".")[0]) for m in messages] == shown_steps
    active: dict[str, int] = {}
    for line in got:  # Mermaid refuses to deactivate an inactive participant
        word, _, who = line.partition(" ")
        if word == "activate":
            active[who] = active.get(who, 0) + 1
        elif word == "deactivate":
            assert active.get(who, 0) > 0, line
            active[who] -= 1


def test_seed_whole_phase_and_window(tmp_path):
    d = parse_file(SEED)
    _check_well_formed(d, to_mermaid(d), [m.step for m in d.messages])
    for phase in d.phases:
        result = to_mermaid(d, phase=phase)
        _check_well_formed(d, result, [m.step for m in d.phase_messages(phase)])
        taking_part = {c for m in d.phase_messages(phase) for c in (m.source, m.target)}
        declared = [line for line in lines(result.source) if line.startswith(("participant ", "actor "))]
        assert len(declared) == len(taking_part)  # a filtered view declares only who takes part
    window = to_mermaid(d, steps=(5, 9), highlight=7)
    _check_well_formed(d, window, [5, 6, 7, 8, 9])
    got = lines(window.source)
    at = next(i for i, line in enumerate(got) if line.endswith(f": {MARKER} 7. launch instance"))
    assert got[at - 1] == f"rect {_rgba(HIGHLIGHT, 0.18)}" and got[at + 1] == "end"
    assert window.text == window.to_text() == step_list(d, steps=(5, 9), highlight=7)


def test_windows_inside_groups_open_and_close_them():
    d = parse(DEMO)
    inside = to_mermaid(d, steps=(4, 4))  # the else branch alone
    _check_well_formed(d, inside, [4])
    got = lines(inside.source)
    assert got.count("alt error") == 1 and "else error" not in got  # opened on the branch it shows
    outside = to_mermaid(d, steps=(6, 7))
    _check_well_formed(d, outside, [6, 7])
    assert not any(line.startswith("alt") for line in lines(outside.source))


def test_bundle_and_str():
    result = to_mermaid(parse(DEMO))
    assert result._repr_mimebundle_() == {"text/vnd.mermaid": result.source, "text/plain": result.source}
    assert result._repr_mimebundle_(include=["text/vnd.mermaid"]) == {"text/vnd.mermaid": result.source}
    assert str(result) == result.source


def test_mermaid_text_escapes_each_syntax_character():
    assert mermaid_text('a;b#c:d%%e<f>g&h"i{j}k|l`m') == (
        "a#59;b#35;c#58;d#37;#37;e#lt;f#gt;g#amp;h#quot;i#123;j#125;k#124;l#96;m"
    )
    assert mermaid_text("one\r\ntwo\nthree") == "one<br/>two<br/>three"


@given(st.text())
def test_mermaid_text_round_trips_and_leaves_no_syntax(text):
    escaped = mermaid_text(text)
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    assert decode(escaped) == normal
    bare = ENTITY.sub("", escaped.replace("<br/>", ""))
    assert not set(bare) & set(';#:%<>&"{}|`\n\r')


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS} (CI has it)")
def test_every_corpus_diagram_exports_well_formed():
    files = readable(sorted(CORPUS.glob("*.puml")))
    assert files
    for path in files:
        d = parse_file(path)
        _check_well_formed(d, to_mermaid(d), [m.step for m in d.messages])
        count = len(d.messages)
        if count >= 4:
            first, last = count // 3, 2 * count // 3
            _check_well_formed(d, to_mermaid(d, steps=(first, last), highlight=first), list(range(first, last + 1)))


def test_acc_descr_counts_agree_with_their_nouns():
    one = to_mermaid(parse("A -> B: hi")).source
    assert "accDescr: 1 message between 2 participants" in one
    two = to_mermaid(parse("A -> B: hi\nB --> A: ok")).source
    assert "accDescr: 2 messages between 2 participants" in two


def test_consecutive_boxes_keep_their_own_colours_and_titles():
    d = parse("@startuml\nbox #lightgreen\nparticipant A\nend box\nbox \"Two\" #ADD8E6\nparticipant B\nend box\n"
              "box \"Two\" #ADD8E6\nparticipant C\nend box\nA -> B: hi\nB -> C: ho\n@enduml")
    got = lines(to_mermaid(d).source)
    assert [line for line in got if line.startswith("box ")] == [
        "box lightgreen", "box rgb(173, 216, 230) Two", "box rgb(173, 216, 230) Two"]


def test_acc_title_is_the_file_name_not_its_path(tmp_path):
    path = tmp_path / "flow.puml"
    path.write_text("@startuml\nA -> B: hi\n@enduml\n")
    from flowlib import parse_file

    assert "accTitle: flow.puml" in lines(to_mermaid(parse_file(path)).source)


def test_multi_line_group_labels_read_as_one_line():
    got = lines(to_mermaid(parse("A -> B\nalt On gathering\\nsame digests\nA -> B\nend")).source)
    assert "alt On gathering same digests" in got
