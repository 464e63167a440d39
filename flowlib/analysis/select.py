"""Which messages a view shows: phases, participants and step windows, checked with one-line errors.

Rule 1: every view and table picks its messages here, so that a filter means the same thing everywhere.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable

from flowlib.model import Diagram, Message
from flowlib.analysis.wording import count_noun, step_ranges


def find_phase(diagram: Diagram, phase: str) -> str:
    """The diagram's name for ``phase`` (exact, else case- and blank-insensitive); ValueError if unknown.

    >>> from flowlib import parse
    >>> find_phase(parse("== Log In ==\\nAlice -> Bob: hi"), "log in")
    'Log In'
    """
    phases = diagram.phases
    if phase in phases:
        return phase
    wanted = phase.strip().casefold()
    for name in phases:
        if name.strip().casefold() == wanted:
            return name
    known = ", ".join(phases) if phases else "none (the diagram has no == dividers ==)"
    raise ValueError(f"unknown phase {phase!r}; phases: {known}")


def check_steps(diagram: Diagram, steps) -> tuple[int, int] | None:
    """``steps`` as a checked ``(first, last)`` pair (both inclusive), or None; ValueError when it is not one.

    Rule 1: every view, the widgets and the CLI read a step window here, so they accept the same forms and
    refuse the same windows with the same words. Accepts ``N``, ``(first, last)``, a ``range`` with step 1,
    or a string ``"A-B"``, ``"A..B"`` or ``"N"``; the window must lie within the diagram's steps.

    >>> from flowlib import parse
    >>> d = parse("A -> B: one\\nB -> A: two\\nA -> B: three")
    >>> check_steps(d, "2-3"), check_steps(d, 2), check_steps(d, range(1, 3))
    ((2, 3), (2, 2), (1, 2))
    >>> check_steps(d, (2, 9))
    Traceback (most recent call last):
    ValueError: steps 2-9: the diagram has 3 steps
    """
    if steps is None:
        return None
    try:
        if isinstance(steps, bool):
            raise TypeError
        if isinstance(steps, range):
            if steps.step != 1 or not steps:
                raise ValueError
            first, last = steps.start, steps.stop - 1
        elif isinstance(steps, str):
            parts = steps.replace("..", "-").split("-")
            first, last = (parts * 2 if len(parts) == 1 else parts)
        elif hasattr(steps, "__index__"):
            first = last = steps
        else:
            first, last = steps
        first, last = _number(first), _number(last)
    except (TypeError, ValueError):
        raise ValueError(f"steps must be N, (first, last), a range or 'A-B', got {steps!r}") from None
    count = len(diagram.messages)
    if first < 1 or last < first:
        raise ValueError(f"steps {first}-{last}: need 1 <= first <= last")
    if last > count:
        raise ValueError(f"steps {first}-{last}: the diagram has {count_noun(count, 'step')}")
    return first, last


def _number(value) -> int:
    """An int from digits or from any integer type (numpy's too); TypeError or ValueError otherwise."""
    if isinstance(value, bool):
        raise TypeError
    return int(value.strip()) if isinstance(value, str) else operator.index(value)


def select_messages(
    diagram: Diagram,
    *,
    phase: str | None = None,
    participants: Iterable[str] | None = None,
    steps=None,
) -> tuple[Message, ...]:
    """The messages a view shows, in order.

    phase: only that phase's messages. participants: only messages with at least one end among these codes
    (so ``participants={"Bob"}`` shows whom Bob talks to). steps: ``(first, last)``, both included.
    Unknown phases, unknown participants and empty windows raise ValueError with a one-line message.

    >>> from flowlib import parse
    >>> d = parse("Alice -> Bob: hi\\nBob -> Carol: pass it on\\nCarol -> Dave: done")
    >>> [m.step for m in select_messages(d, participants={"Bob"})]
    [1, 2]
    """
    messages = diagram.messages
    window = check_steps(diagram, steps)
    if window is not None and all(m.step == i for i, m in ((window[0], messages[window[0] - 1]),
                                                            (window[1], messages[window[1] - 1]))):
        messages = messages[window[0] - 1 : window[1]]  # steps are positions: a window is a slice
    if phase is not None:
        name = find_phase(diagram, phase)
        messages = tuple(m for m in messages if m.phase == name)
    if participants is not None:
        wanted = set(participants)
        known = {p.code for p in diagram.participants}
        unknown = sorted(wanted - known)
        if unknown:
            raise ValueError(f"unknown participant(s): {', '.join(map(repr, unknown))}")
        messages = tuple(m for m in messages if m.source in wanted or m.target in wanted)
    if window is not None:
        first, last = window
        messages = tuple(m for m in messages if first <= m.step <= last)
    return messages


def check_highlight(diagram: Diagram, highlight: int | None, shown: tuple[Message, ...]) -> int | None:
    """``highlight`` checked against the diagram and the shown messages; ValueError when it is not shown.

    >>> from flowlib import parse
    >>> d = parse("Alice -> Bob: hi\\nBob --> Alice: ok")
    >>> check_highlight(d, 2, d.messages)
    2
    """
    if highlight is None:
        return None
    try:
        if isinstance(highlight, bool):
            raise TypeError
        highlight = operator.index(highlight)  # numpy integers from a table are fine too
    except TypeError:
        raise ValueError(f"highlight must be a step number, got {highlight!r}") from None
    count = len(diagram.messages)
    if not 1 <= highlight <= count:
        raise ValueError(f"cannot highlight step {highlight}: the diagram has steps 1 to {count}")
    if all(m.step != highlight for m in shown):
        shown_steps = step_ranges(m.step for m in shown) or "none"
        raise ValueError(f"cannot highlight step {highlight}: the filters leave it out (they show steps {shown_steps})")
    return highlight
