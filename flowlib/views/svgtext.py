"""Text for flowlib's SVGs: width estimates from font metrics, a small Creole reader, XML-safe strings.

Widths come from DejaVu Sans (regular and bold advance widths, in 1/1000 em, for U+0020..U+007E and
U+00A0..U+00FF), the font Linux browsers use for ``sans-serif`` and the widest of the usual sans fonts
(Verdana and Bitstream Vera share its metrics; Helvetica/Arial are narrower), so a label sized with it
fits whichever of them the reader's browser picks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

#: The font stack every flowlib SVG asks for; widths below are measured on its first member.
FONT_FAMILY = "DejaVu Sans, Verdana, Bitstream Vera Sans, Helvetica, Arial, sans-serif"
MONO_FAMILY = "DejaVu Sans Mono, Menlo, Consolas, monospace"


def _table(numbers: str) -> dict[str, int]:
    codes = [*range(0x20, 0x7F), *range(0xA0, 0x100)]
    return dict(zip(map(chr, codes), map(int, numbers.split()), strict=True))


# Advance widths read from /usr/share/fonts/truetype/dejavu/DejaVuSans{,-Bold}.ttf (hmtx via cmap).
_REGULAR = _table("""
318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636 636 636 636
636 337 337 838 838 838 531 1000 684 686 698 770 632 575 775 752 295 295 656 557 863 748 787 603 787
695 635 611 732 684 989 685 611 685 390 337 390 838 500 500 613 635 550 635 615 352 635 634 278 278
579 278 974 634 612 635 635 411 521 392 634 592 818 592 592 525 636 337 636 838 318 401 636 636 636
636 337 500 500 1000 471 612 838 361 1000 500 500 838 401 401 500 636 636 318 500 401 471 612 969
969 969 531 684 684 684 684 684 684 974 698 632 632 632 632 295 295 295 295 775 748 787 787 787 787
787 838 787 732 732 732 732 611 605 630 613 613 613 613 613 613 982 550 615 615 615 615 278 278 278
278 612 634 612 612 612 612 612 838 612 634 634 634 634 592 635 592
""")
_BOLD = _table("""
348 456 521 838 696 1002 872 306 457 457 523 838 380 415 380 365 696 696 696 696 696 696 696 696 696
696 400 400 838 838 838 580 1000 774 762 734 830 683 683 821 837 372 372 775 637 995 837 850 733 850
770 720 682 812 774 1103 771 724 725 457 365 457 838 500 500 675 716 593 716 678 435 716 712 343 343
665 343 1042 712 687 716 716 493 595 478 712 652 924 645 652 582 712 365 712 838 348 456 696 696 636
696 365 500 500 1000 564 646 838 415 1000 500 500 838 438 438 500 736 636 380 500 438 564 646 1035
1035 1035 580 774 774 774 774 774 774 1085 734 683 683 683 683 372 372 372 372 838 837 850 850 850
850 850 838 850 812 812 812 812 724 738 719 675 675 675 675 675 675 1048 593 678 678 678 678 343 343
343 343 687 712 687 687 687 687 687 838 687 712 712 712 712 652 716 652
""")
_MONO = 602  # every DejaVu Sans Mono glyph


@lru_cache(maxsize=4096)
def _other(char: str) -> int:
    """Width of a character outside the tables: full-width East Asian glyphs are 1 em, marks are 0."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 1000 if unicodedata.east_asian_width(char) in ("W", "F") else 640


def text_width(text: str, size: float, bold: bool = False, mono: bool = False) -> float:
    """Estimated width in pixels of ``text`` set in ``size``-pixel DejaVu Sans.

    >>> round(text_width("Server", 13))
    43
    """
    if mono:
        return len(text) * _MONO * size / 1000
    table = _BOLD if bold else _REGULAR
    get = table.get
    total = 0
    for char in text:
        width = get(char)
        total += _other(char) if width is None else width
    return total * size / 1000


# Characters XML 1.0 forbids (C0 controls but tab/newline/CR, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` escaped for element content, with characters XML cannot hold dropped.

    >>> xml_text("a < b & c")
    'a &lt; b &amp; c'
    """
    return escape(_NOT_XML.sub("", text))


def xml_attr(text: str) -> str:
    """``text`` escaped for a double-quoted attribute value.

    >>> xml_attr('say "hi"')
    'say &quot;hi&quot;'
    """
    return escape(_NOT_XML.sub("", text), {'"': "&quot;", "\n": "&#10;", "\t": "&#9;", "\r": "&#13;"})


# ---------------------------------------------------------------------------------------------------
# Colours: PlantUML writes #hex or HTML names; anything else is ignored rather than passed through.

_CSS_NAMES = frozenset("""
aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown
burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan
darkgoldenrod darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid
darkred darksalmon darkseagreen darkslateblue darkslategray darkslategrey darkturquoise darkviolet
deeppink deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro
ghostwhite gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki
lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan lightgoldenrodyellow
lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen lightskyblue lightslategray
lightslategrey lightsteelblue lightyellow lime limegreen linen magenta maroon mediumaquamarine
mediumblue mediumorchid mediumpurple mediumseagreen mediumslateblue mediumspringgreen
mediumturquoise mediumvioletred midnightblue mintcream mistyrose moccasin navajowhite navy oldlace
olive olivedrab orange orangered orchid palegoldenrod palegreen paleturquoise palevioletred
papayawhip peachpuff peru pink plum powderblue purple rebeccapurple red rosybrown royalblue
saddlebrown salmon sandybrown seagreen seashell sienna silver skyblue slateblue slategray slategrey
snow springgreen steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow
yellowgreen
""".split())
_HEX = re.compile(r"[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8}")


# Text colours too pale to read on flowlib's light fills (a note's own fill is not kept in the model).
_PALE = frozenset("""
white snow ivory ghostwhite whitesmoke seashell mintcream azure aliceblue floralwhite honeydew
lavenderblush linen oldlace cornsilk beige lightyellow lemonchiffon lightcyan papayawhip
""".split())


def text_color(value: str | None) -> str | None:
    """A text colour that stays readable on a light background: pale colours become None (default ink).

    >>> text_color("#LightYellow") is None, text_color("red")
    (True, 'red')
    """
    color = safe_color(value)
    if color is None or color in _PALE:
        return None
    if color.startswith("#"):
        digits = color[1:7] if len(color) > 4 else "".join(c * 2 for c in color[1:4])
        r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
        if 0.2126 * r + 0.7152 * g + 0.0722 * b > 225:
            return None
    return color


def safe_color(value: str | None) -> str | None:
    """A PlantUML colour (``#LightBlue``, ``#ff0000``, ``red``, ``#red/blue``) as an SVG colour, or None.

    >>> safe_color("#ff0000"), safe_color("red"), safe_color("url(x)")
    ('#FF0000', 'red', None)
    """
    if not value:
        return None
    value = re.split(r"[/|\\-]", value.strip().lstrip("#"), maxsplit=1)[0]
    if _HEX.fullmatch(value):
        return "#" + value.upper()
    name = value.lower()
    return name if name in _CSS_NAMES else None


# ---------------------------------------------------------------------------------------------------
# Creole: PlantUML renders **bold**, //italic//, ""mono"", __underline__, --strike--, <b>, <i>, <u>,
# <s>, <color:x>, <size:n>, [[url label]]. Anything else, <script> or <img ...> included, is text.


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of one text line in one style."""

    text: str
    bold: bool = False
    italic: bool = False
    mono: bool = False
    underline: bool = False
    strike: bool = False
    color: str | None = None
    size: float | None = None
    placeholder: bool = False  # stands for what flowlib cannot draw (a LaTeX formula, a sprite)


_TOKEN = re.compile(
    r"""
      ~(?P<escaped>.)                                   # ~x: x literally
    | (?P<pair>\*\*|//|""|__|--|~~)                     # symmetric Creole markers
    | <(?P<close>/)?(?P<tag>b|i|u|s|strike|del|w|color|size|back|font|sub|sup)
        (?:[:\s=](?P<arg>[^<>]*))?>                     # HTML-like tags PlantUML knows
    | \[\[(?P<link>[^\]]*)\]\]                          # [[url label]] or [[url{tip} label]]
    | <&(?P<icon>[\w-]+)>                               # OpenIconic icon: dropped
    | <latex>(?P<latex>.*?)</latex>                     # a LaTeX formula: a placeholder
    | <math>(?P<math>.*?)</math>                        # an AsciiMath formula: a placeholder
    | <\$(?P<sprite>[\w.-]+)(?:[{,][^>]*)?>              # a sprite: a placeholder with its name
    """,
    re.VERBOSE | re.IGNORECASE,
)
_PAIR_FLAG = {"**": "bold", "//": "italic", '""': "mono", "__": "underline", "--": "strike", "~~": "underline"}
_TAG_FLAG = {"b": "bold", "i": "italic", "u": "underline", "s": "strike", "strike": "strike",
             "del": "strike", "w": "underline"}


@lru_cache(maxsize=8192)
def runs(line: str) -> tuple[Run, ...]:
    """The styled runs of one label line (no newlines in ``line``).

    >>> [(r.text, r.bold) for r in runs("a **bold** word")]
    [('a ', False), ('bold', True), (' word', False)]
    """
    line = line.replace("\t", "    ")
    if line.startswith("\\ "):
        line = line[2:]  # "\ " after a line break only keeps the line's leading space, which PlantUML drops
    if not any(c in line for c in "*/\"_-~<["):
        return (Run(line),)
    style: dict = {}
    stack: dict[str, list] = {"color": [], "size": []}
    out: list[Run] = []
    buf: list[str] = []

    def flush():
        if buf:
            out.append(Run("".join(buf), **style))
            buf.clear()

    pos = 0
    for match in _TOKEN.finditer(line):
        buf.append(line[pos:match.start()])
        pos = match.end()
        if match.group("escaped") is not None:
            buf.append(match.group("escaped"))
        elif match.group("pair") is not None:
            marker = match.group("pair")
            flag = _PAIR_FLAG[marker]
            opening = not style.get(flag)
            # An opener counts only when closed later on the line around some text ("****" is four
            # asterisks, as PlantUML draws it), and "://" is a URL, not italics.
            if opening and (line.find(marker, pos) <= pos
                            or (marker == "//" and line[:match.start()].endswith(":"))):
                buf.append(marker)
                continue
            flush()
            style[flag] = opening
            if not opening:
                del style[flag]
        elif match.group("tag") is not None:
            tag = match.group("tag").lower()
            closing = bool(match.group("close"))
            flush()
            if tag in _TAG_FLAG:
                if closing:
                    style.pop(_TAG_FLAG[tag], None)
                else:
                    style[_TAG_FLAG[tag]] = True
            elif tag in ("color", "size"):
                values = stack[tag]
                if closing:
                    if values:
                        values.pop()
                else:
                    arg = (match.group("arg") or "").strip()
                    if tag == "color":
                        values.append(text_color(arg))
                    else:
                        values.append(min(max(float(arg), 6.0), 40.0) if re.fullmatch(r"\d+(\.\d+)?", arg) else None)
                current = next((v for v in reversed(values) if v is not None), None)
                if current is None:
                    style.pop(tag, None)
                else:
                    style[tag] = current
            # back, font, sub, sup: styling dropped, the text kept.
        elif match.group("link") is not None:
            target, _, label = match.group("link").partition(" ")
            target = re.sub(r"\{[^}]*\}", "", target)
            buf.append(label.strip() or target)
        elif match.group("sprite") is not None:
            flush()
            out.append(Run(f"\u2039{match.group('sprite')}\u203a", italic=True, placeholder=True))
        elif match.group("latex") is not None or match.group("math") is not None:
            flush()
            formula = match.group("latex") if match.group("latex") is not None else match.group("math")
            out.append(Run(" ".join(formula.split()) or "formula", italic=True, placeholder=True))
        # An icon (<&name>) is dropped: flowlib ships no icon font.
    buf.append(line[pos:])
    flush()
    return tuple(r for r in out if r.text) or (Run(""),)


def run_width(run: Run, size: float) -> float:
    """Width of one run at the surrounding ``size``.

    >>> round(run_width(runs("Server")[0], 13))
    43
    """
    return text_width(run.text, run.size or size, run.bold, run.mono)


@dataclass(frozen=True, slots=True)
class TextBlock:
    """Lines of styled runs with their widths: what every label, name and note becomes."""

    lines: tuple[tuple[Run, ...], ...]
    widths: tuple[float, ...]
    size: float

    @property
    def width(self) -> float:
        return max(self.widths, default=0.0)

    @property
    def count(self) -> int:
        return len(self.lines)


_BLOCK_LINE = re.compile(r"^\s*(?:-{4,}|={4,}|\.{4,}|_{4,})\s*$")


@lru_cache(maxsize=16384)
def block(text: str, size: float, bold: bool = False, note: bool = False) -> TextBlock:
    """``text`` (lines joined with "\\n") read as Creole and measured at ``size``; empty text has no lines.

    In notes, ``----``-style lines become blank rules, ``* item`` a bullet and ``|a|b|`` table cells.

    >>> len(block("first\\nsecond", 13).lines)
    2
    """
    if text == "":
        return TextBlock((), (), size)
    lines = []
    for raw in text.split("\n"):
        if note:
            if _BLOCK_LINE.match(raw):
                raw = ""
            elif re.match(r"^\s*\*+\s", raw):
                raw = "\u2022 " + raw.lstrip().lstrip("*").lstrip()
            elif raw.strip().startswith("|") and raw.strip().endswith("|"):
                cells = raw.strip()[1:-1].split("|")
                raw = "   ".join(f"**{c[1:].strip()}**" if c.startswith("=") else c.strip() for c in cells)
        parsed = runs(raw)
        if bold:
            parsed = tuple(Run(r.text, True, r.italic, r.mono, r.underline, r.strike, r.color, r.size, r.placeholder)
                           for r in parsed)
        lines.append(parsed)
    widths = tuple(sum(run_width(r, size) for r in line) for line in lines)
    return TextBlock(tuple(lines), widths, size)


def plain(text: str) -> str:
    """``text`` with Creole markup removed, for titles, aria labels and the text alternative.

    >>> plain("a **bold** //word//")
    'a bold word'
    """
    return "\n".join("".join(r.text for r in runs(line)) for line in text.split("\n"))


def wrap(tb: TextBlock, width: float | None) -> TextBlock:
    """``tb`` with every line longer than ``width`` pixels broken at spaces (never inside a word), keeping
    each run's style; ``None`` keeps it as it is.

    >>> b = wrap(block("Alice asks the server for candidates", 13), 120)
    >>> [("".join(r.text for r in line)) for line in b.lines]
    ['Alice asks the', 'server for', 'candidates']
    >>> max(b.widths) <= 120
    True
    """
    if width is None or tb.width <= width:
        return tb
    lines: list[tuple[Run, ...]] = []
    for line, line_width in zip(tb.lines, tb.widths):
        if line_width <= width:
            lines.append(line)
            continue
        # Words with their style: a word may span runs ("**3** hi" is one run per style).
        words: list[list[Run]] = [[]]
        for run in line:
            for i, piece in enumerate(re.split(r"( +)", run.text)):
                if not piece:
                    continue
                if piece.startswith(" "):
                    words.append([])
                    continue
                words[-1].append(_restyle(run, piece))
        current: list[Run] = []
        used = 0.0
        for word in (w for w in words if w):
            w = sum(run_width(r, tb.size) for r in word)
            space = run_width(Run(" "), tb.size) if current else 0.0
            if current and used + space + w > width:
                lines.append(tuple(current))
                current, used, space = [], 0.0, 0.0
            if current:
                current.append(_restyle(word[0], " "))
            current.extend(word)
            used += space + w
        lines.append(tuple(current))
    return TextBlock(tuple(lines), tuple(sum(run_width(r, tb.size) for r in line) for line in lines), tb.size)


def _restyle(run: Run, text: str) -> Run:
    return Run(text, run.bold, run.italic, run.mono, run.underline, run.strike, run.color, run.size, run.placeholder)
