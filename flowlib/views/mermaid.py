"""Mermaid export: a diagram as a Mermaid sequence diagram, which JupyterLab 4.1+ draws itself.

Rule 1: every text from the diagram goes through :func:`mermaid_text`, which turns each character Mermaid
reads as syntax (``#``, ``;``, ``:``, ``%``, ``<``, ``>``, quotes, braces, ...) into a Mermaid entity
code (``#lt;``, ``#59;``), and line breaks into ``<br/>``. Participants get made-up ids (``P0``, ``P1``)
and show their names through ``as``, so no name can form an arrow, a keyword or a comment.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from . import palette
from flowlib.model import (
    Delay,
    Diagram,
    Divider,
    GroupElse,
    GroupEnd,
    GroupStart,
    LifeEvent,
    Message,
    Note,
    Reference,
)
from flowlib.views.svgtext import safe_color
from flowlib.views.text import MARKER, step_list
from flowlib.analysis.select import check_highlight, select_messages
from flowlib.analysis.wording import count_noun, label_lines, one_line
from flowlib.views.display import Displayable

# Mermaid entity codes: names where Mermaid documents them, else decimal code points.
_ENTITIES = {
    "#": "#35;",  # first: every other code starts with '#'
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    '"': "#quot;",
    ";": "#59;",
    ":": "#58;",
    "%": "#37;",
    "{": "#123;",
    "}": "#125;",
    "|": "#124;",
    "`": "#96;",
}
_TABLE = str.maketrans(_ENTITIES)

#: Mermaid block keyword and branch keyword for each PlantUML group kind (None: drawn as a ``rect``).
_BLOCKS = {
    "alt": ("alt", "else"),
    "opt": ("opt", None),
    "loop": ("loop", None),
    "par": ("par", "and"),
    "par2": ("par", "and"),
    "break": ("break", None),
    "critical": ("critical", "option"),
    "group": (None, None),
}


def mermaid_text(text: str) -> str:
    """``text`` as Mermaid shows it literally: syntax characters as entity codes, line breaks as ``<br/>``.

    >>> mermaid_text('<<create>> a;b: "c"\\nd')
    '#lt;#lt;create#gt;#gt; a#59;b#58; #quot;c#quot;<br/>d'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "<br/>".join(line.translate(_TABLE) for line in text.split("\n"))


def _rgba(color: str, alpha: float) -> str:
    """``#RRGGBB`` as Mermaid's ``rgba(r, g, b, a)``."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


@dataclass(frozen=True)
class MermaidDiagram(Displayable):
    """Mermaid source with its text alternative; a notebook cell ending with it draws it (JupyterLab 4.1+)."""

    source: str
    text: str

    def to_text(self) -> str:
        """The text alternative: the shown steps, one per line."""
        return self.text

    def __str__(self) -> str:
        return self.source

    def _mime_types(self) -> dict:
        return {"text/vnd.mermaid": self.source, "text/plain": self.source}


def _box_color(color: str | None) -> str:
    """A box's PlantUML colour as Mermaid reads it (a name, or rgb() for #hex); a light grey without one.

    >>> _box_color("#LightGreen"), _box_color("#ADD8E6"), _box_color(None)
    ('lightgreen', 'rgb(173, 216, 230)', 'rgba(128, 128, 128, 0.08)')
    """
    color = safe_color(color)
    if color is None:
        return "rgba(128, 128, 128, 0.08)"
    if color.startswith("#"):
        digits = color[1:7] if len(color) > 4 else "".join(c * 2 for c in color[1:4])
        return "rgb({}, {}, {})".format(*(int(digits[i : i + 2], 16) for i in (0, 2, 4)))
    return color


def _arrow(m: Message) -> str:
    """Mermaid's arrow for a message: ``->>`` call, ``-->>`` reply, ``-)`` async, ``-x`` lost."""
    line = "--" if m.dotted else "-"
    head = {"async": ")", "crossx": "x"}.get(m.head, ">>")
    if m.bidirectional and head == ">>":
        return f"<<{line}>>"  # Mermaid 11; older versions show a parse error, but the text stays readable
    return line + head


def to_mermaid(
    diagram: Diagram,
    *,
    phase: str | None = None,
    steps=None,
    highlight: int | None = None,
    participants: Iterable[str] | None = None,
    colors: Mapping[str, str] | None = None,
) -> MermaidDiagram:
    """The diagram (or one phase, or a window of steps) as a Mermaid ``sequenceDiagram``.

    Messages keep their step numbers in their labels (Mermaid's own autonumber would restart in a window);
    phases become tinted ``rect`` bands in the phase colours with a note naming them; groups become
    alt/opt/loop/par/critical/break blocks; the highlighted step sits in a red band, marked ``▶``.
    ``colors`` (phase name -> colour) overrides the palette's phase colours.

    >>> from flowlib import parse
    >>> print(to_mermaid(parse("Alice -> Bob: hello")).source.strip())
    sequenceDiagram
        accTitle: sequence diagram
        accDescr: 1 message between 2 participants
        participant P0 as Alice
        participant P1 as Bob
        P0->>P1: 1. hello
    """
    shown = select_messages(diagram, phase=phase, participants=participants, steps=steps)
    highlight = check_highlight(diagram, highlight, shown)
    text = step_list(diagram, phase=phase, steps=steps, highlight=highlight, participants=participants)
    filtered = phase is not None or participants is not None or steps is not None
    return MermaidDiagram(_Writer(diagram, shown, highlight, filtered, colors).write(), text)


class _Writer:
    """Walks the events once, opening groups and phase bands lazily so that a window stays well nested."""

    def __init__(self, diagram: Diagram, shown: tuple[Message, ...], highlight: int | None, filtered: bool,
                 colors: Mapping[str, str] | None = None):
        self.diagram = diagram
        self.colors = colors
        self.shown = {m.step for m in shown}
        self.highlight = highlight
        self.filtered = filtered
        self.lines: list[str] = []
        self.depth = 1
        self.pending: list[list] = []  # [kind, event, label] not yet written (lazy in filtered views)
        self.opened: dict[int, str | None] = {}  # group index -> its block keyword, once written
        self.band = False  # a phase rect is open
        self.active: dict[str, int] = {}
        self.ids = {p.code: f"P{i}" for i, p in enumerate(diagram.participants)}
        self.phases = diagram.phases
        self.declared = self._declared(shown)
        self.bands = self._bands_nest()

    def _declared(self, shown) -> list[str]:
        """The participant ids to declare, in display order (only the ones used, in a filtered view)."""
        if not self.filtered:
            used = set(self.ids)
        else:
            used = {c for m in shown for c in (m.source, m.target) if c is not None}
            used |= {c for n in self.diagram.notes if n.after_step in self.shown for c in n.participants}
        for m in shown:  # codes the participant list lacks still get an id
            for code in (m.source, m.target):
                if code is not None and code not in self.ids:
                    self.ids[code] = f"P{len(self.ids)}"
        declared = [c for c in self.ids if c in used]
        return declared

    def _bands_nest(self) -> bool:
        """Phase bands are ``rect`` blocks: usable only when no divider sits inside a group."""
        depth = 0
        for event in self.diagram.events:
            if isinstance(event, GroupStart):
                depth += 1
            elif isinstance(event, GroupEnd):
                depth = max(depth - 1, 0)
            elif isinstance(event, Divider) and depth:
                return False
        return True

    # --- output helpers

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def span(self) -> str:
        """``first,last`` of the declared participants, for notes across the diagram."""
        ids = [self.ids[c] for c in self.declared] or ["P0"]
        return ids[0] if len(ids) == 1 else f"{ids[0]},{ids[-1]}"

    def note_over_all(self, text: str) -> None:
        self.emit(f"Note over {self.span()}: {mermaid_text(text)}")

    # --- lazy structure

    def flush(self) -> None:
        """Write the dividers, group openings and branches that wait for a message."""
        for kind, event, label in self.pending:
            if kind == "divider":
                self.open_phase(event.name)
            elif kind == "start":
                self.open_group(event, label)
            elif kind == "else":
                self.branch(event)
        self.pending.clear()

    def open_phase(self, name: str) -> None:
        if self.bands:
            if self.band:
                self.depth -= 1
                self.emit("end")
            color = palette.phase_color(name, self.phases, self.colors)
            self.emit(f"rect {_rgba(color, 0.12)}")
            self.depth += 1
            self.band = True
        # Over the first participant, where a reader looks: a note over all of a wide diagram is as wide
        # as it, with the name in its middle, off screen.
        first = self.ids[self.declared[0]] if self.declared else "P0"
        self.emit(f"Note over {first}: {mermaid_text(f'== {one_line(name)} ==')}")

    def open_group(self, start: GroupStart, label: str | None) -> None:
        keyword, _ = _BLOCKS.get(start.kind, (None, None))
        text = mermaid_text(one_line(label_lines(label or "")))
        if keyword is None:
            self.emit("rect rgba(128, 128, 128, 0.08)")
            self.depth += 1
            heading = one_line(" ".join(t for t in (start.title, label) if t))
            self.note_over_all(heading or start.kind)
        else:
            self.emit(f"{keyword} {text}".rstrip())
            self.depth += 1
        self.opened[start.index] = keyword

    def branch(self, event: GroupElse) -> None:
        keyword = self.opened.get(event.index)
        branch = _BLOCKS.get(keyword or "group", (None, None))[1] if keyword else None
        if branch is None:
            self.note_over_all(f"else {one_line(label_lines(event.label or ''))}".rstrip())
            return
        self.depth -= 1
        self.emit(f"{branch} {mermaid_text(one_line(label_lines(event.label or '')))}".rstrip())
        self.depth += 1

    # --- events

    def structure(self, kind: str, event, label=None) -> None:
        self.pending.append([kind, event, label])
        if not self.filtered:
            self.flush()

    def on_divider(self, event: Divider) -> None:
        if self.filtered:  # a later divider replaces one that no message followed
            self.pending = [p for p in self.pending if p[0] != "divider"]
        self.structure("divider", event)

    def on_else(self, event: GroupElse) -> None:
        for item in self.pending:
            if item[0] == "start" and item[1].index == event.index:
                item[2] = event.label  # the group is not written yet: open it on this branch
                return
        self.pending = [p for p in self.pending if not (p[0] == "else" and p[1].index == event.index)]
        self.structure("else", event)

    def on_end(self, event: GroupEnd) -> None:
        if event.index not in self.opened:
            self.pending = [p for p in self.pending if p[0] == "divider" or p[1].index != event.index]
            return
        self.pending = [p for p in self.pending if not (p[0] == "else" and p[1].index == event.index)]
        del self.opened[event.index]
        self.depth -= 1
        self.emit("end")

    def on_message(self, m: Message) -> None:
        self.flush()
        left, right = "XL", "XR"
        source = self.ids[m.source] if m.source is not None else (left if m.exo.endswith("left") else right)
        target = self.ids[m.target] if m.target is not None else (left if m.exo.endswith("left") else right)
        label = f"{m.step}. {m.label}" if m.label.strip() else f"{m.step}."
        if m.step == self.highlight:
            self.emit(f"rect {_rgba(palette.HIGHLIGHT, 0.18)}")
            self.depth += 1
            label = f"{MARKER} {label}"
        self.emit(f"{source}{_arrow(m)}{target}: {mermaid_text(label)}")
        if m.step == self.highlight:
            self.depth -= 1
            self.emit("end")

    def on_note(self, note: Note) -> None:
        ids = [self.ids[c] for c in note.participants if c in self.ids]
        text = mermaid_text(note.text)
        if note.position in ("left", "right") and ids:
            self.emit(f"Note {note.position} of {ids[0]}: {text}")
        elif ids:
            where = ids[0] if len(ids) == 1 else f"{ids[0]},{ids[-1]}"
            self.emit(f"Note over {where}: {text}")
        else:
            self.emit(f"Note over {self.span()}: {text}")

    def on_life(self, event: LifeEvent) -> None:
        ident = self.ids.get(event.participant)
        if ident is None or event.participant not in self.declared:
            return
        count = self.active.get(ident, 0)
        if event.action == "activate":
            self.active[ident] = count + 1
            self.emit(f"activate {ident}")
        elif event.action in ("deactivate", "destroy") and count > 0:
            # Mermaid refuses to deactivate an inactive participant: only balanced ones are written.
            self.active[ident] = count - 1
            self.emit(f"deactivate {ident}")

    def write(self) -> str:
        d = self.diagram
        self.lines = ["sequenceDiagram"]
        title = d.title or (os.path.basename(d.file) if d.file else "") or "sequence diagram"
        if d.title:
            self.emit(f"title {mermaid_text(one_line(d.title))}")
        self.emit(f"accTitle: {mermaid_text(one_line(title))}")
        self.emit(
            f"accDescr: {count_noun(len(self.shown), 'message')} between "
            f"{count_noun(len(self.declared), 'participant')}"
        )
        exo_sides = {m.exo.endswith("left") for m in d.messages if m.exo is not None and m.step in self.shown}
        if True in exo_sides:
            self.emit("participant XL as (left edge)")
        self.declare()
        if False in exo_sides:
            self.emit("participant XR as (right edge)")

        last_step = 0
        for event in d.events:
            if isinstance(event, Message):
                last_step = event.step
                if event.step in self.shown:
                    self.on_message(event)
            elif isinstance(event, Divider):
                self.on_divider(event)
            elif isinstance(event, GroupStart):
                self.structure("start", event, event.label)
            elif isinstance(event, GroupElse):
                self.on_else(event)
            elif isinstance(event, GroupEnd):
                self.on_end(event)
            elif isinstance(event, Note):
                if not self.filtered or event.after_step in self.shown:
                    self.flush()
                    self.on_note(event)
            elif isinstance(event, LifeEvent):
                if not self.filtered or event.after_step in self.shown:
                    self.on_life(event)
            elif isinstance(event, (Reference, Delay)) and (not self.filtered or last_step in self.shown):
                self.flush()
                if isinstance(event, Reference):
                    ids = [self.ids[c] for c in event.participants if c in self.declared]
                    where = self.span() if not ids else ids[0] if len(ids) == 1 else f"{ids[0]},{ids[-1]}"
                    self.emit(f"Note over {where}: ref {mermaid_text(event.text)}")
                else:
                    self.note_over_all(f"... {one_line(event.text)} ...".replace("  ", " "))
        for index in list(self.opened)[::-1]:  # a diagram that ended inside a group
            self.on_end(GroupEnd(level=0, index=index))
        if self.band:
            self.depth -= 1
            self.emit("end")
        return "\n".join(self.lines) + "\n"

    def declare(self) -> None:
        """Participant declarations, in ``box`` frames when PlantUML boxes are contiguous."""
        d = self.diagram
        by_code = {p.code: p for p in d.participants}
        # Each PlantUML box is its own (two boxes with one title stay two), keyed by its index.
        boxes = [(by_code[c].box_index, by_code[c].box) if c in by_code and by_code[c].box is not None else None
                 for c in self.declared]
        runs: list[tuple[tuple | None, list[str]]] = []
        for code, box in zip(self.declared, boxes):
            if runs and runs[-1][0] == box:
                runs[-1][1].append(code)
            else:
                runs.append((box, [code]))
        contiguous = len({b for b, _ in runs if b is not None}) == sum(1 for b, _ in runs if b is not None)
        for box, codes in runs:
            framed = contiguous and box is not None
            if framed:
                index, title = box
                own = d.boxes[index].color if index is not None and index < len(d.boxes) else None
                color = _box_color(own)
                self.emit(f"box {color} {mermaid_text(one_line(title)) or ' '}".rstrip())
                self.depth += 1
            for code in codes:
                p = by_code.get(code)
                keyword = "actor" if p is not None and p.kind == "actor" else "participant"
                name = (p.display if p is not None else code) or code or "(unnamed)"
                self.emit(f"{keyword} {self.ids[code]} as {mermaid_text(one_line(name))}")
            if framed:
                self.depth -= 1
                self.emit("end")
