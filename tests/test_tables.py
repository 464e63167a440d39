"""The pandas tables agree with the model they come from: counts, order, dtypes and the documented rules."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from launch_course.palette import PHASE_COLORS
from flowlib import Diagram, Message, Participant
from flowlib.model import Divider, LifeEvent
from flowlib.analysis.arrows import arrow_style, message_roles
from flowlib.cli import build_parser
from launch_course.components import load_components
from flowlib.views.palette import HIGHLIGHT, phase_color
from flowlib.reading import parse, parse_file
from flowlib.views.tables import (
    LEFT_EDGE,
    RIGHT_EDGE,
    TABLES,
    activations_table,
    interaction_matrix,
    messages_table,
    participants_table,
    phases_table,
    style_messages,
)
from plantuml_ref import readable

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "course" / "launch_course" / "content" / "launch-instance.puml"
CORPUS = ROOT.parent / "shared" / "corpus" / "sequence"

# The documented columns and dtypes: the tables' contract.
DTYPES = {
    messages_table: {
        "step": "int64", "phase": "category", "source": "string", "target": "string",
        "source_name": "string", "target_name": "string", "label": "string", "arrow": "category", "role": "category",
        "protocol": "string", "source_depth": "Int64", "target_depth": "Int64", "group": "string",
        "branch": "string", "stereotype": "string", "slant": "Int64", "line": "int64",
    },
    participants_table: {
        "id": "string", "name": "string", "kind": "category", "service": "string", "role": "string",
        "first_step": "Int64", "last_step": "Int64", "messages_out": "int64", "messages_in": "int64",
        "line": "int64",
    },
    activations_table: {
        "participant": "string", "start_step": "Int64", "end_step": "Int64", "depth": "int64",
        "unbalanced": "bool", "start_line": "Int64", "end_line": "Int64",
    },
    phases_table: {
        "phase": "string", "first_step": "Int64", "last_step": "Int64", "messages": "int64",
        "participants": "int64", "participant_ids": "string", "line": "Int64",
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def seed():
    return parse_file(SEED)


def _dtypes(frame):
    return {name: str(dtype) for name, dtype in frame.dtypes.items()}


@pytest.mark.parametrize("table", list(DTYPES), ids=lambda f: f.__name__)
def test_columns_and_dtypes_seed_and_empty(table, seed):
    empty = Diagram(participants=(), events=(), messages=())
    for diagram in (seed, empty):
        frame = table(diagram)
        assert _dtypes(frame) == DTYPES[table]
        assert list(frame.index) == list(range(len(frame)))
    assert len(table(empty)) == 0


def test_tables_match_the_cli_choices():
    table_parser = build_parser()._subparsers._group_actions[0].choices["table"]
    (name_action,) = [a for a in table_parser._actions if a.dest == "name"]
    assert set(TABLES) == set(name_action.choices)


def test_messages_table_follows_the_model(seed):
    frame = messages_table(seed)
    assert len(frame) == len(seed.messages)
    assert frame.step.tolist() == [m.step for m in seed.messages] == list(range(1, len(frame) + 1))
    assert frame.line.tolist() == [m.line for m in seed.messages]
    assert frame.label.tolist() == [m.label for m in seed.messages]
    assert frame.phase.astype(object).tolist() == [m.phase for m in seed.messages]
    assert list(frame.phase.cat.categories) == list(seed.phases)
    names = {p.code: p.display for p in seed.participants}
    assert frame.source_name.tolist() == [names[m.source] for m in seed.messages]


def test_seed_arrow_says_how_it_is_drawn_and_role_what_it_does(seed):
    frame = messages_table(seed)
    dotted = [m.step for m in seed.messages if m.dotted]
    assert dotted, "the seed has dotted replies"
    assert frame.loc[frame.arrow == "dotted", "step"].tolist() == dotted
    assert set(frame.arrow) == {"solid", "dotted"}
    # The 2014 diagram draws most of its replies solid: the role column says what they are.
    solid_replies = frame.loc[(frame.arrow == "solid") & (frame.role == "reply"), "step"].tolist()
    # The replies that the learners' report (issue #10) found drawn solid and called requests:
    assert {10, 23, 34, 35, 45, 61, 62} <= set(solid_replies)
    # and every solid arrow whose label says it answers ("return map", "reply IP") is one.
    by_step = {m.step: m for m in seed.messages}
    worded = {s for s, m in by_step.items() if not m.dotted and re.match(r"\s*(return|reply|response)\b", m.label, re.I)}
    assert worded and worded <= set(solid_replies)
    assert set(frame.loc[frame.arrow == "dotted", "role"]) == {"reply"}
    casts = [m.step for m in seed.messages if "rpc.cast" in m.label]
    assert casts and frame.loc[frame.role == "async", "step"].tolist() == casts   # the rpc.casts


def test_seed_protocols_come_from_the_labels(seed):
    frame = messages_table(seed).set_index("step")
    for m in seed.messages:
        bracket = re.match(r"\[(\w[\w.]*)\]", m.label)
        expected = frame.protocol[m.step]
        if bracket:
            assert expected.casefold() == bracket.group(1).casefold()
        elif "rpc.cast" in m.label or "rpc.call" in m.label:
            assert expected == m.label.split()[0]
        elif re.search(r"\bREST\b", m.label) or "http rest" in m.label:
            assert expected == "REST"
        else:
            assert pd.isna(expected), m.label
    counts = frame.protocol.value_counts()
    assert counts["rpc.cast"] == sum("rpc.cast" in m.label for m in seed.messages)
    assert counts["rpc.call"] == sum("rpc.call" in m.label for m in seed.messages)


def test_seed_depths_agree_with_activate_lines(seed):
    frame = messages_table(seed).set_index("step")
    life = [e for e in seed.events if isinstance(e, LifeEvent)]
    for event in life:
        m = seed.messages[event.after_step - 1]
        assert event.participant in (m.source, m.target)
        side = "target_depth" if m.target == event.participant else "source_depth"
        # a bar includes both the message an activate follows and the one a deactivate follows
        assert frame.loc[m.step, side] >= 1
    # Nova-scheduler never activates
    assert (frame.loc[frame.source == "Nova-Scheduler", "source_depth"] == 0).all()
    assert frame.source_depth.min() == 0 and frame.target_depth.max() >= 1


def test_participants_table_counts(seed):
    frame = participants_table(seed, load_components())
    assert frame.id.tolist() == [p.code for p in seed.participants]
    assert frame.name.tolist() == [p.display for p in seed.participants]
    assert frame.service.notna().all() and frame.role.notna().all()
    for row in frame.itertuples():
        sent = [m.step for m in seed.messages if m.source == row.id]
        got = [m.step for m in seed.messages if m.target == row.id]
        assert (row.messages_out, row.messages_in) == (len(sent), len(got))
        assert (row.first_step, row.last_step) == (min(sent + got), max(sent + got))
    assert frame.messages_out.sum() == frame.messages_in.sum() == len(seed.messages)
    bare = participants_table(seed)
    assert bare.service.isna().all() and bare.role.isna().all()
    assert bare.drop(columns=["service", "role"]).equals(frame.drop(columns=["service", "role"]))


def test_cli_participants_table_is_the_plain_one(seed):
    assert TABLES["participants"](seed).equals(participants_table(seed))
    assert not participants_table(seed).equals(participants_table(seed, load_components()))


def test_seed_activations_balance(seed):
    frame = activations_table(seed)
    life = [e for e in seed.events if isinstance(e, LifeEvent)]
    activates = [e for e in life if e.action == "activate"]
    deactivates = [e for e in life if e.action == "deactivate"]
    assert len(activates) == len(deactivates) == len(frame) == 13
    assert not frame.unbalanced.any()
    assert sorted(frame.start_line) == [e.line for e in activates]
    assert sorted(frame.end_line) == [e.line for e in deactivates]
    assert (frame.start_step <= frame.end_step).all()
    for row in frame.itertuples():  # in the seed, each bar opens and closes at a message of its own lifeline
        for step in (row.start_step, row.end_step):
            m = seed.messages[step - 1]
            assert row.participant in (m.source, m.target)


HAND_WRITTEN_UNBALANCED = """\
@startuml
A -> B: call
activate B
B -> C: pass
activate C
C --> B
deactivate C
deactivate A
B --> A: done
@enduml
"""


def test_unbalanced_activations_are_flagged():
    frame = activations_table(parse(HAND_WRITTEN_UNBALANCED))
    flagged = frame[frame.unbalanced]
    assert flagged.participant.tolist() == ["B", "A"]
    never_closed, stray = flagged.iloc[0], flagged.iloc[1]
    assert (never_closed.start_line, pd.isna(never_closed.end_step)) == (3, True)
    assert (pd.isna(stray.start_step), stray.end_line) == (True, 8)
    ok = frame[~frame.unbalanced]
    assert ok.participant.tolist() == ["C"] and (ok.start_step.iloc[0], ok.end_step.iloc[0]) == (2, 3)


def test_seed_phases(seed):
    frame = phases_table(seed)
    assert frame.phase.tolist() == list(seed.phases) == list(PHASE_COLORS)
    assert frame.messages.sum() == len(seed.messages)
    for row in frame.itertuples():
        ms = seed.phase_messages(row.phase)
        assert (row.first_step, row.last_step, row.messages) == (ms[0].step, ms[-1].step, len(ms))
        members = {c for m in ms for c in (m.source, m.target)}
        assert row.participants == len(members)
        assert row.participant_ids.split(", ") == [p.code for p in seed.participants if p.code in members]
    assert frame.line.tolist() == [d.line for d in seed.dividers]
    # the phases tile the steps: each starts right after the previous one ends
    assert (frame.first_step.iloc[1:].to_numpy() == frame.last_step.iloc[:-1].to_numpy() + 1).all()


def test_phases_with_outside_messages_repeats_and_empty_phases():
    d = parse("A -> B: before\n== one ==\nA -> B: x\n== two ==\n== one ==\nB -> C: y\n")
    frame = phases_table(d)
    assert frame.phase.isna().tolist() == [True, False, False]
    assert frame.phase.iloc[1:].tolist() == ["one", "two"]
    assert frame.messages.tolist() == [1, 2, 0]
    assert frame.messages.sum() == len(d.messages)
    assert pd.isna(frame.first_step.iloc[2]) and frame.participant_ids.iloc[2] == ""
    assert frame.line.iloc[1:].tolist() == [d.dividers[0].line, d.dividers[1].line]


def test_matrix_sums_equal_message_counts(seed):
    matrix = interaction_matrix(seed)
    codes = [p.code for p in seed.participants]
    assert matrix.index.tolist() == matrix.columns.tolist() == codes
    assert (matrix.index.name, matrix.columns.name) == ("source", "target")
    assert (matrix.dtypes == "int64").all()
    assert int(matrix.to_numpy().sum()) == len(seed.messages)
    people = participants_table(seed).set_index("id")
    assert matrix.sum(axis=1).tolist() == people.messages_out.tolist()
    assert matrix.sum(axis=0).tolist() == people.messages_in.tolist()
    pairs = {}
    for m in seed.messages:
        pairs[m.source, m.target] = pairs.get((m.source, m.target), 0) + 1
    assert all(matrix.loc[s, t] == n for (s, t), n in pairs.items())


def test_matrix_edges_and_self_messages():
    d = parse("[-> A: in\nA -> A: think\nA ->] : out\nA -> B: x\n")
    matrix = interaction_matrix(d)
    assert matrix.index.tolist() == [LEFT_EDGE, "A", "B", RIGHT_EDGE]
    assert int(matrix.to_numpy().sum()) == len(d.messages)
    assert matrix.loc[LEFT_EDGE, "A"] == matrix.loc["A", RIGHT_EDGE] == matrix.loc["A", "A"] == 1
    assert messages_table(d).role.tolist() == ["found", "self", "request", "request"]
    assert messages_table(d).arrow.tolist() == ["solid"] * 4


def test_style_messages_colours_and_escapes(seed):
    frame = messages_table(seed)
    html = style_messages(frame, highlight=3).to_html()
    for phase in seed.phases:
        assert phase_color(phase, seed.phases) in html
    # Styler groups cells with the same style under one CSS rule: the highlight rule names row 2 only
    css = html.split("</style>")[0]
    (selectors,) = [rule.split("{")[0] for rule in css.split("}") if HIGHLIGHT in rule]
    assert {int(n) for n in re.findall(r"_row(\d+)_", selectors)} == {2}
    shown = [c for c in frame.columns if frame[c].notna().any()]
    assert len(re.findall(r"_row2_col\d+", selectors)) == len(shown) < len(frame.columns)
    evil = messages_table(parse('A -> B: <b>bold</b> & "q"\n'))
    html = style_messages(evil).to_html()
    assert "&lt;b&gt;bold&lt;/b&gt; &amp;" in html and "<b>bold" not in html


def test_style_messages_ids_are_stable_and_distinct(seed):
    # nbval compares stored HTML byte for byte: no random Styler uuid; two tables in a notebook differ
    frame = messages_table(seed)
    auth, status = frame[frame["phase"] == "auth"], frame[frame["phase"] == "status"]
    ids = [re.search(r'id="T_([A-Za-z0-9_-]+)"', style_messages(f).to_html()).group(1) for f in (auth, auth, status)]
    assert ids[0] == ids[1] != ids[2]
    assert ids[0].startswith("messages_auth_") and ids[2].startswith("messages_status_")
    assert style_messages(auth, highlight=2).to_html() != style_messages(auth).to_html()
    assert re.search(r'id="T_([A-Za-z0-9_-]+)"', style_messages(auth, highlight=2).to_html()).group(1) != ids[0]


def _corpus_files():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS} (it lives in ../shared/corpus; CI has it)")
    files = readable(sorted(CORPUS.glob("*.puml")))
    assert files, "the corpus glob found no diagrams"
    return files


def test_tables_on_the_corpus():
    """Every table builds on every corpus diagram the parser accepts, and its counts add up."""
    checked = 0
    for path in _corpus_files():
        expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
        try:
            d = parse_file(path)
        except Exception:  # the parser's own corpus test reports refusals
            continue
        checked += 1
        messages = messages_table(d)
        assert len(messages) == len(d.messages), path.name
        assert messages.arrow.tolist() == [arrow_style(m) for m in d.messages]
        assert messages.role.tolist() == list(message_roles(d))
        drawn_replies = [m["dotted"] and m["head"] != "crossx" and m["exo"] not in ("from_left", "from_right")
                         for m in expected["messages"]]  # fmt: skip
        # a reply drawn as one is always a reply; the role may find more (replies drawn solid)
        assert all(r == "reply" for r, drawn in zip(messages.role, drawn_replies) if drawn), path.name
        assert int(interaction_matrix(d).to_numpy().sum()) == len(d.messages), path.name
        assert phases_table(d).messages.sum() == len(d.messages), path.name
        people = participants_table(d)
        assert len(people) == len(expected["participants"]), path.name
        bars = activations_table(d)
        assert bars.start_step.notna().sum() == expected["life_events"]["activate"], path.name
        if expected["life_events"]["destroy"] == 0:
            assert bars.end_step.notna().sum() == expected["life_events"]["deactivate"], path.name
    assert checked >= 0.9 * len(_corpus_files())


def test_message_stereotypes_and_slants_are_columns_escaped_in_html():
    frame = messages_table(parse("A ->(30) B <<create>> : x\nA -> B <<a & <b>>>\nB (5)<- A"))
    assert frame["stereotype"].tolist()[:2] == ["<<create>>", "<<a & <b>>>"]
    assert frame["stereotype"].isna().tolist() == [False, False, True]
    assert frame["slant"].tolist()[::2] == [30, 5] and frame["slant"].isna().tolist() == [False, True, False]
    html = style_messages(frame).to_html()
    assert "&lt;&lt;create&gt;&gt;" in html and "&lt;&lt;a &amp; &lt;b&gt;&gt;&gt;" in html
    assert "<<" not in html


def test_style_messages_leaves_out_empty_columns_only():
    frame = messages_table(parse("A ->(30) B: slanted\nA -> B: level"))
    headers = lambda styler: re.findall(r'<th [^>]*class="col_heading[^"]*"[^>]*>([^<]+)</th>', styler.to_html())
    shown = headers(style_messages(frame))
    assert "slant" in shown and "stereotype" not in shown and "label" in shown
    assert headers(style_messages(frame, hide_empty=False)) == list(frame.columns)
    assert "stereotype" in frame.columns  # the frame keeps it
    nothing = messages_table(parse("participant A"))
    assert len(nothing) == 0 and headers(style_messages(nothing)) == list(nothing.columns)  # no rows: all headers
