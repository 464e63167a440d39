"""The text alternative of every view: which steps a view shows, as an ordered list of plain text or HTML.

Rule 1: every view (communication graph, Mermaid, sequence SVG) picks its messages with
:func:`select_messages` and describes them with :func:`step_list`, so that the filters mean the same
thing everywhere and a screen reader hears the same steps that the picture shows.
"""

from __future__ import annotations

import html
import operator
from collections.abc import Iterable

from .model import Diagram, Message

#: Marks the highlighted step in the text list.
MARKER = "▶"

_EDGE_NAMES = {
    "from_left": "(left edge)",
    "to_left": "(left edge)",
    "from_right": "(right edge)",
    "to_right": "(right edge)",
}


def find_phase(diagram: Diagram, phase: str) -> str:
    """The diagram's name for ``phase`` (exact, else case- and blank-insensitive); ValueError if unknown."""
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

    Accepts ``(first, last)``, a ``range`` with step 1, or a string ``"A-B"``, ``"A..B"`` or ``"N"``.
    """
    if steps is None:
        return None
    try:
        if isinstance(steps, range):
            if steps.step != 1 or not steps:
                raise ValueError
            first, last = steps.start, steps.stop - 1
        elif isinstance(steps, str):
            parts = steps.replace("..", "-").split("-")
            first, last = (parts * 2 if len(parts) == 1 else parts)
        else:
            first, last = steps
        first, last = _number(first), _number(last)
    except (TypeError, ValueError):
        raise ValueError(f"steps must be (first, last), a range or 'A-B', got {steps!r}") from None
    count = len(diagram.messages)
    if first < 1 or last < first:
        raise ValueError(f"steps {first}-{last}: need 1 <= first <= last")
    if first > count:
        raise ValueError(f"steps {first}-{last}: the diagram has {count_noun(count, 'step')}")
    return first, last


def _number(value) -> int:
    """An int from digits or from any integer type (numpy's too); TypeError or ValueError otherwise."""
    return int(value) if isinstance(value, str) else operator.index(value)


def select_messages(
    diagram: Diagram,
    *,
    phase: str | None = None,
    participants: Iterable[str] | None = None,
    steps=None,
) -> tuple[Message, ...]:
    """The messages a view shows, in order.

    phase: only that phase's messages. participants: only messages with at least one end among these codes
    (so ``participants={"Keystone"}`` shows whom Keystone talks to). steps: ``(first, last)``, both included.
    Unknown phases, unknown participants and empty windows raise ValueError with a one-line message.
    """
    messages = diagram.messages
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
    window = check_steps(diagram, steps)
    if window is not None:
        first, last = window
        messages = tuple(m for m in messages if first <= m.step <= last)
    return messages


def check_highlight(diagram: Diagram, highlight: int | None, shown: tuple[Message, ...]) -> int | None:
    """``highlight`` checked against the diagram and the shown messages; ValueError when it is not shown."""
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
        raise ValueError(f"cannot highlight step {highlight}: the filters leave it out")
    return highlight


def display_name(diagram: Diagram, code: str | None, exo: str | None = None) -> str:
    """The name a participant shows (its display text), or the edge an exo message comes from or goes to."""
    if code is None:
        return _EDGE_NAMES.get(exo or "", "(outside)")
    try:
        return diagram.participant(code).display
    except KeyError:
        return code


def count_noun(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` and the noun that goes with it: ``1 message``, ``2 messages``, ``0 replies``.

    >>> count_noun(1, "message"), count_noun(3, "reply", "replies")
    ('1 message', '3 replies')
    """
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def one_line(text: str) -> str:
    """A label's lines joined by single blanks (the text list keeps one step per line)."""
    return " ".join(text.split())


def message_kinds(message: Message) -> tuple[str, ...]:
    """Words for the kind of a message: request or reply, then async, lost, self, both ways, outside."""
    kinds = ["reply" if message.dotted else "request"]
    if message.head == "async":
        kinds.append("async")
    elif message.head == "crossx":
        kinds.append("lost")
    if message.is_self:
        kinds.append("self")
    if message.bidirectional:
        kinds.append("both ways")
    if message.exo is not None:
        kinds.append("from outside" if message.exo.startswith("from") else "to outside")
    return tuple(kinds)


def describe(diagram: Diagram, message: Message, *, number: bool = True) -> str:
    """One step as text: ``3. Keystone -> Token Store: Save token [request]`` (without ``3. `` if not number)."""
    source = display_name(diagram, message.source, message.exo)
    target = display_name(diagram, message.target, message.exo)
    text = f"{one_line(source)} -> {one_line(target)}"
    if number:
        text = f"{message.step}. {text}"
    label = one_line(message.label)
    if label:
        text += f": {label}"
    return f"{text} [{', '.join(message_kinds(message))}]"


def _lines(diagram, messages, highlight):
    """(phase header or None, message, highlighted?) for each shown message."""
    show_phases = bool(diagram.phases)
    current = object()
    for m in messages:
        header = None
        if show_phases and m.phase != current:
            current = m.phase
            header = m.phase if m.phase is not None else "(before the first phase)"
        yield header, m, m.step == highlight


def step_list(
    diagram: Diagram,
    *,
    phase: str | None = None,
    steps=None,
    highlight: int | None = None,
    participants: Iterable[str] | None = None,
) -> str:
    """The shown steps as plain text, one per line, the highlighted one marked with ``▶``.

    Phases start with a ``== name ==`` line, as in PlantUML::

        == auth ==
          1. Client -> Keystone: Authentication Request [request]
        ▶ 2. Keystone -> LDAP: authn [request]
    """
    shown = select_messages(diagram, phase=phase, participants=participants, steps=steps)
    highlight = check_highlight(diagram, highlight, shown)
    out = []
    for header, message, marked in _lines(diagram, shown, highlight):
        if header is not None:
            out.append(f"== {one_line(header)} ==")
        out.append(f"{MARKER if marked else ' '} {describe(diagram, message)}")
    if not out:
        out.append("(no steps)")
    return "\n".join(out) + "\n"


def step_list_html(
    diagram: Diagram,
    *,
    phase: str | None = None,
    steps=None,
    highlight: int | None = None,
    participants: Iterable[str] | None = None,
) -> str:
    """The shown steps as an HTML ``<ol>`` (one per phase), every text escaped; the highlighted step is
    ``<strong>`` with ``aria-current="step"``."""
    shown = select_messages(diagram, phase=phase, participants=participants, steps=steps)
    highlight = check_highlight(diagram, highlight, shown)
    out = ['<div class="flowlib-steps">']
    open_list = False
    for header, message, marked in _lines(diagram, shown, highlight):
        if header is not None:
            if open_list:
                out.append("</ol>")
            out.append(f"<p><strong>{html.escape(one_line(header))}</strong></p>")
            open_list = False
        if not open_list:
            out.append("<ol>")
            open_list = True
        step = message.step
        body = html.escape(describe(diagram, message, number=False))
        if marked:
            out.append(f'<li value="{step}" aria-current="step"><strong>{MARKER} {body}</strong></li>')
        else:
            out.append(f'<li value="{step}">{body}</li>')
    if open_list:
        out.append("</ol>")
    if len(out) == 1:
        out.append("<p>(no steps)</p>")
    out.append("</div>")
    return "\n".join(out) + "\n"
