"""The colours PlantUML knows: its HTML names, hex forms, gradients and ``#?a:b`` schemes.

PlantUML 1.2026 refuses a colour it does not know ("No such color"); 1.2020 drew it white.

    >>> is_color("#LightBlue"), is_color("#ff0"), is_color("#Red-Blue"), is_color("#Light")
    (True, True, True, False)
"""

from __future__ import annotations

import re

# The HTML colour names (W3C), plus PlantUML's Archimate layer colours, in lower case.
NAMES = frozenset("""
aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown burlywood
cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan darkgoldenrod darkgray
darkgrey darkgreen darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen
darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue dimgray dimgrey dodgerblue
firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite gold goldenrod gray grey green greenyellow honeydew
hotpink indianred indigo ivory khaki lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan
lightgoldenrodyellow lightgray lightgrey lightgreen lightpink lightsalmon lightseagreen lightskyblue lightslategray
lightslategrey lightsteelblue lightyellow lime limegreen linen magenta maroon mediumaquamarine mediumblue
mediumorchid mediumpurple mediumseagreen mediumslateblue mediumspringgreen mediumturquoise mediumvioletred
midnightblue mintcream mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid
palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum powderblue purple red
rosybrown royalblue saddlebrown salmon sandybrown seagreen seashell sienna silver skyblue slateblue slategray
slategrey snow springgreen steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow
yellowgreen
business application motivation strategy technology physical implementation
automatic transparent
""".split())

_HEX = re.compile(r"[0-9a-fA-F]+")
_GRADIENT = re.compile(r"[-\\|/]")


def _single(name: str) -> bool:
    name = name.lower()
    if name in NAMES:
        return True
    return len(name) in (1, 3, 6, 8) and _HEX.fullmatch(name) is not None


def is_color(text: str) -> bool:
    """True when PlantUML accepts ``text`` (with or without its ``#``) as a colour.

    >>> is_color("#LightGreen"), is_color("#Light"), is_color("#Red-Blue")
    (True, False, True)
    """
    name = text[1:] if text.startswith("#") else text
    if name.startswith("?") and ":" in name:
        return all(_single(part) for part in name[1:].split(":"))
    m = _GRADIENT.search(name)
    if m is not None:
        i = m.start()
        return _single(name[:i].lstrip("#")) and _single(name[i + 1:].lstrip("#"))
    return _single(name)
