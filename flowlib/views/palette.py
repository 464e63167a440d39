"""Colours shared by every view: one per phase, by the phase's position, unless the caller names them.

A diagram's phases take the colours of :data:`PHASE_PALETTE` in order of first appearance
(Okabe-Ito's colour-blind-safe colours first, then more). Every view that colours phases takes an
optional ``colors`` mapping (phase name -> colour) that overrides the palette, and looks colours up
through :func:`phase_color` only.
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
