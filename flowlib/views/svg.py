"""flowlib's own sequence-diagram SVG: drawn from the model, no Java, no Graphviz, no network.

``sequence_svg(diagram, phase=..., steps=..., highlight=...)`` returns a :class:`SequenceSVG`. The
layout of each (diagram, phase, steps) view is computed once and cached with its SVG fragments;
highlighting a step only re-joins those fragments with the step's own group redrawn, so a step
player pays almost nothing per step. Every message is one ``<g class="msg" data-step="N">``.
Nothing from the diagram reaches the output unescaped: names, labels and notes are XML text, and
colours are checked against #hex and CSS names.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

from flowlib.model import Diagram
from flowlib.views.display import Displayable
from flowlib.views.overlay import DRAWN_LABEL, PAGE_ROOM, SMALLEST_LABEL
from flowlib.views.palette import HIGHLIGHT, colors_key, phase_color
from flowlib.views.svglayout import (
    BAR,
    FOLD,
    FONT,
    HEAD_LINE,
    ICONS,
    LINE,
    NOTE_PAD,
    TAB_H,
    Arrow,
    Column,
    Layout,
    TextBlock,
    layout,
    numbering,
    select,
    tab_width,
)
from flowlib.views.svgtext import FONT_FAMILY, MONO_FAMILY, block, plain, xml_attr, xml_text
from flowlib.analysis.select import check_steps, find_phase
from flowlib.views.text import step_list

INK = "#1F2328"
STROKE = "#55606E"  # heads, bars, frames
LIFELINE = "#97A1AD"
HEAD_FILL = "#EAF0F7"
NOTE_FILL = "#FFF6C7"
NOTE_STROKE = "#B49A32"
TAB_FILL = "#EEF0F3"
BOX_FILL = "#EEF1F5"
FADE = "0.45"  # opacity of everything but the highlighted step
BAND_MARGIN = 24  # room kept on each side of a focused arrow and its label (sequence_svg's focus_width)

__all__ = ["HeadStrip", "SequenceSVG", "sequence_svg"]

#: The most messages :func:`sequence_svg` draws unless told otherwise.
MAX_STEPS = 2000


@dataclass(frozen=True)
class HeadStrip:
    """The participants' heads of a drawing alone: an SVG strip to keep their names in sight above a
    scrolled view. ``source`` is the SVG (no text alternative: the drawing has it), as wide as the view;
    it shows the view's rows ``top`` to ``bottom`` (px) over ``width`` px (the view's shown width).
    """

    source: str
    top: float
    bottom: float
    width: float


@dataclass(frozen=True)
class SequenceSVG(Displayable):
    """A drawn sequence diagram: ``source`` is the SVG text, ``text`` its text alternative.

    A notebook cell ending with one shows the drawing; ``save(path)`` writes the SVG.
    """

    source: str
    text: str
    title: str
    steps: tuple[int, ...] = ()
    highlight: int | None = None
    width: float = 0.0
    height: float = 0.0
    step_y: dict = field(default_factory=dict, repr=False, compare=False)  # step -> arrow y, for scrolling
    #: Makes the drawings that fit a page (:func:`fitted`), for the HTML a notebook shows; None: this one.
    fit: object = field(default=None, repr=False, compare=False)
    #: Draws the participants' heads of this view (the same band, the same highlight), for a window that
    #: scrolls (:attr:`heads`); None: no strip. Only a step player asks for them.
    head_maker: object = field(default=None, repr=False, compare=False)

    @property
    def heads(self) -> HeadStrip | None:
        """The heads row of this view, drawn when asked for (see ``head_maker``)."""
        return self.head_maker() if callable(self.head_maker) else None

    def _repr_svg_(self) -> str:
        return self.source

    def _mime_types(self) -> dict:
        # A notebook shows the HTML: the view as wide as the page (labels wrapped, or stacked windows of
        # steps when even that is too wide), never below legible labels. The SVG stays for other readers.
        return {"text/html": self._fitted_html, "image/svg+xml": self.source, "text/plain": self.text}

    def _fitted_html(self) -> str:
        from flowlib.views.overlay import figures_html

        views = self.fit() if callable(self.fit) else (self,)
        return figures_html([(v.source, v.title if len(views) > 1 else "") for v in views])

    def save(self, path) -> str:
        """Write the SVG to ``path`` (UTF-8) and return the path."""
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(self.source)
        return str(path)

    def __str__(self) -> str:
        return self.source


def sequence_svg(diagram: Diagram, *, phase: str | None = None, steps=None, highlight: int | None = None,
                 numbers="diagram", footbox: bool | None = None, focus_width: float | None = None,
                 colors: Mapping[str, str] | None = None, max_steps: int | None = MAX_STEPS,
                 wrap: float | None = None) -> SequenceSVG:
    """Draw ``diagram`` as an SVG sequence diagram: whole, one ``phase``, or a window of ``steps``.

    steps: a window, as :func:`flowlib.analysis.select.check_steps` reads it. highlight: one shown step
    drawn in the highlight colour, thicker, with the rest faded. numbers: "diagram" (the default) numbers
    messages as the diagram's ``autonumber`` does (not at all without one); "steps" (or True) prefixes
    every label with its step number, as the step players and the course do; "none" (or False) numbers
    nothing. footbox: draw the participants again at the bottom; None (the default) follows the diagram
    (``hide footbox``, ``skinparam style strictuml``).
    focus_width: with ``highlight``, show only a band of about this many pixels around the highlighted
    arrow when the drawing is wider (the step players use it: a static frame cannot scroll itself to
    the step, and a wide diagram would leave it out of sight). colors: phase name -> colour, overriding
    the palette's phase colours. max_steps: a view that would show more messages than this shows the
    first ``max_steps`` of them (or those around ``highlight``) and says so in its title; pass ``steps``
    for others, or ``max_steps=None`` to draw them all (a 300,000-message drawing takes a while).
    wrap: break message labels and notes wider than this many pixels at spaces (a narrower drawing).
    In a notebook, a view wider than :data:`PAGE_WIDTH` shows as :func:`fitted` draws it.

    >>> from flowlib import parse
    >>> svg = sequence_svg(parse("@startuml\\nA -> B: hi\\n@enduml"), highlight=1)
    >>> 'data-step="1"' in svg.source
    True
    """
    window = check_steps(diagram, steps)
    if phase is not None:
        phase = find_phase(diagram, phase)
    window, left_out = _limit(diagram, phase, window, highlight, max_steps)
    numbers = numbering(numbers)
    if footbox is None:
        footbox = diagram.footbox
    # First: the text list checks the highlight, with the same words as every other view, before any layout.
    text = step_list(diagram, phase=phase, steps=window, highlight=highlight)
    scene = _scene(diagram, phase, window, numbers, footbox, colors, wrap)
    title = scene.title
    if left_out:
        title += left_out
        text = left_out.strip("; ").capitalize() + ".\n" + text
    if highlight is not None:
        title += f" (step {highlight} highlighted)"
    band = scene.band(highlight, focus_width) if highlight is not None and focus_width else None
    refit = None
    if highlight is None and band is None and scene.width > PAGE_WIDTH:
        def refit():
            return fitted(diagram, phase=phase, steps=steps, numbers=numbers, footbox=footbox, colors=colors,
                          max_steps=max_steps)
    return SequenceSVG(scene.render(highlight, title, text, band), text, title, scene.steps, highlight,
                       scene.width, scene.height, scene.step_y, refit, lambda: scene.head_strip(highlight, band))


#: The widest drawing a page shows whole. Labels are drawn at 13 px and may be scaled down to 11 px
#: (:data:`flowlib.views.overlay.SMALLEST_LABEL`): 1040 px then fit 880 px, the room an output has in
#: JupyterLab on a 1366 px laptop with the file browser open (:data:`flowlib.views.overlay.PAGE_ROOM`).
PAGE_WIDTH = PAGE_ROOM * DRAWN_LABEL / SMALLEST_LABEL
#: Label widths tried, widest first, to draw a view narrower (None: as written).
WRAPS = (None, 320.0, 240.0, 180.0, 140.0)


def fitted(diagram: Diagram, *, phase: str | None = None, steps=None, width: float = PAGE_WIDTH,
           **kwargs) -> tuple[SequenceSVG, ...]:
    """The view :func:`sequence_svg` draws, as drawings no wider than ``width`` px where possible: the
    whole view with its labels and notes wrapped as little as it takes, else consecutive windows of its
    steps (as few as it takes, each wrapped as little as it takes), to be shown one above the other.
    A window of one step that is still too wide is drawn as narrow as it goes. ``kwargs`` are
    :func:`sequence_svg`'s (no ``highlight``).

    >>> from flowlib import parse
    >>> d = parse("A -> B: " + "word " * 60 + "\\nB -> C: " + "more " * 60)
    >>> [round(v.width) <= 400 for v in fitted(d, width=400)]
    [True]
    """
    whole = sequence_svg(diagram, phase=phase, steps=steps, **kwargs)
    if whole.width <= width:
        return (whole,)
    for wrap in WRAPS[1:]:
        view = sequence_svg(diagram, phase=phase, steps=steps, wrap=wrap, **kwargs)
        if view.width <= width:
            return (view,)
    shown = whole.steps
    views = [view]  # one step (or none) cannot be split: the narrowest wrap, which a page then scrolls
    for parts in range(2, len(shown) + 1):
        size = -(-len(shown) // parts)
        chunks = [shown[i : i + size] for i in range(0, len(shown), size)]
        views = []
        for chunk in chunks:
            window = (chunk[0], chunk[-1])
            view = None
            for wrap in WRAPS:
                view = sequence_svg(diagram, phase=phase, steps=window, wrap=wrap, **kwargs)
                if view.width <= width:
                    break
            views.append(view)
            if view.width > width and len(chunk) > 1:
                break
        else:
            return tuple(views)
    return tuple(views)


def _limit(diagram: Diagram, phase, window, highlight, max_steps) -> tuple[tuple[int, int] | None, str]:
    """The window a view keeps under ``max_steps`` messages, and words saying what it left out ("" if nothing)."""
    if max_steps is None:
        return window, ""
    messages = diagram.messages
    if window is not None and messages[window[0] - 1].step == window[0] and messages[window[1] - 1].step == window[1]:
        messages = messages[window[0] - 1 : window[1]]  # steps are positions
    if phase is None and window is None:
        if len(messages) <= max_steps:
            return window, ""
        steps = range(1, len(messages) + 1)
    else:
        steps = [m.step for m in messages if (phase is None or m.phase == phase)
                 and (window is None or window[0] <= m.step <= window[1])]
    total = len(steps)
    if total <= max_steps:
        return window, ""
    start = 0
    if highlight is not None and highlight in steps:
        start = max(0, min(steps.index(highlight) - max_steps // 2, total - max_steps))
    kept = (steps[start], steps[start + max_steps - 1])
    return kept, (f"; {max_steps:,} of {total:,} messages shown (steps {kept[0]}-{kept[1]}): pass "
                  f"steps=(first, last) or a phase for others, max_steps=None for all")


# ---------------------------------------------------------------------------------------------------
# The cache: a few recent views, each laid out and drawn once.

_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 16


def _scene(diagram: Diagram, phase, window, numbers: str, footbox: bool, colors=None, wrap=None) -> _Scene:
    # Diagram is hashable but hashing re-reads every event; identity is enough (and kept alive here).
    key = (id(diagram), phase, window, numbers, footbox, colors_key(colors), wrap)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is diagram:
        _CACHE.move_to_end(key)
        return hit[1]
    sel = select(diagram, phase, window)
    scene = _Scene(diagram, layout(diagram, sel, numbers=numbers, footbox=footbox, wrap=wrap), phase, window, colors)
    _CACHE[key] = (diagram, scene)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return scene




# ---------------------------------------------------------------------------------------------------
# Drawing.


def _horizontal_head(x: float, y: float, direction: int, head: str, color: str) -> str:
    """An arrow head with its tip at (x, y), pointing right (``direction`` 1) or left (-1)."""
    back = x - direction * 10
    if head == "async":
        return (f'<polyline points="{_f(back)},{_f(y - 5)} {_f(x)},{_f(y)} {_f(back)},{_f(y + 5)}" '
                f'fill="none" stroke="{color}" stroke-width="1.4"/>')
    if head == "crossx":
        cx = x - direction * 5
        return (f'<path d="M{_f(cx - 5)},{_f(y - 5)} l10,10 M{_f(cx - 5)},{_f(y + 5)} l10,-10" '
                f'stroke="{color}" stroke-width="2"/>')
    return (f'<polygon points="{_f(back)},{_f(y - 4.5)} {_f(x)},{_f(y)} {_f(back)},{_f(y + 4.5)}" '
            f'fill="{color}" stroke="none"/>')


def _f(v: float) -> str:
    return f"{v:.1f}"


def _tint(color: str, amount: float) -> str:
    """``color`` (#RRGGBB) mixed with white: amount 0 keeps it, 1 gives white."""
    if not (color.startswith("#") and len(color) == 7):
        return "#F3F4F6"
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    r, g, b = (round(c + (255 - c) * amount) for c in (r, g, b))
    return f"#{r:02X}{g:02X}{b:02X}"


def _text(out: list, x: float, top: float, tb: TextBlock, *, anchor: str = "start", fill: str = INK,
          line_height: float = LINE, extra: str = "") -> None:
    """Append one <text> per line of ``tb``, the first line's box starting at ``top``."""
    size = tb.size
    ascent = size * 0.93
    size_attr = "" if size == FONT else f' font-size="{size:g}"'
    anchor_attr = "" if anchor == "start" else f' text-anchor="{anchor}"'
    fill_attr = "" if fill == INK else f' fill="{fill}"'
    for k, line in enumerate(tb.lines):
        y = top + k * line_height + ascent
        if len(line) == 1 and not _styled(line[0]):
            content = xml_text(line[0].text)
        else:
            content = "".join(_tspan(r) for r in line)
        if not content:
            continue
        out.append(f'<text x="{_f(x)}" y="{_f(y)}"{size_attr}{anchor_attr}{fill_attr}{extra}>{content}</text>')


def _styled(run) -> bool:
    return (run.bold or run.italic or run.mono or run.underline or run.strike or run.color or run.size
            or run.placeholder)


def _tspan(run) -> str:
    if not _styled(run):
        return xml_text(run.text)
    attrs = [' class="placeholder"'] if run.placeholder else []
    if run.bold:
        attrs.append(' font-weight="bold"')
    if run.italic:
        attrs.append(' font-style="italic"')
    if run.mono:
        attrs.append(f' font-family="{MONO_FAMILY}"')
    if run.underline or run.strike:
        attrs.append(f' text-decoration="{"underline" if run.underline else "line-through"}"')
    if run.color or run.placeholder:
        attrs.append(f' fill="{run.color or "#6B7280"}"')
    if run.size:
        attrs.append(f' font-size="{run.size:g}"')
    return f'<tspan{"".join(attrs)}>{xml_text(run.text)}</tspan>'


class _Scene:
    """One laid-out view drawn into SVG fragments, ready to be joined with any step highlighted."""

    def __init__(self, diagram: Diagram, lay: Layout, phase, window, colors=None):
        self.diagram = diagram
        self.colors = colors
        self.layout = lay
        self.phases = diagram.phases
        self.width = lay.max_x - lay.min_x
        self.height = lay.height
        name = plain(diagram.title).replace("\n", " ") if diagram.title else "Sequence diagram"
        if phase is not None:
            name += f", phase {phase}"
        if window is not None:
            name += f", steps {window[0]}-{window[1]}"
        self.title = name
        self.arrows = {a.step: a for a in lay.arrows}
        self.steps = tuple(a.step for a in lay.arrows)
        self.step_y = {a.step: a.y for a in lay.arrows}
        self.columns = {c.code: c for c in lay.columns}
        self.static = self._static()
        self.heads = [(c.code, self._head_group(c, STROKE, 1.0)) for c in lay.columns]
        self.messages = [(a.step, self._arrow(a, None)) for a in lay.arrows]
        self.top = self._top_layer()
        self.all_heads = "".join(s for _, s in self.heads)
        self.all_messages = "".join(s for _, s in self.messages)
        self.index = {step: i for i, (step, _) in enumerate(self.messages)}

    def band(self, step: int, width: float) -> tuple[float, float] | None:
        """(left x, width) of a band about ``width`` wide centred on ``step``'s arrow and its label, inside
        the drawing; None when the whole drawing is no wider (or the arrow and label need all of it)."""
        lay = self.layout
        a = self.arrows[step]
        left = min(a.x1, a.x2, a.label_x) - BAND_MARGIN
        right = max(a.x1, a.x2, a.loop_x, a.label_x + a.label.width) + BAND_MARGIN
        width = max(width, right - left)
        if width >= self.width:
            return None
        x = min(max((left + right - width) / 2, lay.min_x), lay.min_x + self.width - width)
        return x, width

    def render(self, highlight: int | None, title: str, text: str, band: tuple[float, float] | None = None) -> str:
        lay = self.layout
        x, w = band if band is not None else (lay.min_x, self.width)
        h = self.height
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h:.0f}" '
            f'viewBox="{_f(x)} 0 {_f(w)} {_f(h)}" role="img" aria-label="{xml_attr(title)}" '
            f'font-family="{FONT_FAMILY}" font-size="{FONT:g}" fill="{INK}" xml:space="preserve" '
            f'class="flowlib-sequence">'
            f"<title>{xml_text(title)}</title><desc>{xml_text(text)}</desc>"
            f'<rect x="{_f(lay.min_x)}" y="0" width="{_f(self.width)}" height="{_f(h)}" fill="#FFFFFF"/>'
        )
        if highlight is None:
            return "".join((head, self.static, self.all_heads, self.all_messages, self.top, "</svg>"))
        arrow = self.arrows[highlight]
        ends = {arrow.source, arrow.target} - {None}
        i = self.index[highlight]
        parts = [head, f'<g opacity="{FADE}">', self.static]
        parts += [s for code, s in self.heads if code not in ends]
        parts += [s for _, s in self.messages[:i]]
        parts += [s for _, s in self.messages[i + 1 :]]
        parts.append("</g>")
        parts += [self._head_group(self.columns[c], HIGHLIGHT, 2.0) for c in ends if c in self.columns]
        parts.append(self._arrow(arrow, HIGHLIGHT))
        parts += [self.top, "</svg>"]
        return "".join(parts)

    def head_strip(self, highlight: int | None, band: tuple[float, float] | None = None) -> HeadStrip:
        """The heads row alone (with box titles), as :meth:`render` draws it for ``highlight`` in ``band``.
        Every participant there at that step is drawn in the row (one created further down once it exists,
        none destroyed by then), if it shows in the band."""
        lay = self.layout
        x, w = band if band is not None else (lay.min_x, self.width)
        top = max(0.0, lay.box_top - 4)
        bottom = lay.head_top + lay.head_h + 4
        at = self.arrows[highlight].y if highlight is not None else None
        ends = set()
        if highlight is not None:
            ends = {self.arrows[highlight].source, self.arrows[highlight].target} - {None}
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{_f(bottom - top)}" '
               f'viewBox="{_f(x)} {_f(top)} {_f(w)} {_f(bottom - top)}" '
               f'font-family="{FONT_FAMILY}" font-size="{FONT:g}" fill="{INK}" xml:space="preserve" '
               f'class="flowlib-heads">'
               f'<rect x="{_f(lay.min_x)}" y="{_f(top)}" width="{_f(self.width)}" height="{_f(bottom - top)}" '
               f'fill="#FFFFFF"/>']
        shown = [c for c in lay.columns
                 if x - c.width / 2 < c.x < x + w + c.width / 2  # in the band, at least in part
                 and ((at is None and not c.created)
                      or (at is not None and c.top <= at and not (c.destroyed and c.line_end < at)))]
        if highlight is not None:  # faded as render() fades it, so that it lies unseen over the drawing's own
            out.append(f'<g opacity="{FADE}">')
        self._boxes(out, bottom)
        out.append(f'<g class="lifeline" stroke="{LIFELINE}" stroke-width="1">')
        out += [self._lifeline(c.x, lay.head_top + lay.head_h, bottom, "5,4") for c in shown]
        out.append("</g>")
        out += [self._head_group(c, STROKE, 1.0, row=True) for c in shown if c.code not in ends]
        if highlight is not None:
            out.append("</g>")
        out += [self._head_group(c, HIGHLIGHT, 2.0, row=True) for c in shown if c.code in ends]
        out.append("</svg>")
        return HeadStrip("".join(out), top, bottom, w)

    # --- static layer -------------------------------------------------------------------------------

    def _static(self) -> str:
        lay = self.layout
        out: list[str] = []
        if lay.foot_top is not None:
            foot_bottom = lay.foot_top + lay.head_h
        else:
            foot_bottom = max((c.line_end for c in lay.columns), default=lay.height)
        self._boxes(out, foot_bottom)
        # Lifelines, dotted through delays.
        for c in lay.columns:
            out.append(f'<g class="lifeline" stroke="{LIFELINE}" stroke-width="1">')
            y = c.line_start
            for d1, d2 in lay.delays:
                if d2 <= y or d1 >= c.line_end:
                    continue
                if d1 > y:
                    out.append(self._lifeline(c.x, y, d1, "5,4"))
                out.append(self._lifeline(c.x, max(y, d1), min(d2, c.line_end), "1,5"))
                y = d2
            if y < c.line_end:
                out.append(self._lifeline(c.x, y, c.line_end, "5,4"))
            out.append("</g>")
        for band in lay.bands:
            out.append(self._band(band))
        for b in lay.bars:
            fill = b.color or "#FFFFFF"
            y = b.y1
            # A bar pauses through a delay, as the lifeline does.
            for d1, d2 in lay.delays:
                if d2 <= y or d1 >= b.y2:
                    continue
                if d1 > y:
                    out.append(self._bar(b.x, y, d1, fill))
                y = d2
            if y < b.y2:
                out.append(self._bar(b.x, y, b.y2, fill))
        for n in lay.notes:
            out.append(self._note(n))
        for f in lay.frames:
            out.append(self._frame(f))
        for x, y in lay.destroys:
            out.append(f'<path class="destroy" d="M{_f(x - 8)},{_f(y - 8)} l16,16 M{_f(x - 8)},{_f(y + 8)} '
                       f'l16,-16" stroke="{INK}" stroke-width="2"/>')
        return "".join(out)

    def _boxes(self, out: list, bottom: float) -> None:
        """Append the ``box ... end box`` backgrounds, from their titles down to ``bottom``."""
        lay = self.layout
        for box in lay.boxes:
            out.append(f'<rect class="box" x="{_f(box.x1)}" y="{_f(lay.box_top)}" width="{_f(box.x2 - box.x1)}" '
                       f'height="{_f(bottom + 6 - lay.box_top)}" fill="{box.color or BOX_FILL}" stroke="#C9CFD8"/>')
            if box.title.count:
                _text(out, (box.x1 + box.x2) / 2, lay.box_top + 2, box.title, anchor="middle")

    @staticmethod
    def _bar(x: float, y1: float, y2: float, fill: str) -> str:
        return (f'<rect class="activation" x="{_f(x)}" y="{_f(y1)}" width="{BAR:g}" height="{_f(y2 - y1)}" '
                f'fill="{fill}" stroke="{STROKE}"/>')

    @staticmethod
    def _lifeline(x: float, y1: float, y2: float, dash: str) -> str:
        return f'<line x1="{_f(x)}" y1="{_f(y1)}" x2="{_f(x)}" y2="{_f(y2)}" stroke-dasharray="{dash}"/>'

    def _frame(self, f) -> str:
        out = [f'<g class="group" data-kind="{xml_attr(f.kind)}" data-line="{f.line}">']
        tw = tab_width(f.title)
        out.append(f'<rect x="{_f(f.x1)}" y="{_f(f.y1)}" width="{_f(f.x2 - f.x1)}" height="{_f(f.y2 - f.y1)}" '
                   f'fill="none" stroke="{STROKE}" stroke-width="1.3"/>')
        tab_h = TAB_H + max(0, f.title.count - 1) * LINE  # a title of several lines gets a taller tab
        out.append(f'<path d="M{_f(f.x1)},{_f(f.y1)} h{_f(tw)} v{_f(tab_h - 6)} l-6,6 H{_f(f.x1)} Z" '
                   f'fill="{TAB_FILL}" stroke="{STROKE}" stroke-width="1.3"/>')
        _text(out, f.x1 + 9, f.y1 + 2, f.title)
        if f.label.count:
            _text(out, f.x1 + tw + 8, f.y1 + 2, f.label)
        for ey, label in f.elses:
            out.append(f'<line x1="{_f(f.x1)}" y1="{_f(ey)}" x2="{_f(f.x2)}" y2="{_f(ey)}" stroke="{STROKE}" '
                       f'stroke-dasharray="5,3"/>')
            if label.count:
                _text(out, f.x1 + 6, ey + 2, label)
        out.append("</g>")
        return "".join(out)

    def _band(self, band) -> str:
        lay = self.layout
        x1, x2 = lay.min_x + 4, lay.min_x + self.width - 4
        centre = (lay.edge_left + lay.edge_right) / 2
        out = []
        if band.kind == "divider":
            mid = (band.y + band.y2) / 2
            color = phase_color(band.phase, self.phases, self.colors) if band.phase in self.phases else STROKE
            fill = _tint(color, 0.82) if band.phase in self.phases else "#F3F4F6"
            out.append(f'<g class="divider" data-phase="{xml_attr(band.phase or "")}">')
            out.append(f'<rect x="{_f(x1)}" y="{_f(mid - 2)}" width="{_f(x2 - x1)}" height="4" fill="{fill}" '
                       f'stroke="{color}" stroke-width="1"/>')
            half = band.text.width / 2 + 10
            out.append(f'<rect x="{_f(centre - half)}" y="{_f(band.y)}" width="{_f(2 * half)}" '
                       f'height="{_f(band.y2 - band.y)}" rx="3" fill="{fill}" stroke="{color}" stroke-width="1.5"/>')
            _text(out, centre, band.y + 3, band.text, anchor="middle")
            out.append("</g>")
        elif band.kind == "delay":
            if band.text.count:
                mid = (band.y + band.y2) / 2
                top = mid - band.text.count * 13 / 2
                half = band.text.width / 2 + 4
                out.append(f'<rect class="delay" x="{_f(centre - half)}" y="{_f(top)}" width="{_f(2 * half)}" '
                           f'height="{_f(band.text.count * 13)}" fill="#FFFFFF"/>')
                _text(out, centre, top, band.text, anchor="middle", fill="#4B5563", line_height=13)
        else:
            out.append(f'<line class="newpage" x1="{_f(x1)}" y1="{_f(band.y)}" x2="{_f(x2)}" y2="{_f(band.y)}" '
                       f'stroke="{STROKE}" stroke-dasharray="8,4"/>')
            if band.text.count:
                _text(out, x1 + 4, band.y + 2, band.text, fill="#4B5563", line_height=13)
        return "".join(out)

    def _note(self, n) -> str:
        x, y, w, h = n.x, n.y, n.w, n.h
        out = [f'<g class="note" data-line="{n.line}">']
        if n.style == "ref":
            out.append(f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{_f(h)}" fill="#FFFFFF" '
                       f'stroke="{STROKE}" stroke-width="1.3"/>')
            ref = block("ref", FONT, bold=True)
            tw = tab_width(ref)
            out.append(f'<path d="M{_f(x)},{_f(y)} h{_f(tw)} v{_f(TAB_H - 6)} l-6,6 H{_f(x)} Z" fill="{TAB_FILL}" '
                       f'stroke="{STROKE}" stroke-width="1.3"/>')
            _text(out, x + 9, y + 2, ref)
            _text(out, x + w / 2, y + TAB_H + 4, n.text, anchor="middle")
            out.append("</g>")
            return "".join(out)
        paint = f'fill="{n.color or NOTE_FILL}" stroke="{NOTE_STROKE}"'
        # Lines are left-aligned; a note stretched wider than its text (over several) centres the block.
        inset = {"hexagonal": 8.0, "normal": FOLD / 2}.get(n.style, 0.0)
        text_x = x + max(NOTE_PAD + inset, (w - n.text.width) / 2)
        if n.style == "hexagonal":
            out.append(f'<polygon points="{_f(x + 8)},{_f(y)} {_f(x + w - 8)},{_f(y)} {_f(x + w)},{_f(y + h / 2)} '
                       f'{_f(x + w - 8)},{_f(y + h)} {_f(x + 8)},{_f(y + h)} {_f(x)},{_f(y + h / 2)}" {paint}/>')
        elif n.style == "box":
            out.append(f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{_f(h)}" {paint}/>')
        else:
            out.append(f'<path d="M{_f(x)},{_f(y)} H{_f(x + w - FOLD)} L{_f(x + w)},{_f(y + FOLD)} V{_f(y + h)} '
                       f'H{_f(x)} Z" {paint}/>')
            out.append(f'<path d="M{_f(x + w - FOLD)},{_f(y)} V{_f(y + FOLD)} H{_f(x + w)}" fill="none" '
                       f'stroke="{NOTE_STROKE}"/>')
        _text(out, text_x, y + 5, n.text)
        out.append("</g>")
        return "".join(out)

    # --- heads --------------------------------------------------------------------------------------

    def _head_group(self, c: Column, stroke: str, width: float, row: bool = False) -> str:
        """``c``'s head and foot; with ``row``, its head alone in the heads row (a created one's too)."""
        lay = self.layout
        out = [f'<g class="participant" data-code="{xml_attr(c.code)}" data-kind="{c.kind}" '
               f'stroke-width="{width:g}">']
        self._head(out, c, lay.head_top + (lay.head_h - c.height) if row else c.top, False, stroke)
        if lay.foot_top is not None and not row:  # a destroyed participant keeps its foot, as PlantUML draws it
            self._head(out, c, lay.foot_top, True, stroke)
        out.append("</g>")
        return "".join(out)

    def _head(self, out: list, c: Column, top: float, foot: bool, stroke: str) -> None:
        cx, w, h = c.x, c.width, c.height
        fill = c.color or HEAD_FILL
        paint = f'fill="{fill}" stroke="{stroke}"'
        text_h = c.name.count * HEAD_LINE
        if c.kind in ICONS:
            icon_w, icon_h = ICONS[c.kind]
            icon_top = top + text_h + 4 if foot else top
            text_top = top if foot else top + icon_h + 4
            self._icon(out, c.kind, cx, icon_top, paint, stroke)
            _text(out, cx, text_top, c.name, anchor="middle", line_height=HEAD_LINE)
            return
        x = cx - w / 2
        if c.kind == "collections":
            out.append(f'<rect x="{_f(x + 4)}" y="{_f(top)}" width="{_f(w - 4)}" height="{_f(h - 4)}" {paint}/>')
            out.append(f'<rect x="{_f(x)}" y="{_f(top + 4)}" width="{_f(w - 4)}" height="{_f(h - 4)}" {paint}/>')
            _text(out, cx - 2, top + 4 + (h - 4 - text_h) / 2, c.name, anchor="middle", line_height=HEAD_LINE)
        elif c.kind == "queue":
            r = 6.0
            out.append(f'<path d="M{_f(x + r)},{_f(top)} H{_f(x + w - r)} A{r:g},{_f(h / 2)} 0 0 1 '
                       f'{_f(x + w - r)},{_f(top + h)} H{_f(x + r)} A{r:g},{_f(h / 2)} 0 0 1 {_f(x + r)},{_f(top)} Z" '
                       f'{paint}/>')
            out.append(f'<path d="M{_f(x + w - r)},{_f(top)} A{r:g},{_f(h / 2)} 0 0 0 {_f(x + w - r)},'
                       f'{_f(top + h)}" fill="none" stroke="{stroke}"/>')
            _text(out, cx - 3, top + (h - text_h) / 2, c.name, anchor="middle", line_height=HEAD_LINE)
        else:
            out.append(f'<rect x="{_f(x)}" y="{_f(top)}" width="{_f(w)}" height="{_f(h)}" rx="3" {paint}/>')
            _text(out, cx, top + (h - text_h) / 2, c.name, anchor="middle", line_height=HEAD_LINE)

    @staticmethod
    def _icon(out: list, kind: str, cx: float, top: float, paint: str, stroke: str) -> None:
        line = f'fill="none" stroke="{stroke}"'
        if kind == "actor":
            out.append(f'<circle cx="{_f(cx)}" cy="{_f(top + 7)}" r="6.5" {paint}/>')
            out.append(f'<path d="M{_f(cx)},{_f(top + 13.5)} v16 M{_f(cx - 12)},{_f(top + 19)} h24 '
                       f'M{_f(cx - 11)},{_f(top + 43)} L{_f(cx)},{_f(top + 29.5)} L{_f(cx + 11)},{_f(top + 43)}" '
                       f'{line} stroke-width="1.6"/>')
        elif kind == "boundary":
            out.append(f'<path d="M{_f(cx - 18)},{_f(top + 2)} v24 M{_f(cx - 18)},{_f(top + 14)} h12" {line} '
                       f'stroke-width="1.6"/>')
            out.append(f'<circle cx="{_f(cx + 6)}" cy="{_f(top + 14)}" r="12" {paint}/>')
        elif kind == "control":
            out.append(f'<circle cx="{_f(cx)}" cy="{_f(top + 17)}" r="12" {paint}/>')
            out.append(f'<path d="M{_f(cx + 4)},{_f(top + 1)} l-6,4 l6,4" {line} stroke-width="1.6"/>')
        elif kind == "entity":
            out.append(f'<circle cx="{_f(cx)}" cy="{_f(top + 14)}" r="12" {paint}/>')
            out.append(f'<path d="M{_f(cx - 13)},{_f(top + 28)} h26" {line} stroke-width="1.6"/>')
        elif kind == "database":
            out.append(f'<path d="M{_f(cx - 18)},{_f(top + 7)} A18,6 0 0 1 {_f(cx + 18)},{_f(top + 7)} V{_f(top + 37)} '
                       f'A18,6 0 0 1 {_f(cx - 18)},{_f(top + 37)} Z" {paint}/>')
            out.append(f'<path d="M{_f(cx - 18)},{_f(top + 7)} A18,6 0 0 0 {_f(cx + 18)},{_f(top + 7)} '
                       f'M{_f(cx - 18)},{_f(top + 12)} A18,6 0 0 0 {_f(cx + 18)},{_f(top + 12)}" {line}/>')

    # --- messages -----------------------------------------------------------------------------------

    def _arrow(self, a: Arrow, highlight: str | None) -> str:
        # An arrow's own colour (-[#blue]>) wins, as PlantUML draws it; else its phase's colour.
        color = highlight or a.color or phase_color(a.phase, self.phases, self.colors)
        width = "2.6" if highlight else "1.4"
        cls = "msg highlight" if highlight else "msg"
        out = [f'<g class="{cls}" data-step="{a.step}" data-phase="{xml_attr(a.phase or "")}" '
               f'data-line="{a.line}">']
        if highlight and a.label.count:
            out.append(f'<rect x="{_f(a.label_x - 3)}" y="{_f(a.label_y)}" width="{_f(a.label.width + 6)}" '
                       f'height="{_f(a.label.count * LINE + 2)}" rx="2" fill="{_tint(highlight, 0.88)}"/>')
        dash = ' stroke-dasharray="6,4"' if a.dotted else ""
        stroke = f'stroke="{color}" stroke-width="{width}"{dash}'
        y = a.y
        if a.loop_x != float("-inf"):
            out.append(f'<path d="M{_f(a.x1)},{_f(y)} H{_f(a.loop_x)} V{_f(a.y2)} H{_f(a.x2)}" fill="none" '
                       f'{stroke}/>')
            out.append(self._arrowhead(a.x2, a.y2, -1, a.head, color))
            if a.bidirectional:
                out.append(self._arrowhead(a.x1, y, -1, a.head, color))
        else:
            direction = 1 if a.x2 >= a.x1 else -1
            end = a.x2 - direction * (5 if a.head == "crossx" else 0)
            slope = (a.y2 - y) / abs(a.x2 - a.x1) if a.x2 != a.x1 else 0.0   # a slanted arrow: y2 below y
            out.append(f'<line x1="{_f(a.x1)}" y1="{_f(y)}" x2="{_f(end)}" y2="{_f(a.y2 - slope * abs(a.x2 - end))}" '
                       f'{stroke}/>')
            out.append(self._arrowhead(a.x2, a.y2, direction, a.head, color, slope))
            if a.bidirectional:
                out.append(self._arrowhead(a.x1, y, -direction, a.head, color, -slope))
        if a.label.count:
            _text(out, a.label_x, a.label_y, a.label, fill=highlight or INK)
        out.append("</g>")
        return "".join(out)

    @staticmethod
    def _arrowhead(x: float, y: float, direction: int, head: str, color: str, slope: float = 0.0) -> str:
        """The head at (x, y) of an arrow going ``direction`` (1: rightward) that falls ``slope`` px per px."""
        head_svg = _horizontal_head(x, y, direction, head, color)
        if not slope:
            return head_svg
        angle = math.degrees(math.atan(slope)) * direction   # turned about its tip, along the slanted line
        return f'<g transform="rotate({_f(angle)} {_f(x)} {_f(y)})">{head_svg}</g>'

    # --- title and extras ---------------------------------------------------------------------------

    def _top_layer(self) -> str:
        lay = self.layout
        out: list[str] = []
        centre = lay.min_x + self.width / 2
        if lay.title.count:
            _text(out, centre, lay.title_y, lay.title, anchor="middle", line_height=22,
                  extra=' class="diagram-title"')
        for kind, tb, y in lay.extras:
            if kind == "header":
                _text(out, lay.min_x + self.width - 8, y, tb, anchor="end", fill="#6B7280", line_height=13)
            elif kind == "legend":
                w = tb.width + 16
                h = tb.count * (tb.size + 3) + 8
                out.append(f'<rect class="legend" x="{_f(centre - w / 2)}" y="{_f(y)}" width="{_f(w)}" '
                           f'height="{_f(h)}" fill="#F7F7F2" stroke="{STROKE}"/>')
                _text(out, centre - w / 2 + 8, y + 4, tb, line_height=tb.size + 3)
            else:
                _text(out, centre, y, tb, anchor="middle", line_height=tb.size + 3,
                      fill="#6B7280" if kind == "footer" else INK)
        return "".join(out)
