"""One colour per phase, shared by every view and table style."""

from __future__ import annotations

#: The course's phases, in order, with their colours (colour-blind-friendly, from Okabe-Ito).
PHASE_COLORS: dict[str, str] = {
    "auth": "#E69F00",
    "scheduling": "#56B4E9",
    "image": "#009E73",
    "network": "#0072B2",
    "volume": "#D55E00",
    "metadata": "#CC79A7",
    "status": "#7F7F7F",
}

#: Colours for phases of other diagrams, taken in order of first appearance.
_EXTRA = ("#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#EDC948", "#76B7B2", "#FF9DA7", "#9C755F")

#: Colour for messages outside any phase.
NO_PHASE = "#555555"

#: Colour that marks the highlighted step in every view.
HIGHLIGHT = "#D62728"


def phase_color(phase: str | None, phases: tuple[str, ...] = ()) -> str:
    """The colour of ``phase``: the course colour for a known phase name, else one by position in ``phases``.

    >>> phase_color("auth")
    '#E69F00'
    """
    if phase is None:
        return NO_PHASE
    key = phase.strip().lower()
    if key in PHASE_COLORS:
        return PHASE_COLORS[key]
    others = [p for p in phases if p.strip().lower() not in PHASE_COLORS]
    index = others.index(phase) if phase in others else sum(map(ord, phase))
    return _EXTRA[index % len(_EXTRA)]
