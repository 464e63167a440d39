"""Facts derived from the model without pandas: arrow kinds, protocol tags, activation spans and depths.

The tables, lint and any view share these definitions, so that "a reply" or "the depth at step 7"
means the same thing everywhere.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from flowlib.analysis.memo import per_diagram
from flowlib.model import Diagram, LifeEvent, Message

#: The arrow kinds :func:`arrow_kind` gives.
ARROWS = ("request", "reply", "async", "self", "lost", "found")


def arrow_kind(message: Message) -> str:
    """What an arrow means, by the first rule that matches:

    1. ``lost``: the head is a cross (``->x``): the message never arrives.
    2. ``found``: it comes in from the diagram's edge (``[->``, ``?->``: exo ``from_left``/``from_right``).
    3. ``reply``: dotted (``-->``) or written with ``return``.
    4. ``async``: an open head (``->>``): the sender does not wait.
    5. ``self``: from a participant to itself.
    6. ``request``: anything else.

    So ``A -->> B`` is a reply and ``A -->x B`` is lost; ``->]`` (to the edge) is a request or a reply.

    >>> arrow_kind(Message(1, "A", "B", dotted=True))
    'reply'
    """
    if message.head == "crossx":
        return "lost"
    if message.exo in ("from_left", "from_right"):
        return "found"
    if message.dotted or message.is_return:
        return "reply"
    if message.head == "async":
        return "async"
    if message.is_self:
        return "self"
    return "request"



#: How an arrow is drawn (the messages table's ``arrow`` column): :func:`arrow_style`.
ARROW_STYLES = ("solid", "dotted")

#: What a message does (the messages table's ``role`` column): :func:`message_roles`.
ROLES = ("request", "reply", "async", "self", "lost", "found")

# A label that says it answers: "return map", "reply IP", "[REST] response ...".
_ANSWER_WORD = re.compile(r"^\s*(?:\[[^\]]*\]\s*)?(?:return(?:s|ed)?|reply|replies|response|respond(?:s)?|answer(?:s)?)\b",
                          re.IGNORECASE)
_CAST_WORD = re.compile(r"\brpc\.cast\b", re.IGNORECASE)


def arrow_style(message: Message) -> str:
    """How the arrow's line is drawn: ``"dotted"`` (``-->``) or ``"solid"`` (``->``), whatever it means.

    >>> arrow_style(Message(1, "A", "B", dotted=True)), arrow_style(Message(2, "B", "A"))
    ('dotted', 'solid')
    """
    return "dotted" if message.dotted else "solid"


def _answers(diagram: Diagram) -> tuple[bool, ...]:
    """For each message, whether it goes back from B to A while A's request to B is still unanswered."""
    out = []
    waiting: Counter[tuple[str | None, str | None]] = Counter()   # (asker, asked): requests not answered yet
    for m in diagram.messages:
        kind = arrow_kind(m)
        pair = (m.target, m.source)
        answers = kind not in ("lost", "found", "self") and waiting[pair] > 0
        if answers:
            waiting[pair] -= 1
        elif kind == "request" and not _CAST_WORD.search(m.label):
            waiting[(m.source, m.target)] += 1
        out.append(answers)
    return tuple(out)


@per_diagram
def message_roles(diagram: Diagram) -> tuple[str, ...]:
    """What each message does, in step order, whether or not the drawing says so (one of :data:`ROLES`).

    Rules, the first that matches:

    1. ``lost``, ``found``: as :func:`arrow_kind` (a crossed head; from the diagram's edge).
    2. ``reply``: drawn as one (dotted, or ``return``); or its label starts with return, reply, response
       or answer (after an optional ``[tag]``); or it goes back from B to A while A's request to B is
       still unanswered, in a diagram that draws most such answers solid (a diagram that draws most of
       them dotted is taken at its word: a solid arrow back is then a new request).
    3. ``async``: an open head (``->>``), or an ``rpc.cast`` in the label: the sender does not wait.
    4. ``self``: from a participant to itself.
    5. ``request``: anything else.

    >>> from flowlib import parse
    >>> message_roles(parse("A -> B: get\\nB -> A: the data\\nA ->> C: [rpc.cast] go"))
    ('request', 'reply', 'async')
    """
    answers = _answers(diagram)
    drawn = [m.dotted or m.is_return for m, a in zip(diagram.messages, answers) if a]
    solid_style = drawn.count(False) > drawn.count(True)
    roles = []
    for m, answer in zip(diagram.messages, answers):
        kind = arrow_kind(m)
        if kind in ("lost", "found", "reply"):
            roles.append(kind)
        elif (answer and solid_style) or (kind != "self" and _ANSWER_WORD.match(m.label)):
            roles.append("reply")
        elif kind == "async" or _CAST_WORD.search(m.label):
            roles.append("async")
        else:
            roles.append(kind)
    return tuple(roles)

# A one-word tag at the very start of a label: "[rpc.cast] to ...". A guard such as "[x=1]" or
# "[retry < 3]" is not a tag, and "[[" opens a PlantUML link.
_LEADING_TAG = re.compile(r"\s*\[\s*([A-Za-z][\w.+/-]*)\s*\]")

# Protocol words found anywhere in a label, with the tag they give. REST and HTTP count only in
# capitals, so that "the rest of the data" is not a protocol.
_PROTOCOL_WORDS = (
    (re.compile(r"\brpc\.cast\b", re.IGNORECASE), "rpc.cast"),
    (re.compile(r"\brpc\.call\b", re.IGNORECASE), "rpc.call"),
    (re.compile(r"\bhttps?\s+rest(?:ful)?\b", re.IGNORECASE), "REST"),
    (re.compile(r"\bREST(?:ful)?\b"), "REST"),
    # an HTTP method in capitals that starts the label or comes before a path or URL: "POST /v2.1/servers"
    (re.compile(r"^\s*(?:GET|POST|PUT|PATCH|DELETE|HEAD)\b|\b(?:GET|POST|PUT|PATCH|DELETE|HEAD)\s+(?:/|https?://)"), "REST"),
    (re.compile(r"\bHTTPS?\b"), "HTTP"),
)


def protocol_tag(label: str) -> str | None:
    """The protocol a label names, or None.

    Rule: a one-word ``[tag]`` at the start of the label (a letter, then letters, digits or ``_.+/-``)
    wins and gives its text (``[socket]`` -> ``"socket"``), spelled canonically when it is one of the
    known words below (``[rest]`` -> ``"REST"``); a guard such as ``[x=1]`` is not a tag.
    Otherwise the earliest known word anywhere in the label: ``rpc.cast``, ``rpc.call`` (any case),
    ``http rest``, ``REST``/``RESTful`` in capitals, or an HTTP method in capitals that starts the label or
    precedes a path or URL (``POST /v2.1/servers``) (-> ``"REST"``), ``HTTP``/``HTTPS`` in capitals
    (-> ``"HTTP"``).

    >>> protocol_tag("[rpc.cast] to request new instance"), protocol_tag("http rest 169.254.169.254")
    ('rpc.cast', 'REST')
    """
    match = _LEADING_TAG.match(label)
    if match:
        tag = match.group(1)
        for pattern, canonical in _PROTOCOL_WORDS:
            if re.fullmatch(pattern.pattern, tag, pattern.flags | re.IGNORECASE):
                return canonical
        return tag
    best: tuple[int, str] | None = None
    for pattern, canonical in _PROTOCOL_WORDS:
        found = pattern.search(label)
        if found and (best is None or found.start() < best[0]):
            best = (found.start(), canonical)
    return best[1] if best else None


@dataclass(frozen=True, slots=True)
class Activation:
    """One activation bar on a lifeline.

    start_step: the step of the message the ``activate`` follows (0 before the first message), or
        None for a ``deactivate`` that closes nothing.
    end_step: the step of the message the ``deactivate`` (or ``destroy``) follows, or None when the
        activation is never closed.
    depth: nesting level on its lifeline, 1 for a bar opened while none was open.
    start_line, end_line: source lines of the two events (None where the event is missing).
    """

    participant: str
    start_step: int | None
    end_step: int | None
    depth: int
    start_line: int | None = None
    end_line: int | None = None

    @property
    def unbalanced(self) -> bool:
        """True when the bar is never closed, or closes without having been opened."""
        return self.start_step is None or self.end_step is None


def activations(diagram: Diagram) -> tuple[Activation, ...]:
    """The activation bars of a diagram, ordered by the line that opens them (or the stray deactivate's).

    Each ``deactivate`` closes the innermost open bar of its participant; ``destroy`` closes all of them;
    bars still open at the end are unbalanced, and so is a ``deactivate`` with none open.

    >>> from flowlib import parse
    >>> d = parse("Alice -> Bob: hi\\nactivate Bob\\nBob --> Alice: ok\\ndeactivate Bob")
    >>> [(a.participant, a.start_step, a.end_step) for a in activations(d)]
    [('Bob', 1, 2)]
    """
    open_bars: dict[str, list[tuple[int, int]]] = {}  # code -> stack of (start_step, start_line)
    done: list[Activation] = []
    for event in diagram.events:
        if not isinstance(event, LifeEvent):
            continue
        stack = open_bars.setdefault(event.participant, [])
        if event.action == "activate":
            stack.append((event.after_step, event.line))
        elif event.action == "deactivate":
            if stack:
                step, line = stack.pop()
                done.append(Activation(event.participant, step, event.after_step, len(stack) + 1, line, event.line))
            else:
                done.append(Activation(event.participant, None, event.after_step, 1, None, event.line))
        elif event.action == "destroy":
            while stack:
                step, line = stack.pop()
                done.append(Activation(event.participant, step, event.after_step, len(stack) + 1, line, event.line))
    for code, stack in open_bars.items():
        for depth, (step, line) in enumerate(stack, start=1):
            done.append(Activation(code, step, None, depth, line, None))
    done.sort(key=lambda a: (a.start_line if a.start_line is not None else a.end_line or 0, a.depth))
    return tuple(done)


def message_depths(diagram: Diagram) -> tuple[tuple[int | None, int | None], ...]:
    """For each message, the activation depth of its source and of its target at that step.

    A bar covers the steps ``start_step`` to ``end_step`` inclusive (to the end when never closed), so
    the message that an ``activate`` follows counts as inside the bar, and so does the reply that a
    ``deactivate`` follows. The depth is the number of bars of that participant covering the step;
    it is None on the edge side of an exo message.

    >>> from flowlib import parse
    >>> message_depths(parse("Alice -> Bob: hi\\nactivate Bob\\nBob --> Alice: ok\\ndeactivate Bob"))
    ((0, 1), (1, 0))
    """
    changes: list[tuple[int, int, str]] = []  # (first step affected, +1/-1, code)
    for bar in activations(diagram):
        if bar.start_step is None:
            continue
        changes.append((bar.start_step, 1, bar.participant))
        if bar.end_step is not None:
            changes.append((bar.end_step + 1, -1, bar.participant))
    changes.sort(key=lambda c: (c[0], c[1]))
    depth: dict[str, int] = {}
    result = []
    i = 0
    for message in diagram.messages:
        while i < len(changes) and changes[i][0] <= message.step:
            _, delta, code = changes[i]
            depth[code] = depth.get(code, 0) + delta
            i += 1
        source = None if message.source is None else depth.get(message.source, 0)
        target = None if message.target is None else depth.get(message.target, 0)
        result.append((source, target))
    return tuple(result)
