"""Colours shared by every view: one per phase, by the phase's position, unless the caller names them.

A diagram's phases take the colours of :data:`PHASE_PALETTE` in order of first appearance
(Okabe-Ito's colour-blind-safe colours first, then more). Every view that colours phases takes an
optional ``colors`` mapping (phase name -> colour) that overrides the palette, and looks colours up
through :func:`phase_color` only.

Rule 1: the palette's colours are for fills and strokes. Text drawn in a phase (or status) colour goes
through :func:`text_color`, which darkens it, hue kept, until it reads on its background with at least
WCAG's 4.5:1 contrast; several of the colours (orange, sky blue, the greys) do not on white. The
background is :data:`SURFACE` unless told: the darkest a view's text sits on, so it reads on white too.
"""

from __future__ import annotations

from collections.abc import Mapping

# Okabe & Ito's colour-blind-safe colours (https://jfly.uni-koeln.de/color/), named for the constants below.
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
YELLOW = "#F0E442"
GREY = "#7F7F7F"

#: Phase colours by position: Okabe-Ito (yellow last: it reads poorly as a thin line on white), then
#: Tableau's, taken when a diagram has more phases.
PHASE_PALETTE: tuple[str, ...] = (
    ORANGE, SKY_BLUE, BLUISH_GREEN, BLUE, VERMILLION, REDDISH_PURPLE, YELLOW,
    "#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#EDC948", "#76B7B2", "#FF9DA7", "#9C755F",
)

#: Colour for messages outside any phase.
NO_PHASE = "#555555"

#: Colour that marks the highlighted step in every view.
HIGHLIGHT = "#D62728"


def phase_color(phase: str | None, phases: tuple[str, ...] = (), colors: Mapping[str, str] | None = None) -> str:
    """The colour of ``phase``: ``colors[phase]`` when given (names compared case-insensitively), else
    the palette's colour for its position in ``phases`` (a phase not in ``phases`` gets a stable one).

    >>> phase_color("login", ("login", "work"))
    '#E69F00'
    >>> phase_color("work", ("login", "work"))
    '#56B4E9'
    >>> phase_color("work", ("login", "work"), colors={"Work": "#000000"})
    '#000000'
    >>> phase_color(None)
    '#555555'
    """
    if phase is None:
        return NO_PHASE
    if colors:
        if phase in colors:
            return colors[phase]
        key = phase.strip().casefold()
        for name, color in colors.items():
            if name.strip().casefold() == key:
                return color
    index = phases.index(phase) if phase in phases else sum(map(ord, phase))
    return PHASE_PALETTE[index % len(PHASE_PALETTE)]


def colors_key(colors: Mapping[str, str] | None) -> tuple[tuple[str, str], ...] | None:
    """``colors`` as a hashable value, for the caches of views that depend on it.

    >>> colors_key({"b": "#111111", "a": "#222222"})
    (('a', '#222222'), ('b', '#111111'))
    >>> colors_key(None) is None
    True
    """
    return None if not colors else tuple(sorted(colors.items()))


#: WCAG 2's minimum contrast for normal text (level AA).
MIN_TEXT_CONTRAST = 4.5

#: The darkest background a view's text sits on: JupyterLab's and the course site's striped table rows
#: (JupyterLab's grey 100). A colour that reads on it reads on white as well.
SURFACE = "#F5F5F5"


def _rgb(color: str) -> tuple[int, int, int]:
    """``#RRGGBB`` or ``#RGB`` as three 0-255 integers."""
    value = color.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if len(value) != 6:
        raise ValueError(f"expected a colour written #RRGGBB or #RGB, not {color!r}")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def relative_luminance(color: str) -> float:
    """WCAG 2's relative luminance of ``color`` (#RRGGBB), from 0 (black) to 1 (white).

    >>> relative_luminance("#FFFFFF"), relative_luminance("#000000")
    (1.0, 0.0)
    """
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str = "#FFFFFF") -> float:
    """WCAG 2's contrast ratio of two colours, from 1 (same) to 21 (black on white).

    >>> round(contrast_ratio(ORANGE), 2)
    2.25
    """
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_color(color: str, background: str = SURFACE, minimum: float = MIN_TEXT_CONTRAST) -> str:
    """``color`` for text on ``background``: itself when it reads well enough, else darkened (its hue kept,
    mixed with black in small steps) to the first shade with at least ``minimum`` contrast.

    >>> text_color(ORANGE), text_color(BLUE)
    ('#966700', '#0072B2')
    >>> contrast_ratio(text_color(SKY_BLUE), SURFACE) >= 4.5
    True
    """
    if contrast_ratio(color, background) >= minimum:
        return color.upper() if color.startswith("#") else color
    r, g, b = _rgb(color)
    for step in range(1, 101):
        keep = 1 - step / 100
        shade = "#{:02X}{:02X}{:02X}".format(round(r * keep), round(g * keep), round(b * keep))
        if contrast_ratio(shade, background) >= minimum:
            return shade
    return "#000000"
