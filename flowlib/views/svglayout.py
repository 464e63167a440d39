"""Geometry of a sequence diagram: where every head, arrow, bar, note and frame goes (no SVG here).

Columns are placed left to right in one pass: each lifeline sits as far left as the widest label,
note or head between it and any lifeline before it allows, as PlantUML does. Rows follow the events
in source order. Both passes are linear in the number of events, so a 10k-message diagram lays out in
well under a second. :func:`layout` is pure; :mod:`flowlib.views.svg` caches and draws its result.
"""

from __future__ import annotations

from dataclasses import dataclass

from flowlib.model import (
    Delay,
    Diagram,
    Divider,
    GroupElse,
    GroupEnd,
    GroupStart,
    LifeEvent,
    Message,
    NewPage,
    Note,
    Reference,
    Spacer,
)
from flowlib.analysis.wording import label_lines
from flowlib.views.svgtext import Run, TextBlock, block, run_width, runs, safe_color
from flowlib.views.svgtext import wrap as wrap_block
from flowlib.analysis.select import find_phase

# Font sizes and spacing, in pixels (close to PlantUML's defaults so both read alike).
FONT = 13.0  # messages, notes, groups
HEAD_FONT = 14.0  # participant names
TITLE_FONT = 18.0
LINE = 15.0  # line height at FONT
HEAD_LINE = 16.0  # line height at HEAD_FONT
MARGIN = 12.0
TITLE_WRAP = 560.0  # the narrowest a wrapped drawing's title gets
HEAD_GAP = 12.0  # between neighbouring heads
BAR = 10.0  # activation bar width
BAR_STEP = 5.0  # offset of each nested activation
LABEL_PAD = 8.0  # label start after the arrow's left end
SELF_W = 32.0  # self-message loop width
SELF_H = 14.0  # self-message loop height
NOTE_PAD = 7.0
FOLD = 8.0  # note corner fold
FRAME_PAD = 10.0  # between nested frames
FRAME_MARGIN = 24.0  # between a frame and the lifelines inside it
TAB_H = 19.0  # group/ref header tab height
BOX_PAD = 8.0  # between a box's edge and the heads inside


@dataclass(frozen=True, slots=True)
class Selection:
    """What a view shows: the kept message steps and the span of events drawn."""

    steps: frozenset[int]
    lo: int  # first event index drawn
    hi: int  # last event index drawn
    whole: bool


@dataclass(frozen=True, slots=True)
class Column:
    """One participant's head and lifeline."""

    code: str
    name: TextBlock
    kind: str
    x: float
    width: float  # head width
    height: float  # head height
    color: str | None
    stereotype: str | None
    top: float  # y of the head's top (at the creating message for created participants)
    line_start: float  # lifeline start (head bottom)
    line_end: float  # lifeline end (foot top, or the destroy mark)
    destroyed: bool
    created: bool


@dataclass(frozen=True, slots=True)
class Arrow:
    """One message drawn: a line from (x1, y) to (x2, y2), with its label's top-left corner."""

    step: int
    source: str | None
    target: str | None
    phase: str | None
    line: int
    x1: float
    x2: float
    y: float
    y2: float  # differs from y for self messages (the loop's return) and slanted ones (the target's end)
    loop_x: float  # right side of a self-message loop
    label: TextBlock
    label_x: float
    label_y: float
    dotted: bool
    head: str
    bidirectional: bool
    exo: str | None
    exo_short: bool
    color: str | None


@dataclass(frozen=True, slots=True)
class Bar:
    """An activation bar."""

    code: str
    x: float
    y1: float
    y2: float
    color: str | None


@dataclass(frozen=True, slots=True)
class NoteBox:
    """A note (``style`` normal, hexagonal or box) or a ``ref over`` box (style ``ref``)."""

    x: float
    y: float
    w: float
    h: float
    style: str
    text: TextBlock
    line: int
    centered: bool
    color: str | None = None  # the note's own background colour


@dataclass(frozen=True, slots=True)
class Frame:
    """A group frame; ``elses`` holds (y, label) for each ``else`` separator."""

    kind: str
    title: TextBlock
    label: TextBlock
    x1: float
    x2: float
    y1: float
    y2: float
    elses: tuple[tuple[float, TextBlock], ...]
    line: int


@dataclass(frozen=True, slots=True)
class Band:
    """A divider (``kind`` "divider"), delay ("delay", y..y2) or page break ("newpage") across the diagram."""

    kind: str
    y: float
    y2: float
    text: TextBlock
    phase: str | None


@dataclass(frozen=True, slots=True)
class BoxArea:
    """The background of a ``box ... end box`` around neighbouring participants."""

    x1: float
    x2: float
    title: TextBlock
    color: str | None


@dataclass(frozen=True, slots=True)
class Layout:
    """Everything :mod:`flowlib.views.svg` draws, in absolute coordinates (x may be negative; see ``min_x``)."""

    columns: tuple[Column, ...]
    arrows: tuple[Arrow, ...]
    bars: tuple[Bar, ...]
    notes: tuple[NoteBox, ...]
    frames: tuple[Frame, ...]
    bands: tuple[Band, ...]
    boxes: tuple[BoxArea, ...]
    destroys: tuple[tuple[float, float], ...]
    title: TextBlock
    extras: tuple[tuple[str, TextBlock, float], ...]  # (header|footer|caption|legend, text, y)
    min_x: float
    max_x: float
    height: float
    edge_left: float
    edge_right: float
    head_top: float
    head_h: float
    foot_top: float | None  # None without foot heads
    box_top: float
    delays: tuple[tuple[float, float], ...]
    title_y: float


# ---------------------------------------------------------------------------------------------------
# Which events a view draws.


def select(diagram: Diagram, phase: str | None = None, window: tuple[int, int] | None = None) -> Selection:
    """The messages and events a view of one phase and/or step window shows.

    >>> from flowlib import parse
    >>> select(parse("Alice -> Bob: hi\\nBob --> Alice: ok"), window=(2, 2)).steps
    frozenset({2})
    """
    messages = diagram.messages
    if phase is None and window is None:
        return Selection(frozenset(m.step for m in messages), 0, len(diagram.events) - 1, True)
    kept = messages
    if phase is not None:
        phase = find_phase(diagram, phase)
        kept = [m for m in kept if m.phase == phase]
    if window is not None:
        kept = [m for m in kept if window[0] <= m.step <= window[1]]
    if not kept:
        raise ValueError(f"phase {phase!r} has no message in steps {window[0]}-{window[1]}")
    steps = frozenset(m.step for m in kept)
    first, last = kept[0], kept[-1]
    events = diagram.events
    lo = hi = None
    for index, event in enumerate(events):
        if event is first:
            lo = index
        if event is last:
            hi = index
            break
    # Dividers, group openings and spacing just before the first message belong to it; notes, life
    # events and group ends just after the last one belong to that.
    while lo > 0 and isinstance(events[lo - 1], (Divider, GroupStart, Spacer, Delay)):
        lo -= 1
    while hi + 1 < len(events) and isinstance(events[hi + 1], (Note, LifeEvent, GroupEnd)):
        hi += 1
    return Selection(steps, lo, hi, False)


def _shown_codes(diagram: Diagram, sel: Selection) -> list[str]:
    if sel.whole:
        return [p.code for p in diagram.participants]
    used: set[str] = set()
    for event in diagram.events[sel.lo : sel.hi + 1]:
        if isinstance(event, Message):
            if event.step in sel.steps:
                used.update(c for c in (event.source, event.target) if c is not None)
        elif isinstance(event, (Note, Reference)):
            used.update(event.participants)
    return [p.code for p in diagram.participants if p.code in used]


# ---------------------------------------------------------------------------------------------------
# Heads.

#: Icon size (width, height) of the kinds drawn as a symbol with the name below.
ICONS = {"actor": (28.0, 44.0), "boundary": (38.0, 28.0), "control": (28.0, 30.0),
         "entity": (28.0, 30.0), "database": (36.0, 44.0)}


def head_size(kind: str, name: TextBlock) -> tuple[float, float]:
    """Width and height of a participant head of ``kind`` showing ``name``.

    >>> from flowlib.views.svgtext import block
    >>> name = block("Alice", 13)
    >>> head_size("actor", name)[1] > head_size("participant", name)[1]  # a stick figure above the name
    True
    """
    text_h = name.count * HEAD_LINE
    if kind in ICONS:
        icon_w, icon_h = ICONS[kind]
        return max(name.width + 4, icon_w), icon_h + 4 + text_h
    extra = {"collections": 4.0, "queue": 14.0}.get(kind, 0.0)
    return name.width + 16 + extra, text_h + 12 + (4 if kind == "collections" else 0)


def head_name(participant) -> TextBlock:
    """The text of a head: the display name, under its stereotype in small italics (``«service»``).

    >>> from flowlib import parse
    >>> head_name(parse("Alice -> Bob: hi").participants[0]).lines[0][0].text
    'Alice'
    """
    name = block(participant.display, HEAD_FONT)
    if not participant.stereotype:
        return name
    text = " ".join(participant.stereotype.split()).replace("<<", "\u00ab").replace(">>", "\u00bb")
    run = Run(text, italic=True, size=12.0)
    return TextBlock(((run,),) + name.lines, (run_width(run, HEAD_FONT),) + name.widths, HEAD_FONT)


#: How message labels are numbered: as the diagram's ``autonumber`` says, by step, or not at all.
NUMBERINGS = ("diagram", "steps", "none")


def numbering(numbers) -> str:
    """One of :data:`NUMBERINGS` for a ``numbers=`` argument: "diagram", "steps" (or True), "none" (or False/None).

    >>> numbering(True), numbering(None), numbering("diagram")
    ('steps', 'none', 'diagram')
    """
    if numbers is True:
        return "steps"
    if numbers is False or numbers is None:
        return "none"
    if numbers in NUMBERINGS:
        return numbers
    raise ValueError(f"numbers must be 'diagram' (follow the diagram's autonumber), 'steps' (number every "
                     f"message by its step) or 'none', not {numbers!r}")


def message_label(message: Message, numbers="diagram") -> TextBlock:
    """The label block of a message, prefixed in bold with its number: the diagram's autonumber (``numbers``
    "diagram": none where the diagram numbers nothing), the step ("steps"), or nothing ("none").

    >>> from flowlib import parse
    >>> [r.text for r in message_label(parse("Alice -> Bob: hi").messages[0], "steps").lines[0]]
    ['1', ' ', 'hi']
    >>> [r.text for r in message_label(parse("Alice -> Bob: hi").messages[0], "diagram").lines[0]]
    ['hi']
    """
    label = block(message.label, FONT)
    mode = numbering(numbers)
    if mode == "none" or (mode == "diagram" and not message.number):
        return label
    if mode == "steps":
        number = (Run(str(message.step), bold=True),)
    else:
        number = runs(message.number)  # as PlantUML formats it: "<b>3</b>" is a bold 3
    width = sum(run_width(r, FONT) for r in number)
    if not label.lines:
        return TextBlock((number,), (width,), FONT)
    space = Run(" ")
    first = number + (space,) + label.lines[0]
    widths = (label.widths[0] + width + run_width(space, FONT),) + label.widths[1:]
    return TextBlock((first,) + label.lines[1:], widths, FONT)


def tab_width(title: TextBlock) -> float:
    """Width of a frame's title tab (``alt``, ``loop``, ``ref``...).

    >>> from flowlib.views.svgtext import block
    >>> tab_width(block("alt", 13)) > block("alt", 13).width
    True
    """
    return title.width + 22


def _box_runs(parts: list) -> list[tuple[int, int, str, int | None]]:
    """(first, last, title, box index) of each run of neighbouring participants in the same ``box``.

    Two boxes stay two even with the same title: PlantUML draws each ``box ... end box`` on its own.
    """
    result: list[tuple[int, int, str, int | None]] = []
    for i, p in enumerate(parts):
        if p.box is None:
            continue
        last = result[-1] if result else None
        if last and last[1] == i - 1 and last[2] == p.box and last[3] == p.box_index:
            result[-1] = (last[0], i, p.box, p.box_index)
        else:
            result.append((i, i, p.box, p.box_index))
    return result


_EMPTY = TextBlock((), (), FONT)


# ---------------------------------------------------------------------------------------------------
# The layout.


def layout(diagram: Diagram, sel: Selection, *, numbers="diagram", footbox: bool = True,
           wrap: float | None = None) -> Layout:
    """Place every element of ``diagram`` that ``sel`` keeps; ``wrap``: break message labels and notes
    wider than this many pixels at spaces (a narrower drawing), or None.

    >>> from flowlib import parse
    >>> d = parse("Alice -> Bob: hi")
    >>> [c.code for c in layout(d, select(d)).columns]
    ['Alice', 'Bob']
    """
    builder = _Builder(diagram, sel, numbers, wrap)
    builder.place_columns()
    builder.place_rows()
    return builder.result(footbox)


class _Builder:
    """The mutable state of one layout run (private: :func:`layout` is the interface)."""

    def __init__(self, diagram: Diagram, sel: Selection, numbers, wrap: float | None = None):
        self.diagram = diagram
        self.sel = sel
        self.events = diagram.events
        self.window = self.events[sel.lo : sel.hi + 1]
        self.codes = _shown_codes(diagram, sel)
        self.col = {code: i for i, code in enumerate(self.codes)}
        self.parts = [diagram.participant(c) for c in self.codes]
        self.names = [head_name(p) for p in self.parts]
        self.sizes = [head_size(p.kind, n) for p, n in zip(self.parts, self.names)]
        self.wrap = wrap
        self.labels = {m.step: wrap_block(message_label(m, numbers), wrap) for m in self.window
                       if isinstance(m, Message) and m.step in sel.steps}
        self.xs: list[float] = []
        self.arrows: list[Arrow] = []
        self.bars: list[Bar] = []
        self.notes: list[NoteBox] = []
        self.frames: list[Frame] = []
        self.bands: list[Band] = []
        self.destroys: list[tuple[float, float]] = []
        self.delays: list[tuple[float, float]] = []
        self.extras: list[tuple[str, TextBlock, float]] = []
        self.depth: dict[str, list[tuple[float | None, str | None]]] = {c: [] for c in self.codes}
        self.created_at: dict[str, float] = {}
        self.destroyed_at: dict[str, float] = {}
        self.pending_create: set[str] = set()
        self.groups: list[dict] = []
        self.anchor: float | None = None  # y of the last arrow while nothing else took room since
        self.last_arrow: Arrow | None = None
        self.y = MARGIN

    # --- columns ------------------------------------------------------------------------------------

    def place_columns(self) -> None:
        codes, col, sizes = self.codes, self.col, self.sizes
        need: list[dict[int, float]] = [{} for _ in codes]  # need[j][i]: least x[j] - x[i], i < j

        def require(a: int, b: int, distance: float) -> None:
            if a > b:
                a, b = b, a
            if a != b and distance > need[b].get(a, 0.0):
                need[b][a] = distance

        created = {e.participant for e in self.window if isinstance(e, LifeEvent) and e.action == "create"}
        for event in self.window:
            if isinstance(event, Message):
                if event.step not in self.sel.steps:
                    continue
                label = self.labels[event.step]
                src, dst = col.get(event.source), col.get(event.target)
                if event.exo is not None:
                    continue
                if src == dst:
                    if src + 1 < len(codes):
                        require(src, src + 1, max(label.width + 6, SELF_W) + BAR + 2 * BAR_STEP + 8)
                else:
                    # An arrow that creates its target stops at the target's head, not its lifeline.
                    head = sizes[dst][0] / 2 if event.target in created else 0.0
                    leftward = 6.0 if dst < src else 0.0  # the label starts after the arrowhead
                    require(src, dst, label.width + LABEL_PAD + 6 + BAR + BAR_STEP + leftward + head)
            # Notes and refs take rows of their own: like PlantUML, they may cover neighbouring
            # lifelines rather than push them apart.

        # Boxes: a gap between neighbouring boxes, and room for each box's title.
        left = [w / 2 for w, _ in sizes]
        right = list(left)
        self.box_runs = _box_runs(self.parts)
        for first, last, title, _ in self.box_runs:
            title_w = block(title, FONT, bold=True).width + 16
            left[first] += BOX_PAD
            right[last] += BOX_PAD
            if first == last:
                left[first] = right[first] = max(left[first], title_w / 2)
            else:
                require(first, last, title_w - left[first] - right[last])

        xs = self.xs
        for j in range(len(codes)):
            x = 0.0 if j == 0 else xs[j - 1] + right[j - 1] + left[j] + HEAD_GAP
            for i, distance in need[j].items():
                x = max(x, xs[i] + distance)
            xs.append(x)

        # Boundary messages start at the diagram's edges, far enough out for their labels.
        self.edge_left = (xs[0] - sizes[0][0] / 2 - 6) if codes else 0.0
        self.edge_right = (xs[-1] + sizes[-1][0] / 2 + 6) if codes else 120.0
        for event in self.window:
            if isinstance(event, Message) and event.exo and event.step in self.sel.steps and not event.exo_short:
                code = event.target if event.exo.startswith("from") else event.source
                if code not in col:
                    continue
                room = self.labels[event.step].width + 2 * LABEL_PAD + BAR + 14
                if event.exo.endswith("left"):
                    self.edge_left = min(self.edge_left, xs[col[code]] - room)
                else:
                    self.edge_right = max(self.edge_right, xs[col[code]] + room)

    def _note_size(self, event) -> tuple[float, float]:
        text = wrap_block(block(event.text, FONT, note=True), self.wrap)
        if isinstance(event, Reference):
            return max(text.width + 2 * NOTE_PAD + 16, tab_width(_REF) + 24), TAB_H + text.count * LINE + 10
        extra = {"normal": FOLD, "hexagonal": 16.0}.get(event.style, 0.0)
        return text.width + 2 * NOTE_PAD + extra, max(text.count, 1) * LINE + 10

    # --- rows ---------------------------------------------------------------------------------------

    def bar_right(self, code: str, d: int) -> float:
        x = self.xs[self.col[code]]
        return x + BAR / 2 + (d - 1) * BAR_STEP if d > 0 else x

    def bar_left(self, code: str, d: int) -> float:
        x = self.xs[self.col[code]]
        return x - BAR / 2 + (d - 1) * BAR_STEP if d > 0 else x

    def touch(self, x1: float, x2: float) -> None:
        if self.groups:
            g = self.groups[-1]
            g["min"] = min(g["min"], x1)
            g["max"] = max(g["max"], x2)

    def place_rows(self) -> None:
        d = self.diagram
        self.title = block(d.title, TITLE_FONT, bold=True) if d.title else TextBlock((), (), TITLE_FONT)
        if self.wrap is not None:
            self.title = wrap_block(self.title, max(self.wrap * 2, TITLE_WRAP))
        if d.header:
            header = block(d.header, 11.0)
            self.extras.append(("header", header, self.y))
            self.y += header.count * 13 + 4
        self.title_y = self.y
        if self.title.count:
            self.y += self.title.count * 22 + 8
        self.box_top = self.y
        if any(title for _, _, title, _ in self.box_runs):
            self.y += LINE + 6
        elif self.box_runs:
            self.y += 6
        self.head_h = max((h for _, h in self.sizes), default=30.0)
        self.head_top = self.y
        self.y += self.head_h + 4

        sel, events = self.sel, self.events
        for index in range(sel.hi + 1):
            event = events[index]
            if index == sel.lo:
                self._enter_window()
            if index < sel.lo:
                self._track(event)
                continue
            if isinstance(event, Message):
                if event.step in sel.steps:
                    self.message(event, index)
                else:
                    self.anchor = None
                continue
            if isinstance(event, LifeEvent):
                self.life(event)
                continue
            after_arrow = self.anchor is not None
            self.anchor = None
            if isinstance(event, Note):
                self.note(event, after_arrow)
            elif isinstance(event, Reference):
                self.reference(event)
            elif isinstance(event, GroupStart):
                self.open_group(event)
            elif isinstance(event, GroupElse):
                if self.groups and "top" in self.groups[-1]:
                    g = self.groups[-1]
                    g["bottom"] = max(g["bottom"], self.y)
                    self.y = g["top"]
                elif self.groups:
                    self.y += 6
                    label = block(f"[{label_lines(event.label)}]", FONT, bold=True) if event.label else _EMPTY
                    self.groups[-1]["elses"].append((self.y, label))
                    self.y += max(label.count, 1) * LINE + 4
            elif isinstance(event, GroupEnd):
                if self.groups:
                    self.close_group()
            elif isinstance(event, Divider):
                self.y += 8
                text = block(event.text.strip(), FONT, bold=True)
                height = max(text.count, 1) * LINE + 6
                self.bands.append(Band("divider", self.y, self.y + height, text, event.name))
                self.y += height + 8
            elif isinstance(event, Delay):
                text = block(event.text.strip(), 11.0)
                y1 = self.y
                self.y += max(text.count, 1) * 13 + 20
                self.bands.append(Band("delay", y1, self.y, text, None))
                self.delays.append((y1, self.y))
            elif isinstance(event, Spacer):
                self.y += event.size if event.size is not None else 20
            elif isinstance(event, NewPage):
                self.y += 8
                text = block(event.title or "", 11.0)
                self.bands.append(Band("newpage", self.y, self.y, text, None))
                self.y += 8 + text.count * 13

    def _track(self, event) -> None:
        """Follow the state (bars, open groups) of an event above the window without drawing it."""
        if isinstance(event, LifeEvent) and event.participant in self.depth:
            stack = self.depth[event.participant]
            if event.action == "activate":
                stack.append((None, safe_color(event.color)))
            elif event.action == "deactivate" and stack:
                stack.pop()
            elif event.action == "destroy":
                stack.clear()
        elif isinstance(event, GroupStart):
            self.groups.append({"start": event, "y1": None})
        elif isinstance(event, GroupEnd) and self.groups:
            self.groups.pop()

    def _enter_window(self) -> None:
        """Frames and bars opened above the window start at its top."""
        for code, stack in self.depth.items():
            self.depth[code] = [(self.y if start is None else start, color) for start, color in stack]
        pending = [g["start"] for g in self.groups if g["y1"] is None]
        self.groups = [g for g in self.groups if g["y1"] is not None]
        for start in pending:
            self.open_group(start)

    def message(self, m: Message, index: int) -> None:
        label = self.labels[m.step]
        events = self.events
        activates = 0
        creates = m.target in self.pending_create
        k = index + 1
        while k < len(events) and isinstance(events[k], LifeEvent):
            if events[k].participant == m.target:
                if events[k].action == "activate":
                    activates += 1
                elif events[k].action == "create" and m.target not in self.created_at:
                    creates = True
            k += 1
        top = self.y + 7
        if m.parallel and self.last_arrow is not None:
            top = self.last_arrow.label_y  # teoz ``&``: drawn on the previous message's row
        y = top + label.count * LINE + (3 if label.count else 8)
        target_col = self.col.get(m.target)
        if creates and target_col is not None:
            y = max(y, self.y + self.sizes[target_col][1] / 2 + 4)
        y2 = y
        loop_x = float("-inf")
        src, dst = m.source, m.target
        if m.exo is not None:
            code = dst if m.exo.startswith("from") else src
            d = len(self.depth[code]) + (activates if code == dst else 0)
            left = m.exo.endswith("left")
            px = self.bar_left(code, d) if left else self.bar_right(code, d)
            if m.exo_short:
                reach = label.width + 2 * LABEL_PAD + 10
                edge = px - reach if left else px + reach
            else:
                edge = self.edge_left if left else self.edge_right
            x1, x2 = (edge, px) if m.exo.startswith("from") else (px, edge)
            label_x = min(x1, x2) + LABEL_PAD + (6 if x2 < x1 else 0)
        elif src == dst:
            ds = len(self.depth[src])
            x1 = self.bar_right(src, ds)
            x2 = self.bar_right(src, ds + activates)
            loop_x = max(x1, x2) + SELF_W - (x2 - x1)
            y2 = y + SELF_H
            label_x = x1 + 6
        else:
            ds = len(self.depth[src])
            dd = len(self.depth[dst]) + activates
            rightward = self.xs[self.col[src]] < self.xs[target_col]
            if rightward:
                x1, x2 = self.bar_right(src, ds), self.bar_left(dst, dd)
            else:
                x1, x2 = self.bar_left(src, ds), self.bar_right(dst, dd)
            if creates:
                half = self.sizes[target_col][0] / 2
                x2 = self.xs[target_col] + (-half if rightward else half)
            label_x = min(x1, x2) + LABEL_PAD + (0 if rightward else 6)
            if m.slant:
                y2 = y + m.slant   # as PlantUML 1.2026 draws 'A ->(30) B': the target's end 30 px lower
        if creates and target_col is not None:
            self.created_at[dst] = y - self.sizes[target_col][1] / 2
            self.pending_create.discard(dst)
        arrow = Arrow(m.step, src, dst, m.phase, m.line, x1, x2, y, y2, loop_x, label, label_x, top,
                      m.dotted, m.head, m.bidirectional, m.exo, bool(m.exo_short), safe_color(m.color))
        self.arrows.append(arrow)
        self.last_arrow = arrow
        ends = [self.xs[self.col[c]] for c in (src, dst) if c is not None]
        if m.exo is not None:
            ends += [x1, x2]
        self.touch(min(min(ends) - FRAME_MARGIN, label_x - 6),
                   max(max(ends) + FRAME_MARGIN, loop_x + 8, label_x + label.width + 8))
        self.anchor = y2
        self.y = max(self.y, y2 + 5)
        if creates and target_col is not None:
            self.y = max(self.y, y + self.sizes[target_col][1] / 2 + 4)

    def life(self, event: LifeEvent) -> None:
        code = event.participant
        if code not in self.col:
            return
        at = self.anchor if self.anchor is not None else self.y
        if event.action == "activate":
            self.depth[code].append((at, safe_color(event.color)))
        elif event.action == "deactivate":
            self.end_bar(code, at)
        elif event.action == "destroy":
            if self.anchor is not None:
                at += 12  # below the arrow that ends the lifeline, as PlantUML draws it
            while self.depth[code]:
                self.end_bar(code, at)
            self.destroyed_at[code] = at
            self.destroys.append((self.xs[self.col[code]], at))
            self.y = max(self.y, at + 12)
        elif event.action == "create" and code not in self.created_at:
            self.pending_create.add(code)
            self.created_at[code] = self.y

    def end_bar(self, code: str, end: float) -> None:
        stack = self.depth[code]
        if not stack:
            return
        start, color = stack.pop()
        x = self.xs[self.col[code]] - BAR / 2 + len(stack) * BAR_STEP
        if end < start + 8 and self.anchor is None:
            self.y = max(self.y, start + 12)
        self.bars.append(Bar(code, x, start, max(end, start + 8), color))

    def note(self, event: Note, after_arrow: bool) -> None:
        width, height = self._note_size(event)
        text = wrap_block(block(event.text, FONT, note=True), self.wrap)
        targets = sorted(self.col[c] for c in event.participants if c in self.col)
        arrow = self.last_arrow
        beside = event.attached_to == "message" and after_arrow and arrow is not None \
            and event.position in ("left", "right")
        if not targets and arrow is not None:
            targets = sorted(self.col[c] for c in (arrow.source, arrow.target) if c in self.col)
        if not targets and event.position != "across":
            targets = [0] if self.codes else []
        top = arrow.label_y if beside else self.y + 6
        codes = self.codes
        if event.position == "left":
            code = codes[targets[0]]
            right = self.bar_left(code, len(self.depth[code])) - 5
            if beside:
                right = min(right, arrow.x1, arrow.x2, arrow.label_x) - 6
            x = right - width
        elif event.position == "right":
            code = codes[targets[-1]]
            x = self.bar_right(code, len(self.depth[code])) + 5
            if beside:
                x = max(x, arrow.x1, arrow.x2, arrow.loop_x, arrow.label_x + arrow.label.width) + 6
        elif event.position == "across":
            x, width = self.edge_left + 4, max(width, self.edge_right - self.edge_left - 8)
        else:
            first, last = self.xs[targets[0]], self.xs[targets[-1]]
            if len(targets) > 1:
                span = last - first + 36
                x = first - 18
                if width > span:
                    x -= (width - span) / 2
                else:
                    width = span
            else:
                x = first - width / 2
        self.notes.append(NoteBox(x, top, width, height, event.style, text, event.line,
                                  event.position in ("over", "over_several", "across"), safe_color(event.color)))
        self.touch(x - 8, x + width + 8)
        self.y = max(self.y, top + height + (5 if beside else 0))

    def reference(self, event: Reference) -> None:
        width, height = self._note_size(event)
        targets = sorted(self.col[c] for c in event.participants if c in self.col) or [0]
        first, last = self.xs[targets[0]], self.xs[targets[-1]]
        x1, x2 = first - 22, last + 22
        if x2 - x1 < width:
            x1 -= (width - (x2 - x1)) / 2
            x2 = x1 + width
        top = self.y + 6
        self.notes.append(NoteBox(x1, top, x2 - x1, height, "ref", wrap_block(block(event.text, FONT, note=True), self.wrap),
                                  event.line, True))
        self.touch(x1 - 8, x2 + 8)
        self.y = top + height + 4

    def open_group(self, start: GroupStart) -> None:
        if start.kind == "par2":
            # PlantUML's ``par2``: no frame, each branch drawn from the same row, side by side.
            self.groups.append({"start": start, "y1": self.y, "min": float("inf"), "max": float("-inf"),
                                "top": self.y, "bottom": self.y})
            return
        self.y += 6
        title_text, label = start.title.strip() or start.kind, start.label
        if start.kind == "group" and title_text.lower() == "group" and label:
            title_text, label = label, None  # ``group Text`` shows Text in the tab
        if label and label.strip() == title_text:
            label = None
        title = block(label_lines(title_text), FONT, bold=True)
        label_block = block(f"[{label_lines(label)}]", FONT, bold=True) if label else _EMPTY
        self.groups.append({"start": start, "y1": self.y, "min": float("inf"), "max": float("-inf"),
                            "title": title, "label": label_block, "elses": []})
        self.y += TAB_H + max(0, title.count - 1, label_block.count - 1) * LINE + 2

    def close_group(self) -> None:
        g = self.groups.pop()
        if "top" in g:
            self.y = max(self.y, g["bottom"])
            if g["min"] != float("inf"):
                self.touch(g["min"], g["max"])
            return
        self.y += 6
        if g["min"] == float("inf"):
            base = self.xs[0] if self.xs else 0.0
            g["min"], g["max"] = base - 20, base + 20
        x1 = g["min"]
        header = tab_width(g["title"]) + 10 + g["label"].width
        x2 = max(g["max"], x1 + header + 8, *(x1 + label.width + 12 for _, label in g["elses"]))
        self.frames.append(Frame(g["start"].kind, g["title"], g["label"], x1, x2, g["y1"], self.y,
                                 tuple(g["elses"]), g["start"].line))
        self.y += 4
        self.touch(x1 - FRAME_PAD, x2 + FRAME_PAD)

    # --- result -------------------------------------------------------------------------------------

    def result(self, footbox: bool) -> Layout:
        # A group never closed with ``end`` is not drawn: PlantUML draws no frame for it (lint warns).
        self.groups.clear()
        y = self.y + 10
        for code, stack in self.depth.items():
            while stack:
                self.end_bar(code, y - 4)
        foot_top = y if footbox else None
        columns = []
        for i, code in enumerate(self.codes):
            width, height = self.sizes[i]
            p = self.parts[i]
            created = code in self.created_at
            top = self.created_at[code] if created else self.head_top + (self.head_h - height)
            destroyed = code in self.destroyed_at
            columns.append(Column(code, self.names[i], p.kind, self.xs[i], width, height, safe_color(p.color),
                                  p.stereotype, top, top + height, self.destroyed_at.get(code, y), destroyed,
                                  created))
        bottom = y + (self.head_h if footbox else 0) + MARGIN
        d = self.diagram
        for name, text in (("caption", d.caption), ("legend", d.legend), ("footer", d.footer)):
            if text:
                size = 11.0 if name == "footer" else FONT
                tb = block(text, size)
                self.extras.append((name, tb, bottom))
                bottom += tb.count * (size + 3) + (18 if name == "legend" else 8)
        boxes = []
        for first, last, title, index in self.box_runs:
            title_block = block(title, FONT, bold=True)
            box = self.diagram.boxes[index] if index is not None and index < len(self.diagram.boxes) else None
            x1 = self.xs[first] - self.sizes[first][0] / 2 - BOX_PAD
            x2 = self.xs[last] + self.sizes[last][0] / 2 + BOX_PAD
            grow = (title_block.width + 16 - (x2 - x1)) / 2
            if grow > 0:
                x1, x2 = x1 - grow, x2 + grow
            boxes.append(BoxArea(x1, x2, title_block, safe_color(box.color) if box else None))

        min_x, max_x = self.edge_left, self.edge_right
        for a in self.arrows:
            min_x = min(min_x, a.x1, a.x2, a.label_x)
            max_x = max(max_x, a.x1, a.x2, a.loop_x + 4, a.label_x + a.label.width)
        for n in self.notes:
            min_x, max_x = min(min_x, n.x), max(max_x, n.x + n.w + 4)
        for f in self.frames:
            min_x, max_x = min(min_x, f.x1), max(max_x, f.x2 + 4)
        for b in boxes:
            min_x, max_x = min(min_x, b.x1), max(max_x, b.x2)
        centre = (self.edge_left + self.edge_right) / 2
        widest = max([self.title.width + 8] + [tb.width + 8 for _, tb, _ in self.extras]
                     + [band.text.width + 30 for band in self.bands])
        min_x, max_x = min(min_x, centre - widest / 2), max(max_x, centre + widest / 2)
        return Layout(tuple(columns), tuple(self.arrows), tuple(self.bars), tuple(self.notes),
                      tuple(self.frames), tuple(self.bands), tuple(boxes), tuple(self.destroys), self.title,
                      tuple(self.extras), min_x - MARGIN, max_x + MARGIN, bottom, self.edge_left,
                      self.edge_right, self.head_top, self.head_h, foot_top, self.box_top, tuple(self.delays),
                      self.title_y)


_REF = block("ref", FONT, bold=True)
