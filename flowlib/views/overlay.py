"""Recolour chosen steps of a flowlib sequence SVG, fit views to the page, and lay two views side by side.

flowlib.views.svg draws every message as one ``<g class="msg" data-step="N" ...>`` group of plain shapes
with ``stroke``/``fill`` attributes. Rewriting those attributes inside the chosen groups recolours a
set of steps without touching the layout, and without a ``<style>`` element, whose rules would leak
to every other SVG on a notebook page.
"""

from __future__ import annotations

from flowlib.views.html import render
import re
from collections.abc import Iterable, Mapping

from flowlib.views.svgtext import safe_color

_GROUP = re.compile(r'<g class="msg" data-step="(\d+)"[^>]*>.*?</g>', re.DOTALL)
_PAINT = re.compile(r'\b(stroke|fill)="(#[0-9A-Fa-f]{3,8})"')
_TEXT = re.compile(r"<text\b(?![^>]*\bfill=)")


def color_steps(svg: str, colors: Mapping[int, str], faded: Iterable[int] = (), *, opacity: float = 0.3,
                dashed: Iterable[int] = ()) -> str:
    """``svg`` with the steps in ``colors`` drawn in their colour and the ``faded`` steps made pale.

    colors: step -> colour (``#hex`` or a CSS name; anything else is refused). faded: steps drawn at
    ``opacity``. dashed: steps whose arrow is drawn dashed (for "never happens").

    >>> svg = '<svg><g class="msg" data-step="2" data-phase=""><line stroke="#555555"/></g></svg>'
    >>> color_steps(svg, {2: "#D62728"})
    '<svg><g class="msg" data-step="2" data-phase="" opacity="1"><line stroke="#D62728"/></g></svg>'
    """
    checked = {}
    for step, color in colors.items():
        safe = safe_color(color)
        if safe is None:
            raise ValueError(f"not a colour: {color!r}")
        checked[int(step)] = safe
    faded = {int(s) for s in faded}
    dashed = {int(s) for s in dashed}

    def paint(match: re.Match) -> str:
        step = int(match.group(1))
        group = match.group(0)
        color = checked.get(step)
        if color is not None:
            group = _PAINT.sub(lambda m: f'{m.group(1)}="{color}"', group)
            group = _TEXT.sub(f'<text fill="{color}"', group)
        if step in dashed:
            group = re.sub(r"<line\b(?![^>]*stroke-dasharray)", '<line stroke-dasharray="3,3"', group)
        alpha = opacity if step in faded else 1
        head_end = group.index(">")
        return f'{group[:head_end]} opacity="{alpha:g}"{group[head_end:]}'

    return _GROUP.sub(paint, svg)


def legend_html(items: Iterable[tuple[str, str]]) -> str:
    """A one-line HTML legend: a coloured square and a name per item, escaped.

    >>> legend_html([("taken", "#2E7D32"), ("<b>", "red")]).count("&lt;b&gt;")
    1
    """
    return render("legend.html.j2", items=[(name, safe_color(color) or "#000000") for name, color in items])


def side_by_side_html(left: str, right: str, *, left_title: str, right_title: str, legend: str = "") -> str:
    """Two SVG (or HTML) views, each under its escaped title: side by side when both fit the page at a
    legible size, else one above the other. SVG views are fitted (:func:`figure_html`).

    >>> html = side_by_side_html("<p>one</p>", "<p>two</p>", left_title="Before", right_title="<After>")
    >>> "<p>two</p>" in html, "&lt;After&gt;" in html
    (True, True)
    """
    left, right = (figure_html(v) if v.lstrip().startswith("<svg") else v for v in (left, right))
    return render("side_by_side.html.j2", left=left, right=right, left_title=left_title, right_title=right_title,
                  legend=legend)


_ROOT = re.compile(r"<svg\b[^>]*>")
_SIZE = re.compile(r'\s(width|height)="([\d.]+)(px|pt)?"')
_VIEWBOX = re.compile(r'\sviewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)')
_FONT_SIZE = re.compile(r'\bfont-size="([\d.]+)(?:px)?"')
#: CSS pixels per point (Graphviz sizes its drawings in points).
PX_PER_PT = 4 / 3

#: Smallest label a fitted view may show, in CSS pixels at 100% zoom, and the size labels are drawn at.
SMALLEST_LABEL = 11.0
DRAWN_LABEL = 13.0
#: The room, in CSS pixels, an output has in JupyterLab on a 1366 px laptop with the file browser open
#: (934 px), less a frame's margins: what a view must fit, its labels still :data:`SMALLEST_LABEL` px.
PAGE_ROOM = 880.0


def fit_width(svg: str, *, smallest: float = SMALLEST_LABEL, drawn: float | None = None) -> str:
    """``svg`` made to follow the width of its container, never shrunk below labels of ``smallest`` px.

    The root's width becomes 100% with a ``min-width`` (labels drawn at ``drawn`` px, by default the
    smallest ``font-size`` in ``svg`` or 13, stay at least ``smallest`` px) and a ``max-width`` of its
    own width; the height follows the viewBox. A drawing wider than that minimum scrolls inside
    :func:`figure_html`'s frame: :func:`flowlib.views.svg.fitted` draws views narrow enough not to.
    A width in points (Graphviz's) counts as 4/3 px each; font sizes are read in the viewBox's units.

    >>> fit_width('<svg width="1300" height="200" viewBox="0 0 1300 200"><g/></svg>')
    '<svg width="100%" style="min-width:1100px;max-width:1300px;height:auto" viewBox="0 0 1300 200"><g/></svg>'
    >>> fit_width('<svg width="600pt" height="90pt" viewBox="0 0 600 90"><text font-size="11.00">a</text></svg>')[:68]
    '<svg width="100%" style="min-width:600px;max-width:800px;height:auto'
    """
    match = _ROOT.search(svg)
    sizes = _sizes(svg, drawn)
    if match is None or sizes is None:
        return svg
    root = match.group(0)
    width, drawn = sizes
    lowest = width * min(1.0, smallest / drawn)
    fitted = _SIZE.sub("", root)
    fitted = fitted.replace("<svg", f'<svg width="100%" style="min-width:{lowest:.0f}px;max-width:{width:.0f}px;height:auto"', 1)
    return svg[: match.start()] + fitted + svg[match.end() :]


def _sizes(svg: str, drawn: float | None = None) -> tuple[float, float] | None:
    """(the drawing's width, its smallest text), in CSS pixels at its own size; None without a width."""
    match = _ROOT.search(svg)
    if match is None:
        return None
    root = match.group(0)
    sizes = {name: (float(value), unit) for name, value, unit in _SIZE.findall(root)}
    if "width" not in sizes:
        return None
    width = sizes["width"][0] * (PX_PER_PT if sizes["width"][1] == "pt" else 1)
    if drawn is None:
        box = _VIEWBOX.search(root)
        per_unit = width / float(box.group(1)) if box and float(box.group(1)) else 1.0
        drawn = min([float(v) * per_unit for v in _FONT_SIZE.findall(svg)] or [DRAWN_LABEL])
    return width, drawn


def legible_width(svg: str, *, smallest: float = SMALLEST_LABEL) -> float:
    """The narrowest ``svg`` may be shown (px) with its smallest text still ``smallest`` px: the least
    room :func:`fit_width` needs to show it without a scrollbar.

    >>> legible_width('<svg width="600pt" height="90pt" viewBox="0 0 600 90"><text font-size="11">a</text></svg>')
    600.0
    """
    sizes = _sizes(svg)
    if sizes is None:
        return 0.0
    width, drawn = sizes
    return width * min(1.0, smallest / drawn)


def figure_html(svg: str, *, max_height: int | None = None) -> str:
    """A view in a frame as wide as the page: fitted by :func:`fit_width`, scrolling inside its frame
    only when even the smallest legible scale is too wide (or taller than ``max_height``).

    >>> figure_html('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"></svg>')[:34]
    '<div class="flowlib-figure" style='
    """
    return render("figure.html.j2", svg=fit_width(svg), max_height=max_height)


def figures_html(views) -> str:
    """Drawings one above the other, each fitted in its frame (:func:`figure_html`) under its escaped
    caption ("" for none): a view too wide for the page drawn as consecutive windows of its steps.

    >>> figures_html([('<svg width="10" height="5" viewBox="0 0 10 5"/>', "")]).count('class="flowlib-figure"')
    1
    """
    return render("figures.html.j2", figures=[(figure_html(svg), caption) for svg, caption in views])
