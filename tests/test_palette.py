"""Colours: phase hues stay for fills, and every colour used as text reads with at least 4.5:1 on white and on the
striped rows of a table (SURFACE, the darkest background a view's text sits on)."""

from __future__ import annotations

import re

import pytest

from flowlib import diff_flows, diff_view, impact_view, parse, what_if
from flowlib.views.diffview import KIND_COLORS
from flowlib.views.impact import STATUS_COLORS
from flowlib.views.palette import (
    HIGHLIGHT,
    MIN_TEXT_CONTRAST,
    NO_PHASE,
    PHASE_PALETTE,
    SURFACE,
    contrast_ratio,
    text_color,
)
from flowlib.widgets.player import frame_html
from launch_course.palette import PHASE_COLORS

COLOURS = {
    **{f"palette-{i}": c for i, c in enumerate(PHASE_PALETTE)},
    **{f"course-{name}": c for name, c in PHASE_COLORS.items()},
    **{f"status-{name}": c for name, c in STATUS_COLORS.items()},
    **{f"diff-{name}": c for name, c in KIND_COLORS.items()},
    "no-phase": NO_PHASE,
    "highlight": HIGHLIGHT,
}


@pytest.mark.parametrize("color", COLOURS.values(), ids=COLOURS.keys())
def test_text_color_reads_on_white_and_on_striped_rows_and_keeps_the_hue(color):
    shade = text_color(color)
    assert contrast_ratio(shade, "#FFFFFF") >= MIN_TEXT_CONTRAST
    assert contrast_ratio(shade, SURFACE) >= MIN_TEXT_CONTRAST
    if contrast_ratio(color, SURFACE) >= MIN_TEXT_CONTRAST:
        assert shade == color.upper()          # dark enough already: unchanged
    else:
        r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
        r2, g2, b2 = (int(shade[i:i + 2], 16) for i in (1, 3, 5))
        # darker, channels in the same proportions (same hue), within rounding
        assert r2 <= r and g2 <= g and b2 <= b
        top = max(r, g, b)
        k = max(r2, g2, b2) / top
        assert all(abs(c2 - c * k) <= 1 for c, c2 in ((r, r2), (g, g2), (b, b2)))


def test_the_issue_figures():
    assert round(contrast_ratio(PHASE_COLORS["auth"]), 2) == 2.25
    assert round(contrast_ratio(PHASE_COLORS["scheduling"]), 1) == 2.3
    assert contrast_ratio("#1F2328") > 15 and contrast_ratio("#FFFFFF") == 1


_TEXT_COLOR = re.compile(r"(?<![-\w])color:\s*(#[0-9A-Fa-f]{6})\b")

FLOW = parse("== login ==\nA -> B: hi\nB --> A: ok\n== work ==\nA -> C: go\nC --> A: done\n== end ==\nA -> B: bye")


def _text_colours(html: str) -> set[str]:
    return set(_TEXT_COLOR.findall(html))


def test_the_player_header_uses_readable_phase_colours():
    found = set()
    for step in (1, 3, 5):
        found |= _text_colours(frame_html(FLOW, step, colors=None))
        found |= _text_colours(frame_html(FLOW, step, colors={"login": "#E69F00", "work": "#56B4E9"}))
    assert found and all(contrast_ratio(c, SURFACE) >= MIN_TEXT_CONTRAST for c in found), found


def test_diff_and_what_if_views_use_readable_text_colours():
    newer = parse("== login ==\nA -> B: hi\nB --> A: ok\n== work ==\nA -> D: go\n== end ==\nA -> B: bye")
    html = diff_view(diff_flows(FLOW, newer))._repr_html_() + impact_view(what_if(FLOW, "C"))._repr_html_()
    found = _text_colours(html)
    assert found and all(contrast_ratio(c, SURFACE) >= MIN_TEXT_CONTRAST for c in found), found
