"""Arrow kinds, protocol tags, activation spans and depths follow their documented rules."""

import pytest

from flowlib import Diagram, Message, Participant
from flowlib.model import LifeEvent
from flowlib.analysis.arrows import ARROWS, Activation, activations, arrow_kind, message_depths, protocol_tag

ARROW_CASES = [
    # (id, message fields, kind)
    ("solid", dict(source="A", target="B"), "request"),
    ("dotted", dict(source="A", target="B", dotted=True), "reply"),
    ("return", dict(source="B", target="A", is_return=True), "reply"),
    ("async", dict(source="A", target="B", head="async"), "async"),
    ("self", dict(source="A", target="A"), "self"),
    ("lost", dict(source="A", target="B", head="crossx"), "lost"),
    ("found-left", dict(source=None, target="B", exo="from_left"), "found"),
    ("found-right", dict(source=None, target="B", exo="from_right"), "found"),
    ("to-edge", dict(source="A", target=None, exo="to_right"), "request"),
    ("dotted-to-edge", dict(source="A", target=None, exo="to_left", dotted=True), "reply"),
    ("dotted-beats-async", dict(source="A", target="B", dotted=True, head="async"), "reply"),
    ("dotted-self", dict(source="A", target="A", dotted=True), "reply"),
    ("lost-beats-dotted", dict(source="A", target="B", dotted=True, head="crossx"), "lost"),
    ("found-beats-dotted", dict(source=None, target="B", exo="from_left", dotted=True), "found"),
    ("async-self", dict(source="A", target="A", head="async"), "async"),
]


@pytest.mark.parametrize("fields, kind", [c[1:] for c in ARROW_CASES], ids=[c[0] for c in ARROW_CASES])
def test_arrow_kind(fields, kind):
    assert kind in ARROWS
    assert arrow_kind(Message(1, **fields)) == kind


PROTOCOL_CASES = [
    ("[rpc.cast] to request new instance", "rpc.cast"),
    ("rpc.cast to launch instance", "rpc.cast"),
    ("RPC.CALL to conductor", "rpc.call"),
    ("[REST] request object", "REST"),
    ("[rest] request object", "REST"),
    ("[socket] get object", "socket"),
    ("REST get Image URI by Image ID", "REST"),
    ("http rest 169.254.169.254", "REST"),
    ("HTTP GET /servers", "HTTP"),
    ("calls a RESTful API", "REST"),
    ("  [ amqp ] publish", "amqp"),
    ("send the rest of the data over http", None),  # lower-case rest/http are ordinary words
    ("[x=1] retry", None),  # a guard, not a tag
    ("[[http://example.org link]] go", None),  # a PlantUML link, not a tag
    ("get [REST] later", "REST"),  # not leading, but REST in capitals is a known word
    ("rpc.call, then REST", "rpc.call"),  # the earliest word wins
    ("POST /v2.1/servers (flavor, image)", "REST"),
    ("GET with X-Instance-ID", "REST"),
    ("GET http://169.254.169.254/openstack", "REST"),  # the method comes before the HTTP word
    ("then POST /v3/attachments", "REST"),
    ("write a POST office", None),  # a capital method word not followed by a path
    ("", None),
]


@pytest.mark.parametrize("label, tag", PROTOCOL_CASES, ids=[repr(c[0])[:30] for c in PROTOCOL_CASES])
def test_protocol_tag(label, tag):
    assert protocol_tag(label) == tag


def _diagram(*events):
    messages = tuple(e for e in events if isinstance(e, Message))
    codes = dict.fromkeys(c for m in messages for c in (m.source, m.target) if c)
    codes.update(dict.fromkeys(e.participant for e in events if isinstance(e, LifeEvent)))
    people = tuple(Participant(c, c, line=1) for c in codes)
    return Diagram(participants=people, events=tuple(events), messages=messages)


def _life(action, who, after, line):
    return LifeEvent(action, who, after_step=after, line=line)


def test_nested_calls_depths_and_spans():
    d = _diagram(
        Message(1, "A", "B", "call", line=1),
        _life("activate", "B", 1, 2),
        Message(2, "B", "C", "call", line=3),
        _life("activate", "C", 2, 4),
        Message(3, "C", "B", "", dotted=True, line=5),
        _life("deactivate", "C", 3, 6),
        Message(4, "B", "A", "", dotted=True, line=7),
        _life("deactivate", "B", 4, 8),
        Message(5, "A", "A", "think", line=9),
    )
    assert activations(d) == (
        Activation("B", 1, 4, 1, 2, 8),
        Activation("C", 2, 3, 1, 4, 6),
    )
    assert message_depths(d) == ((0, 1), (1, 1), (1, 1), (1, 0), (0, 0))


def test_same_lifeline_nesting():
    d = _diagram(
        Message(1, "A", "B", "call", line=1),
        _life("activate", "B", 1, 2),
        Message(2, "B", "B", "inner", line=3),
        _life("activate", "B", 2, 4),
        Message(3, "B", "B", "", dotted=True, line=5),
        _life("deactivate", "B", 3, 6),
        Message(4, "B", "A", "", dotted=True, line=7),
        _life("deactivate", "B", 4, 8),
    )
    bars = activations(d)
    assert [(a.start_step, a.end_step, a.depth) for a in bars] == [(1, 4, 1), (2, 3, 2)]
    assert not any(a.unbalanced for a in bars)
    assert message_depths(d) == ((0, 1), (2, 2), (2, 2), (1, 0))


def test_unbalanced_and_destroy():
    d = _diagram(
        _life("deactivate", "A", 0, 1),  # closes nothing
        Message(1, "A", "B", "go", line=2),
        _life("activate", "B", 1, 3),  # never closed
        _life("activate", "C", 1, 4),
        _life("activate", "C", 1, 5),
        Message(2, "B", "C", "bye", line=6),
        _life("destroy", "C", 2, 7),  # closes both of C's bars
    )
    bars = activations(d)
    assert [(a.participant, a.unbalanced) for a in bars] == [("A", True), ("B", True), ("C", False), ("C", False)]
    stray, open_bar = bars[0], bars[1]
    assert (stray.start_step, stray.end_step, stray.end_line) == (None, 0, 1)
    assert (open_bar.start_step, open_bar.end_step, open_bar.start_line) == (1, None, 3)
    assert sorted(a.depth for a in bars if a.participant == "C") == [1, 2]
    # the open bar covers every later step; the stray deactivate never makes a depth negative
    assert message_depths(d) == ((0, 1), (1, 2))


def test_exo_side_has_no_depth():
    d = _diagram(Message(1, None, "B", "in", exo="from_left", line=1), Message(2, "B", None, "out", exo="to_right"))
    assert message_depths(d) == ((None, 0), (0, None))


# ------------------------------------------------------------------------------------- message roles

def test_roles_find_replies_drawn_solid_and_keep_drawn_ones():
    from flowlib import parse
    from flowlib.analysis.arrows import message_roles

    # Solid answers (most answers here are solid): a solid arrow back answers the open request.
    assert message_roles(parse("A -> B: ask\nB -> C: look up\nC -> B: found\nB -> A: done")) == (
        "request", "request", "reply", "reply")
    # A diagram that draws its answers dotted is taken at its word: a solid arrow back is a new request.
    text = "A -> B: ask\nB --> A: ok\nC -> D: event\nD -> C: act on it\nD --> C: ok"
    assert message_roles(parse(text)) == ("request", "reply", "request", "request", "reply")
    # Labels that say they answer, edges, casts, self messages, lost messages.
    assert message_roles(parse("A -> Q: [rpc.cast] go\nQ -> B: reply IP\nA -> A: think\n[-> A: in\nA ->x B: gone")) == (
        "async", "reply", "self", "found", "lost")


def test_message_roles_are_worked_out_once_per_diagram():
    """A player asks for the roles at every frame: the diagram keeps them (their cost grows linearly with
    the diagram, which make bench's big views measure; a test here would time the machine)."""
    from benchmarks.generate import generate
    from flowlib import message_roles, parse
    from flowlib.analysis import arrows

    calls = []
    real = arrows._answers
    diagram = parse(generate(2000))
    try:
        arrows._answers = lambda d: calls.append(d) or real(d)
        first = message_roles(diagram)
        assert message_roles(diagram) is first and len(calls) == 1
        assert message_roles(parse(generate(2000))) == first and len(calls) == 2  # an equal diagram: its own
    finally:
        arrows._answers = real
    # Many open requests between the same two participants, then their answers: each answers the latest.
    flood = parse("\n".join(["A -> B: ask"] * 500 + ["B -> A: data"] * 500))
    assert message_roles(flood) == ("request",) * 500 + ("reply",) * 500
