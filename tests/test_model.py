"""The model is immutable and hashable, and its helpers answer from its own fields."""

import dataclasses

import pytest

from flowlib import Diagram, DiagramError, Message, Participant
from flowlib.model import Divider


def _diagram():
    a, b = Participant("A", "A", line=1), Participant("B", "Bee", kind="database", line=2)
    m1 = Message(1, "A", "B", "hello", phase="auth", line=4)
    m2 = Message(2, "B", "A", "", dotted=True, phase="auth", line=5)
    m3 = Message(3, "A", "A", "think", phase="work", line=7)
    events = (Divider("auth ", line=3), m1, m2, Divider(" work", line=6), m3)
    return Diagram(participants=(a, b), events=events, messages=(m1, m2, m3))


def test_frozen_and_hashable():
    d = _diagram()
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.messages[0].label = "changed"
    assert hash(d) == hash(_diagram())
    assert d == _diagram()


def test_lookup_phases_and_self():
    d = _diagram()
    assert d.participant("B").display == "Bee"
    with pytest.raises(KeyError):
        d.participant("C")
    assert d.phases == ("auth", "work")
    assert [m.step for m in d.phase_messages("auth")] == [1, 2]
    assert [div.name for div in d.dividers] == ["auth", "work"]
    assert [m.is_self for m in d.messages] == [False, False, True]
    assert not Message(4, None, None, exo="to_right").is_self


def test_error_text_shows_line_and_caret():
    err = DiagramError("expected a name", file="x.puml", line=3, column=5, source_line="A -> \n")
    assert err.headline() == "x.puml:3:5: error: expected a name"
    assert str(err).splitlines()[1:] == ["    A -> ", "        ^"]
    assert isinstance(err, ValueError)
