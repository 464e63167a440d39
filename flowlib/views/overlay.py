"""Recolour chosen steps of a flowlib sequence SVG, and lay two views side by side as HTML.

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
    """A one-line HTML legend: a coloured square and a name per item, escaped."""
    return render("legend.html.j2", items=[(name, safe_color(color) or "#000000") for name, color in items])


def side_by_side_html(left: str, right: str, *, left_title: str, right_title: str, legend: str = "") -> str:
    """Two SVG (or HTML) views in two scrolling columns, each under its escaped title."""
    return render("side_by_side.html.j2", left=left, right=right, left_title=left_title, right_title=right_title,
                  legend=legend)
