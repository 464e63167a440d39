"""The corpus JSON schema (``shared/corpus/README.md``): what ``inspect --json`` prints for each file."""

from __future__ import annotations

import re

from flowlib.errors import DiagramError
from flowlib.model import (
    Delay,
    Diagram,
    Divider,
    GroupElse,
    GroupEnd,
    LifeEvent,
    Message,
    NewPage,
    Note,
    Reference,
    Spacer,
)

__all__ = ["to_corpus_json", "error_json"]

# Model note positions -> the names PlantUML's NotePosition uses (``across`` is an over_several note).
_POSITION = {"left": "left", "right": "right", "over": "over", "over_several": "over_several",
             "across": "over_several", "top": "top", "bottom": "bottom"}


# One <<...>> of a stereotype, and its "spot" form <<(C,#ADD1B2) label>>: a letter in a coloured circle.
_STEREO_PART = re.compile(r"<<.*?>>")
_STEREO_SPOT = re.compile(r"<<\s*\(\s*(\S)\s*,\s*(?:#[0-9a-fA-F]{6}|\w+)\s*\),?(.*?)>>")


def plantuml_stereotype(text: str | None) -> str | None:
    """A stereotype as PlantUML 1.2026's ``Stereotype.toString()`` gives it.

    Each ``<<...>>`` is kept without what stands between them; a spot ``(C,#color)`` becomes its letter,
    in front (the last spot wins) and followed by a blank, and a spot's own label keeps its blanks.

    >>> plantuml_stereotype("<< (C,#ADD1B2) Testable >>  <<two>>")
    'C << Testable >><<two>>'
    >>> plantuml_stereotype("<<(S,red)>>"), plantuml_stereotype("<<one>> <<two>>")
    ('S ', '<<one>><<two>>')
    """
    if text is None:
        return None
    spot, labels = None, []
    for part in _STEREO_PART.findall(text):
        m = _STEREO_SPOT.fullmatch(part)
        if m is None:
            labels.append(part)
            continue
        spot = m.group(1)
        if m.group(2).strip():
            labels.append(f"<<{m.group(2)}>>")
    label = "".join(labels)
    if spot is None:
        return label
    return f"{spot} {label}"


def _message(m) -> dict:
    out = {
        "from": m.source,
        "to": m.target,
        "label": m.label,
        "dotted": m.dotted,
        "self": m.is_self,
        "exo": m.exo,
        "exo_short": m.exo_short,
        "direction": "both_direction" if m.bidirectional else "left_to_right_normal",
        "head": m.head,
        "parallel": m.parallel,
        "number": m.number,
    }
    if m.multicast:
        out["multicast"] = list(m.multicast)
    return out


def _note(n: Note) -> dict:
    return {
        "position": _POSITION[n.position],
        "participants": list(n.participants),
        "style": n.style,
        "attached_to": n.attached_to,
        "text": n.text,
    }


def to_corpus_json(diagram: Diagram, file: str | None = None) -> dict:
    """The diagram as one object of the corpus schema, keys in the corpus files' order.

    >>> from flowlib import parse
    >>> to_corpus_json(parse("A -> B: hi"))["messages"][0]["label"]
    'hi'
    """
    life = {"activate": 0, "deactivate": 0, "destroy": 0, "create": 0}
    dividers, delays, references = [], [], []
    spacers = newpages = 0
    # PlantUML lists a note attached to a message (or a group's end) with that message, before any
    # free-standing note written between the two.
    placed: list[tuple[int, int, Note]] = []
    anchor = -1
    for index, e in enumerate(diagram.events):
        kind = type(e)
        if kind is Message or kind is GroupEnd or kind is GroupElse or kind is Reference:
            anchor = index
        elif kind is Note:
            placed.append((anchor if e.attached_to is not None else index, len(placed), e))
        elif kind is LifeEvent:
            life[e.action] += 1
        elif kind is Divider:
            dividers.append(e.text)
        elif kind is Delay:
            delays.append(e.text)
        if kind is Reference:
            references.append({"participants": list(e.participants), "text": e.text})
        elif kind is Spacer:
            spacers += 1
        elif kind is NewPage:
            newpages += 1
    groups = [
        {"kind": g.kind, "title": g.title, "label": g.label, "level": g.level, "else": list(g.else_labels),
         "parallel": g.parallel}
        for g in diagram.groups
    ]
    return {
        "file": file if file is not None else diagram.file,
        "ok": True,
        "diagram_type": "sequence",
        "error": None,
        "block_count": diagram.block_count,
        "title": diagram.title,
        "participants": [
            {"code": p.code, "display": p.display, "type": p.kind, "stereotype": plantuml_stereotype(p.stereotype),
             "box": p.box}
            for p in diagram.participants
        ],
        "messages": [_message(m) for m in diagram.messages],
        "notes": len(diagram.notes),
        "note_list": [_note(n) for _, _, n in sorted(placed, key=lambda t: t[:2])],
        "groups": groups,
        "dividers": dividers,
        "delays": delays,
        "references": references,
        "activations": life["activate"] + life["deactivate"] + life["destroy"],
        "life_events": life,
        "spacers": spacers,
        "newpages": newpages,
        "autonumber": any(m.number is not None for m in diagram.messages),
    }


def error_json(err: DiagramError, file: str | None) -> dict:
    """A refused file in the corpus schema: ``ok`` false, the error's line and message.

    ``diagram_type`` is the kind of diagram the text looks like when the parser recognised one
    (``"class"``, ``"state"``...), ``"unreadable"`` for a file that could not be read, else ``"error"``.

    >>> from flowlib.errors import DiagramError
    >>> error_json(DiagramError("syntax error", line=2), "flow.puml")["ok"]
    False
    """
    from flowlib.reading.diagnosis import KIND_PHRASES

    kind = "error"
    if err.message.startswith("cannot read file"):
        kind = "unreadable"
    else:
        for name, phrase in KIND_PHRASES.items():
            if err.message.startswith(f"this looks like {phrase},"):
                kind = name
                break
    return {
        "file": file if file is not None else err.file,
        "ok": False,
        "diagram_type": kind,
        "error": {"line": err.line, "message": err.message},
    }
