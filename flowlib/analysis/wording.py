"""Words for a diagram's parts: participant names, counts with their nouns, kinds of message, one step as text,
step ranges."""

from __future__ import annotations

from collections.abc import Iterable

from flowlib.model import Diagram, Message

_EDGE_NAMES = {
    "from_left": "(left edge)",
    "to_left": "(left edge)",
    "from_right": "(right edge)",
    "to_right": "(right edge)",
}


def display_name(diagram: Diagram, code: str | None, exo: str | None = None) -> str:
    """The name a participant shows (its display text), or the edge an exo message comes from or goes to.

    >>> from flowlib import parse
    >>> display_name(parse('participant "Web Server" as W\\nAlice -> W: hi'), "W")
    'Web Server'
    """
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
    """A label's lines joined by single blanks (the text list keeps one step per line).

    >>> one_line("first line\\n  second")
    'first line second'
    """
    return " ".join(text.split())


def label_lines(text: str) -> str:
    """A group or else label as PlantUML shows it (the model keeps it as written): ``\\n`` starts a new line (``\\\\n`` stays as written).

    >>> print(label_lines("On retry\\\\nsecond try"))
    On retry
    second try
    """
    if "\\" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        if text.startswith("\\\\", i):
            out.append("\\\\")
            i += 2
        elif text.startswith("\\n", i):
            out.append("\n")
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def message_kinds(message: Message) -> tuple[str, ...]:
    """Words for the kind of a message: request or reply, then async, lost, self, both ways, outside.

    >>> from flowlib import parse
    >>> message_kinds(parse("Alice ->> Bob: hi").messages[0])
    ('request', 'async')
    """
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
    """One step as text: ``3. Client -> Token Store: Save token [request]`` (without ``3. `` if not number).

    >>> from flowlib import parse
    >>> d = parse("Alice -> Bob: hi")
    >>> describe(d, d.messages[0])
    '1. Alice -> Bob: hi [request]'
    """
    source = display_name(diagram, message.source, message.exo)
    target = display_name(diagram, message.target, message.exo)
    text = f"{one_line(source)} -> {one_line(target)}"
    if number:
        text = f"{message.step}. {text}"
    label = one_line(message.label)
    if label:
        text += f": {label}"
    return f"{text} [{', '.join(message_kinds(message))}]"


def message_text(message: Message) -> str:
    """A step as data files name it: ``Source -> Target: label`` (``-->`` for a dotted arrow, ``[``/``]`` for
    the diagram's edges).

    >>> message_text(Message(1, "A", "B", "hi", dotted=True))
    'A --> B: hi'
    """
    arrow = "-->" if message.dotted else "->"
    text = f"{message.source or '['} {arrow} {message.target or ']'}"
    return f"{text}: {message.label}" if message.label else text


def step_ranges(steps: Iterable[int], most: int | None = None) -> str:
    """Step numbers with runs folded, in order: ``1, 4-6, 9``; past ``most`` runs, the first ones, "…"
    and the last.

    >>> step_ranges([9, 4, 5, 6, 1, 5]), step_ranges(range(1, 40, 2), most=4)
    ('1, 4-6, 9', '1, 3, 5, …, 39')
    """
    runs: list[list[int]] = []
    for step in sorted(set(steps)):
        if runs and step == runs[-1][1] + 1:
            runs[-1][1] = step
        else:
            runs.append([step, step])
    texts = [str(a) if a == b else f"{a}-{b}" for a, b in runs]
    if most is not None and len(texts) > most:
        texts = texts[: most - 1] + ["\u2026", texts[-1]]
    return ", ".join(texts)


def diagram_name(diagram: Diagram, *, title_first: bool = False) -> str:
    """What a diagram is called in a summary: its file's name (not its folder: outputs do not depend on
    where a checkout lives), or its title; ``title_first`` prefers the title.

    >>> from flowlib import parse
    >>> diagram_name(parse("A -> B", file="/some/where/flow.puml")), diagram_name(parse("title Login\\nA -> B"))
    ('flow.puml', 'Login')
    """
    import os

    file = os.path.basename(diagram.file) if diagram.file else None
    names = (diagram.title, file) if title_first else (file, diagram.title)
    return next((n for n in names if n), "(untitled)")
