"""The course's phase colours: one per phase of the launch, passed to flowlib's views as ``colors=``.

>>> from launch_course.palette import PHASE_COLORS
>>> PHASE_COLORS["auth"]
'#E69F00'
"""

from __future__ import annotations

from flowlib.views.palette import BLUE, BLUISH_GREEN, GREY, ORANGE, REDDISH_PURPLE, SKY_BLUE, VERMILLION

#: The course's phases, in order, with their colours (colour-blind-friendly, from Okabe-Ito).
PHASE_COLORS: dict[str, str] = {
    "auth": ORANGE,
    "scheduling": SKY_BLUE,
    "image": BLUISH_GREEN,
    "network": BLUE,
    "volume": VERMILLION,
    "metadata": REDDISH_PURPLE,
    "status": GREY,
}
