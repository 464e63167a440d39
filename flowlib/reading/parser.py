"""Parse PlantUML sequence-diagram text into the frozen model of :mod:`flowlib.model`, as PlantUML does.

Rule 1: the parser is a table of line commands (a pattern and the action it triggers), tried in
PlantUML's own order; the first whose pattern matches the whole (trimmed) line wins. The one mutable
object is the :class:`_Builder` passed to every action; the module holds no mutable state.

Rule 2: PlantUML 1.2020.02 is the reference, also for what it refuses. ``shared/tools/puml-oracle``
prints its parse of any file; the corpus tests compare the two.

    >>> d = parse("@startuml\\nA -> B: hello\\n@enduml\\n")
    >>> d.messages[0].source, d.messages[0].target, d.messages[0].label
    ('A', 'B', 'hello')
"""

from __future__ import annotations

import dataclasses
import gc
import re
from typing import Callable, NamedTuple

from flowlib.errors import DiagramError
from flowlib.reading.escaping import unescape as _display  # PlantUML's Display.getWithNewlines
from flowlib.model import (
    Delay,
    Diagram,
    Divider,
    Group,
    GroupElse,
    GroupEnd,
    GroupStart,
    LifeEvent,
    Message,
    NewPage,
    Note,
    Participant,
    Reference,
    Spacer,
)

__all__ = ["parse", "parse_file", "parse_lenient", "KIND_PHRASES"]

# ---------------------------------------------------------------------------------------------
# Regex building blocks, in PlantUML's vocabulary (%s blank, %g a double quote).

_G = "\"\u201c\u201d\u00ab\u00bb"          # the quote characters PlantUML accepts (%g)
# One quote character, and one character that is not a quote, as regex pieces. Not written as the
# classes [%g] and [^%g]: a class mixing characters below and above U+00FF compiles into a 64K-entry
# table (about 0.2 ms each, and the line patterns hold dozens, compiled on a diagram's first parse);
# split in two small classes they match the same characters. (?>...) only keeps re from merging the
# two classes back into one.
_QUOTE = "(?:[\"\u00ab\u00bb]|(?>[\u201c\u201d]))"
_NOT_QUOTE = "(?:(?![\u201c\u201d])[^\"\u00ab\u00bb])"
_CODE = r"[\w.@]+"                          # an unquoted name: letters, digits, _ . @
_QUOTED = rf"{_QUOTE}{_NOT_QUOTE}+{_QUOTE}"          # a quoted name: any text but quotes
_NAME = rf"(?:{_CODE}|{_QUOTED})"
_URL = r"\[\[[^\[\]]*?(?:\[[^\]]*\][^\[\]]*?)*\]\]"  # [[link]] or [[link{tooltip} label]]
_COLOR = r"\#\w+(?:[-\\|/]\w+)?"            # #Red, #Red-Blue (gradient)
_STEREO = r"<<.*>>"
_F = re.IGNORECASE | re.VERBOSE


class _Pattern:
    """A line pattern (verbose, case-insensitive, anchored at the line's start), compiled on first use.

    Most diagrams use a handful of the table's commands; compiling the rest would cost more than
    parsing a large diagram. The compiled regex is a cache: it never changes what a parse returns.
    """

    __slots__ = ("source", "_compiled")

    def __init__(self, source: str):
        self.source = source
        self._compiled = None

    def match(self, text: str):
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self.source, _F)
        return compiled.match(text)


def _rx(pattern: str) -> _Pattern:
    """A line pattern, matched against the whole trimmed line (each pattern ends with ``$``)."""
    return _Pattern(pattern)


def _part(prefix: str) -> str:
    """One end of an arrow: ``A``, ``"Long"``, ``"Long" as A`` or ``A as "Long"`` (PlantUML's order)."""
    return rf"""(?:
        (?P<{prefix}code>{_CODE})
      | {_QUOTE}(?P<{prefix}long>{_NOT_QUOTE}+){_QUOTE}
      | {_QUOTE}(?P<{prefix}lcl>{_NOT_QUOTE}+){_QUOTE} \s* as \s+ (?P<{prefix}lcc>{_CODE})
      | (?P<{prefix}clc>{_CODE}) \s+ as \s* {_QUOTE}(?P<{prefix}cll>{_NOT_QUOTE}+){_QUOTE}
    )"""


_STYLE = r"(?:\[(?:\#\w+|dotted|dashed|plain|bold|hidden|norank|single|thickness=\d+)" \
         r"(?:,\#\w+|,dotted|,dashed|,plain|,bold|,hidden|,norank|,single|,thickness=\d+)*\])"

_ARROW = _rx(rf"""
    (?P<parallel>&\s*)?                         # teoz: same height as the previous message
    (?:\{{\w+\}}\s+)?                           # {{anchor}}
    {_part("a")}
    (?:\{{\w+\}}\s+)?
    \s*
    (?P<d1>\s[ox]|(?:\s[ox])?<<?|(?:\s[ox])?//?|(?:\s[ox])?\\\\?)?   # head on the left: < << / \\ o x
    (?:
        (?P<ba1>-+)(?P<st1>{_STYLE})?(?P<bb1>-*)                     # body, with an optional [#red]
      | (?P<ba2>-*)(?P<st2>{_STYLE})?(?P<bb2>-+)
    )
    (?P<d2>>>?(?:[ox]\s)?|//?(?:[ox]\s)?|\\\\?(?:[ox]\s)?|[ox]\s)?   # head on the right
    \s*
    {_part("b")}
    (?:\{{\w+\}}\s+)?
    \s*
    (?P<act>[-+*!]+)?                           # ++ -- ** !! lifeline changes
    \s*
    (?P<lifecolor>\#\w+)?
    \s*
    (?P<url>{_URL})?
    \s*
    (?::\s*(?P<label>.*))?
    $""")

# Words that start commands PlantUML tries before arrows: a line starting with one skips the fast path.
_EARLY_WORDS = frozenset("""title caption header footer left right center legend skinparam skinparamlocked
    sprite hide show skin scale autonewpage ignore mainframe url footbox""".split())

# Fast path for the overwhelmingly common ``A -> B : label`` (no dressing beyond > or >>).
_SIMPLE_ARROW = re.compile(r"""(\w+|"[^"]+")\s*(--?)(>>?)\s*(\w+|"[^"]+")\s*(\+\+|--)?\s*(?::\s*(.*))?""", re.ASCII)

_EXO_LEFT = _rx(rf"""
    (?P<parallel>&\s*)?
    (?P<short>[?\[\]][ox]?)?                    # [ ] or ? : the diagram's edge (none: the left one)
    (?:
        (?P<both><<?|//?|\\\\?)?(?P<ba1>-+)(?P<st1>{_STYLE})?(?P<bb1>-*)(?P<d1>>>?|//?|\\\\?)
      | (?P<d2><<?|//?|\\\\?)(?P<bb2>-*)(?P<st2>{_STYLE})?(?P<ba2>-+)
    )
    (?P<supp>[ox]\s+)?
    \s*
    (?P<part>{_NAME})
    \s*
    (?P<act>[-+*!]+)?
    \s*
    (?P<lifecolor>\#\w+)?
    \s*
    (?P<url>{_URL})?
    \s*
    (?::\s*(?P<label>.*))?
    $""")

_EXO_RIGHT = _rx(rf"""
    (?P<parallel>&\s*)?
    (?P<part>{_NAME})
    (?P<supp>\s+[ox])?
    \s*
    (?:
        (?P<both><<?|//?|\\\\?)?(?P<ba1>-+)(?P<st1>{_STYLE})?(?P<bb1>-*)(?P<d1>>>?|//?|\\\\?)
      | (?P<d2><<?|//?|\\\\?)(?P<bb2>-*)(?P<st2>{_STYLE})?(?P<ba2>-+)
    )
    (?P<short>[ox]?[?\]\[])?                    # missing: "A -> : text" goes to the right edge
    \s*
    (?P<act>[-+*!]+)?
    \s*
    (?P<lifecolor>\#\w+)?
    \s*
    (?P<url>{_URL})?
    \s*
    (?::\s*(?P<label>.*))?
    $""")

_KIND_RX = r"participant|actor|create|boundary|control|entity|queue|database|collections"
_DECL_TAIL = rf"""
    \s*(?P<stereo>{_STEREO})?
    \s*(?:order\s+(?P<order>-?\d{{1,7}}))?
    \s*(?P<url>{_URL})?
    \s*(?P<color>{_COLOR})?
    $"""
_DECL_HEAD = rf"(?:(?P<create>create)\s+(?=(?:{_KIND_RX})\s))?(?P<kind>{_KIND_RX})\s+"

# participant "Long" as L   |   participant L
_DECL_A = _rx(_DECL_HEAD + rf"(?:{_QUOTE}(?P<full>{_NOT_QUOTE}+){_QUOTE}\s+as\s+)?(?P<code>{_CODE})" + _DECL_TAIL)
# participant L as "Long"
_DECL_A2 = _rx(_DECL_HEAD + rf"(?P<code>{_CODE})\s+as\s+{_QUOTE}(?P<full>{_NOT_QUOTE}+){_QUOTE}" + _DECL_TAIL)
# participant Long as L
_DECL_A3 = _rx(_DECL_HEAD + rf"(?P<full>{_CODE})\s+as\s+(?P<code>{_CODE})" + _DECL_TAIL)
# participant "Long"
_DECL_A4 = _rx(_DECL_HEAD + rf"{_QUOTE}(?P<code>{_NOT_QUOTE}+){_QUOTE}" + _DECL_TAIL)

_ACTIVATE = _rx(rf"""
    (?P<action>activate|deactivate|destroy|create)
    \s+(?P<who>{_NAME})
    \s*(?P<back>\#\w+)?
    \s*(?P<line>\#\w+)?
    $""")
_DEACTIVATE_SHORT = _rx(r"deactivate\s*$")
_ACTIVATE2 = _rx(rf"(?P<who>{_CODE})\s*(?P<action>\+\+|--)\s*(?P<color>\#\w+)?$")   # A ++ / A --

_NOTE_HEAD = rf"""
    (?P<parallel>&\s*)?
    (?P<vmerge>/)?\s*
    (?P<style>note|hnote|rnote)\s*
    (?P<stereo><<.*>>)?\s*"""
_NOTE = _rx(_NOTE_HEAD + rf"""
    (?P<position>right|left|over)\s+
    (?:of\s+)?(?P<who>{_NAME})\s*
    (?P<color>{_COLOR})?\s*
    (?P<url>{_URL})?\s*
    :\s*(?P<text>.*)
    $""")
_NOTE_SEVERAL = _rx(_NOTE_HEAD + rf"""
    over\s+(?P<p1>{_NAME})\s*,\s*(?P<p2>{_NAME})\s*
    (?P<color>{_COLOR})?\s*
    (?P<url>{_URL})?\s*
    :\s*(?P<text>.*)
    $""")
_NOTE_ACROSS = _rx(r"""
    (?P<vmerge>/)?\s*
    (?P<style>note|hnote|rnote)\s*
    (?P<stereo><<.*>>)?\s*
    (?:across|accross)\s*
    (?P<color>\#\w+(?:[-\\|/]\w+)?)?\s*
    :\s*(?P<text>.*)
    $""")
_NOTE_ON_ARROW = _rx(rf"""
    (?P<style>note|hnote|rnote)\s*
    (?P<stereo><<.*>>)?\s+
    (?P<position>right|left|bottom|top)\s*
    (?P<color>{_COLOR})?\s*
    (?P<url>{_URL})?\s*
    :\s*(?P<text>.*)
    $""")
_END_NOTE = _rx(r"end\s?(?:note|hnote|rnote)$")

_BOX_START = _rx(rf"""
    box
    (?:\s+{_QUOTE}(?P<name1>{_NOT_QUOTE}+){_QUOTE}|\s+(?P<name2>[^\#]+))?
    \s*(?P<stereo><<.*>>)?
    \s*(?P<color>{_COLOR})?
    $""")
_BOX_END = _rx(r"end\s?box$")

_GROUP = _rx(r"""
    (?P<parallel>&\s*)?
    (?P<type>opt|alt|loop|par|par2|break|critical|else|end|also|group)
    (?P<colors>(?<!else)(?<!also)(?<!end)\#\w+)?(?:\s+\#\w+)?
    (?:\s+(?P<comment>.*?))?
    $""")
_GROUP_TITLE = re.compile(r"(.*?)\[(.*)\]$")

_RETURN = _rx(r"(?P<parallel>&\s*)?return(?:\s+\#\w+)?\s*(?P<label>.*)$")
_NEWPAGE = _rx(r"@?newpage(?:(?:\s*:\s*|\s+)(?P<title>.*[\w.].*))?$")
_DIVIDER = _rx(r"==\s*(?P<text>.*)==$")
_SPACER = _rx(r"(?:\|\|(?P<size>\d+)\|\||\|{3,})$")
_DELAY = _rx(r"(?:\.\.\.|\u2026)(?:(?P<text>.*)(?:\.\.\.|\u2026))?$")
_REF = _rx(rf"""
    ref(?:\#\w+)?\s+over\s+
    (?P<parts>{_NAME}(?:\s*,\s*{_NAME})*)\s*
    :\s*(?P<text>.*)
    $""")
_REF_MULTI = _rx(rf"ref(?:\#\w+)?\s+over\s+(?P<parts>{_NAME}(?:\s*,\s*{_NAME})*)\s*(?:\#\w+)?$")
_END_REF = _rx(r"end\s?(?:ref)?$")
_NAME_IN_LIST = re.compile(_NAME)

_AUTONUMBER = _rx(rf"""
    autonumber
    (?:\s+(?P<start>\d(?:(?:[^\w\s]+|\d+)*\d)?))?
    (?:\s+(?P<step>\d+))?
    (?:\s+{_QUOTE}(?P<format>{_NOT_QUOTE}+){_QUOTE})?
    \s*$""")
_AUTONUMBER_STOP = _rx(r"autonumber\s+stop\s*$")
_AUTONUMBER_RESUME = _rx(rf"autonumber\s+resume(?:\s+(?P<step>\d+))?(?:\s+{_QUOTE}(?P<format>{_NOT_QUOTE}+){_QUOTE})?\s*$")
_AUTONUMBER_INC = _rx(r"autonumber\s+inc\s*(?P<level>[a-z])\s*$")
_AUTOACTIVATE = _rx(r"autoactivate\s+(?P<on>on|off)\s*$")

# Lines PlantUML accepts and we keep nothing of (styling, layout, paging).
_IGNORED = _rx(r"""
    (?: (?:hide|show)\s+footbox
      | footbox\s+(?:on|off)
      | (?:hide|show)\s+                                  # hide circle, show <<x>> methods, hide empty members
          (?:(?:[\w.]+|<<.*>>)\s+)*?(?:empty\s+)?
          (?:members?|attributes?|fields?|methods?|circles?|circled?|stereotypes?|description)
      | skin\s+[\w.]+
      | skinparam(?:locked)?\s+[\w.]*(?:<<.*>>)?[\w.]*\s+[^{}]*
      | scale\s+.+
      | autonewpage\s+\d+
      | mainframe\s+.+
      | url\s+(?:of|for)\s+.+
      | \{\w+\}\s*<->\s*\{\w+\}.*
      | allow_?mixing
    )$""")

_IGNORE_NEWPAGE = _rx(r"ignore\s+newpage$")
_HIDE_UNLINKED = _rx(r"(?P<verb>hide|show)\s+unlinked$")

_TITLE = _rx(r"title(?:\s*:\s*|\s+)(?P<text>.*[\w.].*)$")
_TITLE_MULTI = _rx(r"title$")
_CAPTION = _rx(r"caption(?:\s*:\s*|\s+)(?P<text>.*)$")
_CAPTION_MULTI = _rx(r"caption$")
_HEADER = _rx(r"(?:(?:left|right|center)\s*)?(?P<which>header|footer)(?:\s*:\s*|\s+)(?P<text>.*)$")
_HEADER_MULTI = _rx(r"(?:(?:left|right|center)\s*)?(?P<which>header|footer)$")
_LEGEND = _rx(r"legend(?:\s+(?:top|bottom))?(?:\s+(?:left|right|center))?$")
_SKINPARAM_BLOCK = _rx(r"skinparam(?:locked)?\s*(?:\s+[\w.]*(?:<<.*>>)?[\w.]*)?\s*\{$")
_SPRITE_BLOCK = _rx(r"sprite\s+\$?[\w.]+\s*(?:\[[^\]]*\])?\s*\{$")
_SPRITE_LINE = _rx(r"sprite\s+\$?[\w.]+\s*(?:\[[^\]]*\])?\s+\S.*$")
_STYLE_BLOCK = _rx(r"<style>$")

# ---------------------------------------------------------------------------------------------
# Other kinds of diagram: phrases used in the refusal message, keyed by PlantUML's diagram type.

KIND_PHRASES = {
    "class": "a class diagram",
    "state": "a state diagram",
    "activity": "an activity diagram",
    "description": "a component, deployment or use-case diagram",
    "timing": "a timing diagram",
    "nwdiag": "an nwdiag network diagram",
    "PSystemDot": "a Graphviz dot diagram",
    "mindmap": "a mind map",
    "wbs": "a work breakdown structure",
    "gantt": "a Gantt chart",
    "object": "an object diagram",
    "salt": "a salt (wireframe) diagram",
    "json": "a JSON diagram",
    "yaml": "a YAML diagram",
}

_OTHER_KINDS = [  # (kind, weight, pattern on one stripped line): the kind with the highest total wins
    ("PSystemDot", 10, r"(?:strict\s+)?(?:di)?graph\b[^{]*\{"),
    ("nwdiag", 10, r"nwdiag\s*\{"),
    ("timing", 5, r"(?:concise|robust|clock|binary)\s+\S"),
    ("timing", 3, r"@\d+$"),
    ("activity", 3, r"(?:start|stop|detach|kill|endif|endwhile|end\s+fork|fork(?:\s+again)?)\s*;?$"),
    ("activity", 3, r":.*(?:;|\||<|>|\]|\}|/)$"),
    ("activity", 3, r"(?:else\s*)?if\s*\(.*\)\s*then|while\s*\(|repeat(?:\s+while)?\b|partition\s+\S|\(\*\)"),
    ("state", 3, r".*\[\*\]|state\s+\S|hide\s+empty\s+description"),
    ("state", 1, r"\w+\s*:\s*\S"),
    ("class", 3, r"(?:abstract\s+class|abstract|class|enum|annotation|protocol|struct)\s+[\w.\"]+"),
    ("class", 3, r".*\{(?:abstract|static|field|method|classifier)\}"),
    ("class", 3, r"!define\s+\w+(?:\([^)]*\))?\s+(?:class|entity)\b"),
    ("class", 2, r"hide\s+(?:methods|members|fields|attributes|circle|stereotypes?|empty\s+members)$"),
    ("class", 3, r"[\w.\"]+\s*(?:<\|--|--\|>|\*--|--\*|o--|--o|\.\.\|>|<\|\.\.)"),
    ("description", 3, r"(?:component|node|frame|rectangle|cloud|folder|usecase|artifact|storage|card|file|agent|"
                       r"stack|person|hexagon|interface)\s+\S"),
    ("description", 2, r"\[[^\]]+\]\s*(?:as\b|-|\.|$)|\(\)\s|\([^)*]+\)\s*(?:as\b|-|$)|actor\s*:[^:]+:"),
    ("description", 2, r"left\s+to\s+right\s+direction$|.*-+>\s*\([^)]+\)"),
    ("description", 1, r"package\s+\S"),
]


def _guess_other_kind(lines: list[str]) -> str | None:
    """PlantUML's type of the diagram these lines look like, or None when they look like no other kind."""
    scores: dict[str, int] = {}
    for kind, weight, pattern in _OTHER_KINDS:
        hits = 0
        for line in lines:
            if re.match(pattern, line, re.I):
                hits += 1
                if hits == 3:   # a few hits are evidence enough; many weak ones must not outvote strong ones
                    break
        if hits:
            scores[kind] = scores.get(kind, 0) + weight * hits
    if not scores:
        return None
    kind = max(scores, key=scores.get)
    return kind if scores[kind] >= 3 else None


def _unquote(name: str) -> str:
    """``"Token Store"`` -> ``Token Store``; unquoted names are returned as they are."""
    if len(name) >= 2 and name[0] in _G and name[-1] in _G:
        return name[1:-1]
    return name


# ---------------------------------------------------------------------------------------------
# Autonumber formatting: PlantUML formats numbers with java.text.DecimalFormat("<b>0</b>").

def _decimal_format(pattern: str) -> Callable[[int], str]:
    """A formatter for the subset of Java's DecimalFormat that autonumber formats use.

    Like ``DecimalFormat.applyPattern``: a prefix, the number part (``0 # , .``), a suffix; quoted
    ``'text'`` is literal, a special character met in the suffix goes back to the number part
    (``"[0]."`` formats 1 as ``[1.]``), ``%`` multiplies by 100, ``;`` starts the negative pattern
    (ignored: numbers here are positive).

    >>> [_decimal_format(f)(7) for f in ("<b>0</b>", "00.", "0.0", "#,##0", "[0].", "'#'0")]
    ['<b>7</b>', '07.', '7.0', '7', '[7.]', '#7']
    >>> _decimal_format("#,##0.00")(1234)
    '1,234.00'
    """
    prefix, suffix = [], []
    affix = prefix
    phase = 0                       # 0 prefix, 1 number, 2 suffix
    integer_zeros = 0               # '0' before the decimal point: minimum integer digits
    fraction_zeros = 0              # '0' after it: minimum fraction digits
    fraction_digits = 0             # '0' or '#' after it
    grouping = None                 # digits after the last ',' of the integer part
    decimal = False
    multiplier = 1
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if phase == 1:
            if c in "0#":
                if decimal:
                    fraction_zeros += c == "0"
                    fraction_digits += 1
                else:
                    integer_zeros += c == "0"
                    if grouping is not None:
                        grouping += 1
            elif c == ",":
                grouping = 0
            elif c == ".":
                decimal = True
            else:
                phase, affix = 2, suffix
                continue            # read this character again as part of the suffix
        elif c == "'":
            j = pattern.find("'", i + 1)
            j = len(pattern) if j == -1 else j
            affix.append(pattern[i + 1:j] or "'")
            i = j
        elif c in "0#,.":
            phase = 1
            continue
        elif c == ";":
            break
        else:
            if c == "%":
                multiplier = 100
            elif c == "\u2030":
                multiplier = 1000
            affix.append(c)
        i += 1
    head, tail = "".join(prefix), "".join(suffix)
    if phase == 0:
        return lambda n: head  # no digit placeholder: Java prints the affixes only

    # Java shows the decimal point of a whole number only when no digit follows it ("0.").
    always_point = decimal and fraction_digits == 0

    def fmt(n: int) -> str:
        digits = f"{n * multiplier:0{integer_zeros}d}"
        if grouping:
            first = len(digits) % grouping or grouping
            digits = ",".join([digits[:first]] + [digits[k:k + grouping] for k in range(first, len(digits), grouping)])
        if fraction_zeros:
            digits += "." + "0" * fraction_zeros
        elif always_point:
            digits += "."
        return f"{head}{digits}{tail}"

    return fmt


class _Numbering:
    """PlantUML's autonumber state: dotted levels (``1.2.3``: the last one counts), a step and a format."""

    __slots__ = ("on", "parts", "seps", "step", "fmt")

    def __init__(self):
        self.on = False
        self.parts = [1]          # the levels; the last is the counter
        self.seps: list[str] = []  # what stands between levels ("." in 1.2.3)
        self.step = 1
        self.fmt = _DEFAULT_FORMAT

    def start(self, start: str | None, step: str | None, fmt: str | None):
        self.on = True
        if start:
            self.parts = [int(x) for x in re.findall(r"\d+", start)]
            self.seps = re.findall(r"[^\d]+", start)
        else:
            self.parts, self.seps = [1], []
        self.step = int(step) if step else 1
        self.fmt = _decimal_format(fmt) if fmt is not None else _DEFAULT_FORMAT

    def increment(self, letter: str):
        """``autonumber inc A``: count up level A (B, C...) and restart the levels below it."""
        level = ord(letter.lower()) - ord("a")
        if level >= len(self.parts):
            # PlantUML fails here (IndexOutOfBoundsException): say why instead.
            raise _LineError(f"cannot increment level {letter.upper()}: the numbering has "
                             f"{len(self.parts)} level{'s' if len(self.parts) > 1 else ''} "
                             f"(start it with 'autonumber {'.'.join(['1'] * (level + 1))}')")
        self.parts[level] += 1
        for k in range(level + 1, len(self.parts)):
            self.parts[k] = 1

    def next(self) -> str | None:
        if not self.on:
            return None
        value = self.parts[-1]
        self.parts[-1] += self.step
        if not self.seps:
            return self.fmt(value)
        # PlantUML writes dotted numbers (1.2.3) in bold and ignores the format.
        return "<b>" + "".join(f"{p}{sep}" for p, sep in zip(self.parts[:-1], self.seps)) + f"{value}</b>"


_DEFAULT_FORMAT = _decimal_format("<b>0</b>")


# ---------------------------------------------------------------------------------------------
# Fast construction of the two records a large diagram holds by the thousand.
#
# A frozen dataclass's __init__ sets each field through ``object.__setattr__`` (to get past frozen):
# about 2 us for a Message's 16 fields, the largest single cost of parsing a large diagram. Each class
# below has the same slots as its model class, so its __init__ stores the fields with plain (fast)
# assignments and then turns the object into the model class: ``__class__`` may change between
# classes with the same slots. What comes out is an ordinary Message or LifeEvent (same equality, hash,
# repr and fields), built 3 to 6 times faster. _check_twin verifies the correspondence at import.

class _NewMessage:
    """``_NewMessage(...)`` is ``Message(...)`` with every field given, positionally, in the model's order."""

    __slots__ = Message.__slots__

    def __init__(self, step, source, target, label, dotted, head, bidirectional, exo, exo_short, parallel, number,
                 phase, is_return, color, line, column):
        self.step = step
        self.source = source
        self.target = target
        self.label = label
        self.dotted = dotted
        self.head = head
        self.bidirectional = bidirectional
        self.exo = exo
        self.exo_short = exo_short
        self.parallel = parallel
        self.number = number
        self.phase = phase
        self.is_return = is_return
        self.color = color
        self.line = line
        self.column = column
        self.__class__ = Message


class _NewLifeEvent:
    """``_NewLifeEvent(...)`` is ``LifeEvent(...)`` with every field given, positionally, in the model's order."""

    __slots__ = LifeEvent.__slots__

    def __init__(self, action, participant, implicit, color, after_step, line):
        self.action = action
        self.participant = participant
        self.implicit = implicit
        self.color = color
        self.after_step = after_step
        self.line = line
        self.__class__ = LifeEvent


def _check_twin(twin, cls) -> None:
    """Fail at import if ``twin`` no longer builds exactly what ``cls(...)`` builds (a field added or moved)."""
    values = tuple(range(len(dataclasses.fields(cls))))
    if twin(*values) != cls(*values):
        raise RuntimeError(f"flowlib.reading.parser: {twin.__name__} does not match the fields of {cls.__name__}")


_check_twin(_NewMessage, Message)
_check_twin(_NewLifeEvent, LifeEvent)


# The participants deactivated since the last message, when there are none: shared (a new empty set
# on every message was a measurable cost); life() makes a set of its own for the first one.
_NONE_DEACTIVATED: frozenset = frozenset()


# ---------------------------------------------------------------------------------------------
# The builder: the one mutable object, passed to every line action.

class _LineError(Exception):
    """A problem on the current line; the driver turns it into a DiagramError with a location."""

    def __init__(self, message: str, column: int = 1):
        super().__init__(message)
        self.message = message
        self.column = column


class _GroupState:
    __slots__ = ("kind", "title", "label", "level", "else_labels", "parallel", "before", "after", "line",
                 "end_line", "index")

    def __init__(self, kind, title, label, level, parallel, line, index, before):
        self.kind, self.title, self.label, self.level = kind, title, label, level
        self.else_labels: list = []
        self.parallel, self.line, self.index = parallel, line, index
        self.before = before       # messages before the group opened
        self.after = None          # messages when it closed (None while open)
        self.end_line = 0

    def steps(self, total: int) -> tuple[int | None, int | None]:
        """First and last step inside the group (None, None when it holds no message)."""
        last = self.after if self.after is not None else total
        return (self.before + 1, last) if last > self.before else (None, None)


class _Builder:
    """Collects what the line actions find, then freezes it into a :class:`Diagram`."""

    def __init__(self, file: str | None):
        self.file = file
        self.participants: dict[str, dict] = {}    # code -> fields of Participant (insertion = display order)
        self.events: list = []
        self.messages: list[Message] = []
        self.notes: list[Note] = []
        self.groups: list[_GroupState] = []
        self.open_groups: list[_GroupState] = []
        self.phase: str | None = None
        self.numbering = _Numbering()
        self.autoactivate = False
        self.box: str | None = None
        self.title = self.header = self.footer = self.legend = self.caption = None
        self.line = 0
        self.raw = ""                            # the current line as written
        # PlantUML's life-line bookkeeping (SequenceDiagram.activate).
        self.last_with_deactivate = None        # the last message or group end
        self.deactivated_after_last: set[str] | frozenset = _NONE_DEACTIVATED
        self.activation_stack: list[Message] = []
        self.last_was_delay = False
        self.pending_create: str | None = None
        self.last_note_target = None             # ("message", Message) or ("group", None)
        self.hide_unlinked = False               # 'hide unlinked': drop participants no event names
        self.ignore_newpage = False

    # -- participants ------------------------------------------------------------------------
    def participant(self, code: str, display: str | None = None) -> str:
        """The code of an existing participant, or of a new implied one."""
        if code not in self.participants:
            self.participants[code] = dict(
                code=code, display=_display(code if display is None else display), kind="participant",
                stereotype=None, color=None, order=None, box=self.box, declared=False, line=self.line)
        return code

    # -- life events ---------------------------------------------------------------------------
    def life(self, action: str, who: str, *, implicit: bool, color: str | None = None):
        """Record a life event, with PlantUML's checks.

        PlantUML checks explicit lines (``activate X``) but ignores the verdict for implied events
        (``++``, ``**``, ``return``, autoactivate): one refused after a delay is dropped, any other is kept.
        """
        if self.last_was_delay:
            if implicit:
                return
            raise _LineError(f"cannot {action} {who} right after a '...' delay: put a message between them")
        event = _NewLifeEvent(action, who, implicit, color, len(self.messages), self.line)
        self.events.append(event)
        if action == "create":
            self.pending_create = who
            return
        if self.last_with_deactivate is None:
            if action != "deactivate" or implicit:
                return
            raise _LineError(f"cannot deactivate {who} before the first message")
        last = self.last_with_deactivate
        if action == "activate" and isinstance(last, Message):
            self.activation_stack.append(last)
        elif action == "deactivate" and self.activation_stack:
            self.activation_stack.pop()
        if action == "activate" and who in self.deactivated_after_last and not implicit:
            raise _LineError(f"cannot activate {who} again before the next message: it was just deactivated "
                             f"(PlantUML: Activate/Deactivate already done on {who})")
        if action in ("deactivate", "destroy"):
            if self.deactivated_after_last:
                self.deactivated_after_last.add(who)
            else:
                self.deactivated_after_last = {who}

    # -- messages ------------------------------------------------------------------------------
    def message(self, source, target, label="", dotted=False, head="normal", bidirectional=False, exo=None,
                exo_short=None, parallel=False, is_return=False, color=None) -> Message:
        """Add a message; PlantUML checks a pending ``create`` on every message but a ``return``."""
        raw = self.raw
        number = self.numbering.next() if self.numbering.on else None
        if "%autonumber%" in label:  # PlantUML puts the number in the label, without its bold tags
            label = label.replace("%autonumber%", (number or "").replace("<b>", "").replace("</b>", ""))
        msg = _NewMessage(len(self.messages) + 1, source, target, label, dotted, head, bidirectional, exo,
                           exo_short, parallel, number, self.phase, is_return, color, self.line,
                           len(raw) - len(raw.lstrip()) + 1)
        self.messages.append(msg)
        self.events.append(msg)
        self.last_with_deactivate = msg
        self.deactivated_after_last = _NONE_DEACTIVATED
        self.last_was_delay = False
        self.last_note_target = ("message", msg)
        if self.pending_create is not None and not is_return:
            who = self.pending_create
            self.pending_create = None
            # PlantUML wants a message to the new participant from another one (or from the edge).
            if not (who in (source, target) if exo is not None else target == who != source):
                raise _LineError(f"after 'create {who}' the next message must go to {who} from another participant")
        return msg

    def note(self, **fields):
        note = Note(after_step=len(self.messages), line=self.line, **fields)
        self.notes.append(note)
        self.events.append(note)

    def _linked(self) -> set[str]:
        """The participants some event deals with, as PlantUML's ``hide unlinked`` counts them."""
        linked: set[str] = set()
        for event in self.events:
            if isinstance(event, Message):
                linked.update((event.source, event.target))
            elif isinstance(event, (Note, Reference)):
                linked.update(event.participants)
            elif isinstance(event, LifeEvent):
                linked.add(event.participant)
        return linked

    # -- result --------------------------------------------------------------------------------
    def diagram(self, block_count: int = 1) -> Diagram:
        people = list(self.participants.values())
        if self.hide_unlinked:
            linked = self._linked()
            people = [p for p in people if p["code"] in linked]
        if any(p["order"] is not None for p in people):
            people.sort(key=lambda p: p["order"] or 0)   # stable: ties keep declaration order
        total = len(self.messages)
        groups = tuple(
            Group(kind=g.kind, title=g.title, label=g.label, level=g.level, else_labels=tuple(g.else_labels),
                  parallel=g.parallel, first_step=g.steps(total)[0], last_step=g.steps(total)[1], line=g.line,
                  end_line=g.end_line)
            for g in self.groups)
        return Diagram(
            participants=tuple(Participant(**p) for p in people),
            events=tuple(self.events),
            messages=tuple(self.messages),
            notes=tuple(self.notes),
            groups=groups,
            title=self.title, header=self.header, footer=self.footer, legend=self.legend,
            caption=self.caption, file=self.file, block_count=block_count)


# ---------------------------------------------------------------------------------------------
# Line actions. Each takes the builder and the match; multi-line ones also take the block's lines.

def _arrow_part(b: _Builder, m: re.Match, p: str) -> str:
    g = m.group
    if g(p + "code") is not None:
        return b.participant(g(p + "code"))
    if g(p + "long") is not None:
        return b.participant(g(p + "long"))
    if g(p + "lcc") is not None:
        return b.participant(g(p + "lcc"), g(p + "lcl"))
    return b.participant(g(p + "clc"), g(p + "cll"))


def _style_of(m: re.Match) -> tuple[bool, str | None]:
    """(dotted by style, colour) from ``-[#red,dashed]->``."""
    style = m.group("st1") or m.group("st2")
    dotted, color = False, None
    if style:
        for token in style[1:-1].split(","):
            low = token.lower()
            if low in ("dashed", "dotted"):
                dotted = True
            elif token.startswith("#"):
                color = token
    return dotted, color


def _do_arrow(b: _Builder, m: re.Match):
    d1 = (m.group("d1") or "").lower()
    d2 = (m.group("d2") or "").lower()
    has2 = any(c in d2 for c in ">\\/x")
    has1 = any(c in d1 for c in "x<\\/")
    if has2:
        source = _arrow_part(b, m, "a")
        target = _arrow_part(b, m, "b")
    elif has1:
        target = _arrow_part(b, m, "a")
        source = _arrow_part(b, m, "b")
    else:
        raise _LineError("this arrow has no head: write '->' or '<-'",
                         (m.start("ba1") if m.group("ba1") is not None else m.start("bb2")) + 1)
    body = len(m.group("ba1") or m.group("ba2") or "") + len(m.group("bb1") or m.group("bb2") or "")
    style_dotted, color = _style_of(m)
    head = "normal"
    if "<<" in d1 or "\\\\" in d1 or "//" in d1 or ">>" in d2 or "\\\\" in d2 or "//" in d2:
        head = "async"
    if "x" in d2 or ("x" in d1 and not has2):   # PlantUML: 'A x-> B' keeps a normal head
        head = "crossx"
    act = m.group("act")
    _send(b, source, target, act, m.group("lifecolor"), m.start("act") + 1 if act else 1,
          label=_display(m.group("label")) if m.group("label") is not None else "",
          dotted=body > 1 or style_dotted, head=head, bidirectional=has1 and has2,
          parallel=m.group("parallel") is not None, color=color)


def _send(b: _Builder, source, target, act, lifecolor, act_col, **fields):
    """Add a message and the life events its ``++ -- ** !!`` suffix (or autoactivate) implies."""
    if act and act[0] == "*":
        b.life("create", target, implicit=True)
    msg = b.message(source=source, target=target, **fields)
    try:
        if act:
            if act[0] == "+":
                b.life("activate", target, implicit=True, color=lifecolor)
            elif act[0] == "-":
                b.life("deactivate", source, implicit=True)
            elif act[0] == "!":
                b.life("destroy", target, implicit=True)
        elif b.autoactivate and msg.head != "crossx":
            if msg.dotted:
                b.life("deactivate", source, implicit=True)
            else:
                b.life("activate", target, implicit=True, color=lifecolor)
    except _LineError as err:
        err.column = act_col
        raise


def _do_simple_arrow(b: _Builder, m: re.Match):
    source, body, head, target, act, label = m.groups()
    if source[0] == '"':
        source = source[1:-1]
    if target[0] == '"':
        target = target[1:-1]
    people = b.participants
    if source not in people:
        b.participant(source)
    if target not in people:
        b.participant(target)
    msg = b.message(source, target, "" if label is None else _display(label), len(body) > 1,
                    "normal" if len(head) == 1 else "async")
    if act is not None:
        if act == "++":
            b.life("activate", target, implicit=True)
        else:
            b.life("deactivate", source, implicit=True)
    elif b.autoactivate:
        if msg.dotted:
            b.life("deactivate", source, implicit=True)
        else:
            b.life("activate", target, implicit=True)


def _exo(b: _Builder, m: re.Match, right_side: bool):
    short = m.group("short") or ""
    d1, d2 = m.group("d1"), m.group("d2")
    if right_side:
        if "[" in short:
            exo = "to_left" if d1 is not None else "from_left"
        else:
            exo = "to_right" if d1 is not None else "from_right"
    else:
        if "]" in short:
            exo = "from_right" if d1 is not None else "to_right"
        else:
            exo = "from_left" if d1 is not None else "to_left"
    who = b.participant(_unquote(m.group("part")))
    body = (m.group("ba1") or m.group("ba2") or "") + (m.group("bb1") or m.group("bb2") or "")
    dressing = d1 or d2 or ""
    style_dotted, color = _style_of(m)
    head = "async" if len(dressing) == 2 else "normal"
    if "x" in short.lower() or "x" in (m.group("supp") or "").lower():
        head = "crossx"
    incoming = exo in ("from_left", "from_right")
    act = m.group("act")
    if act and act[0] == "*":
        b.life("create", who, implicit=True)
    msg = b.message(source=None if incoming else who, target=who if incoming else None,
                    label=_display(m.group("label")) if m.group("label") is not None else "",
                    dotted="--" in body or style_dotted, head=head, bidirectional=m.group("both") is not None,
                    exo=exo, exo_short="?" in short, parallel=m.group("parallel") is not None, color=color)
    action = {"+": "activate", "-": "deactivate", "!": "destroy"}.get(act[0]) if act else None
    if action:
        b.life(action, who, implicit=True, color=m.group("lifecolor") if action == "activate" else None)
    elif b.autoactivate and head != "crossx":
        b.life("deactivate" if msg.dotted else "activate", who, implicit=True)


def _do_exo_left(b, m):
    _exo(b, m, right_side=False)


def _do_exo_right(b, m):
    _exo(b, m, right_side=True)


def _declare(b: _Builder, m: re.Match, code: str, display: str | None):
    kind = m.group("kind").lower()
    create = m.group("create") is not None or kind == "create"
    if kind == "create":
        kind = "participant"
    if code in b.participants and not create:
        # PlantUML moves an already known participant to the end and keeps its first form.
        record = b.participants.pop(code)
        record["box"] = b.box
        b.participants[code] = record
        return
    if code in b.participants:
        b.participants.pop(code)
    order = m.group("order")
    b.participants[code] = dict(
        code=code, display=_display(code if display is None else display), kind=kind,
        stereotype=m.group("stereo"), color=m.group("color"), order=int(order) if order else None,
        box=b.box, declared=True, line=b.line)
    if create:
        b.life("create", code, implicit=False)


def _do_decl_a(b, m):
    _declare(b, m, m.group("code"), m.group("full"))


def _do_decl_a4(b, m):
    _declare(b, m, m.group("code"), None)


def _do_activate(b: _Builder, m: re.Match):
    who = b.participant(_unquote(m.group("who")))
    b.life(m.group("action").lower(), who, implicit=False, color=m.group("back"))


def _do_activate2(b: _Builder, m: re.Match):
    who = b.participant(m.group("who"))
    if m.group("action") == "++":
        b.life("activate", who, implicit=False, color=m.group("color"))
    else:
        b.life("deactivate", who, implicit=False)


def _do_deactivate_short(b: _Builder, m: re.Match):
    last = b.last_with_deactivate
    if not isinstance(last, Message) or last.source is None:
        raise _LineError("'deactivate' without a name needs a message before it")
    b.life("deactivate", last.source, implicit=False)


_STYLES = {"note": "normal", "hnote": "hexagonal", "rnote": "box"}


def _do_note(b: _Builder, m: re.Match, text: str):
    who = b.participant(_unquote(m.group("who")))
    b.note(position=m.group("position").lower(), participants=(who,), text=text,
           style=_STYLES[m.group("style").lower()])


def _do_note_several(b: _Builder, m: re.Match, text: str):
    p1 = b.participant(_unquote(m.group("p1")))
    p2 = b.participant(_unquote(m.group("p2")))
    b.note(position="over_several", participants=(p1, p2), text=text, style=_STYLES[m.group("style").lower()])


def _do_note_across(b: _Builder, m: re.Match, text: str):
    b.note(position="across", participants=(), text=text, style=_STYLES[m.group("style").lower()])


def _do_note_on_arrow(b: _Builder, m: re.Match, text: str):
    target = b.last_note_target
    if target is None:
        raise _LineError("a note without 'of' or 'over' belongs to the message before it, and there is none")
    position = m.group("position").lower()
    anchor = target[1]
    if anchor is not None and anchor.exo is not None:
        # PlantUML puts a note on a message from or to the diagram's edge on the inner side, whatever it says.
        position = "right" if anchor.exo in ("from_left", "to_left") else "left"
    b.note(position=position, participants=(), text=text,
           style=_STYLES[m.group("style").lower()], attached_to=target[0])


def _do_box_start(b: _Builder, m: re.Match):
    if b.box is not None:
        raise _LineError("a box cannot be nested in another box: close the first with 'end box'")
    name = m.group("name1") if m.group("name1") is not None else m.group("name2")
    b.box = _display(name) if name is not None else ""


def _do_box_end(b: _Builder, m: re.Match):
    if b.box is None:
        raise _LineError("'end box' without a 'box' before it")
    b.box = None


def _do_group(b: _Builder, m: re.Match):
    kind = m.group("type").lower()
    comment = m.group("comment")
    parallel = m.group("parallel") is not None
    if kind in ("else", "also", "end"):
        if not b.open_groups:
            raise _LineError(f"'{kind}' without an open group (alt, opt, loop, par, break, critical, group)")
        g = b.open_groups[-1]
        if kind == "end":
            b.open_groups.pop()
            g.end_line = b.line
            g.after = len(b.messages)
            b.events.append(GroupEnd(level=g.level, index=g.index, line=b.line))
            b.last_with_deactivate = b.events[-1]
            b.deactivated_after_last = _NONE_DEACTIVATED
            b.last_note_target = ("group", None)
        else:
            label = comment if comment else None
            g.else_labels.append(label)
            b.events.append(GroupElse(label=label, level=g.level, index=g.index, line=b.line))
            b.last_with_deactivate = b.events[-1]
            b.deactivated_after_last = _NONE_DEACTIVATED
            # A note right after 'else' still goes on the message before it (PlantUML); only 'end' takes it.
        return
    title = kind
    if kind == "group":
        if not comment:
            comment = "group"
        tm = _GROUP_TITLE.search(comment)
        if tm:
            title, comment = tm.group(1), tm.group(2)
    label = comment if comment else None
    level = len(b.open_groups)
    parallel = parallel or kind == "par2"     # PlantUML draws par2 branches side by side
    g = _GroupState(kind, title, label, level, parallel, b.line, len(b.groups), len(b.messages))
    b.groups.append(g)
    b.open_groups.append(g)
    b.events.append(GroupStart(kind=kind, title=title, label=label, level=level, index=g.index,
                               parallel=parallel, line=b.line))


_REVERSED_EXO = {"from_left": "to_left", "to_left": "from_left", "from_right": "to_right", "to_right": "from_right"}


def _do_return(b: _Builder, m: re.Match):
    # PlantUML answers the message that activated the innermost active lifeline; with no activation
    # left, it answers (reverses) the last message, without a deactivation.
    if b.activation_stack:
        caller, deactivate = b.activation_stack[-1], True
    elif isinstance(b.last_with_deactivate, Message) and b.last_with_deactivate.exo is None:
        caller, deactivate = b.last_with_deactivate, False
    else:
        raise _LineError("'return' has nowhere to return to: no message before it")
    label = m.group("label")
    # The answer keeps the arrow's head and colour, dotted.
    b.message(source=caller.target, target=caller.source, label=_display(label) if label else "", dotted=True,
              head=caller.head, bidirectional=caller.bidirectional, exo=_REVERSED_EXO.get(caller.exo),
              exo_short=caller.exo_short, color=caller.color, is_return=True,
              parallel=m.group("parallel") is not None)
    if deactivate:
        b.life("deactivate", caller.target, implicit=True)


def _do_divider(b: _Builder, m: re.Match):
    text = _display(m.group("text"))
    b.events.append(Divider(text=text, line=b.line))
    b.phase = text.strip()


def _do_delay(b: _Builder, m: re.Match):
    text = m.group("text")
    b.events.append(Delay(text=_display(text) if text else "", line=b.line))
    b.last_was_delay = True


def _do_spacer(b: _Builder, m: re.Match):
    size = m.group("size")
    b.events.append(Spacer(size=int(size) if size else None, line=b.line))


def _do_hide_unlinked(b: _Builder, m: re.Match):
    b.hide_unlinked = m.group("verb").lower() == "hide"


def _do_ignore_newpage(b: _Builder, m: re.Match):
    b.ignore_newpage = True


def _do_newpage(b: _Builder, m: re.Match):
    if b.ignore_newpage:
        return
    title = m.group("title")
    b.events.append(NewPage(title=_display(title) if title else None, line=b.line))


def _names(text: str) -> tuple[str, ...]:
    return tuple(_unquote(n) for n in _NAME_IN_LIST.findall(text))


def _do_ref(b: _Builder, m: re.Match):
    parts = tuple(b.participant(p) for p in _names(m.group("parts")))
    text = m.group("text")
    b.events.append(Reference(participants=parts, text=_display(text or ""), line=b.line))


def _do_ref_multi(b: _Builder, m: re.Match, text: str):
    parts = tuple(b.participant(p) for p in _names(m.group("parts")))
    b.events.append(Reference(participants=parts, text=text, line=b.line))


def _do_autonumber(b: _Builder, m: re.Match):
    b.numbering.start(m.group("start"), m.group("step"), m.group("format"))


def _do_autonumber_inc(b: _Builder, m: re.Match):
    b.numbering.increment(m.group("level"))


def _do_autonumber_stop(b: _Builder, m: re.Match):
    b.numbering.on = False


def _do_autonumber_resume(b: _Builder, m: re.Match):
    b.numbering.on = True
    if m.group("step"):
        b.numbering.step = int(m.group("step"))
    if m.group("format"):
        b.numbering.fmt = _decimal_format(m.group("format"))


def _do_autoactivate(b: _Builder, m: re.Match):
    b.autoactivate = m.group("on").lower() == "on"


def _do_nothing(b: _Builder, m: re.Match, text: str = ""):
    pass


def _do_title(b: _Builder, m: re.Match, text: str | None = None):
    b.title = _display(m.group("text")) if text is None else text


def _do_caption(b: _Builder, m: re.Match, text: str | None = None):
    b.caption = _display(m.group("text")) if text is None else text


def _do_header(b: _Builder, m: re.Match, text: str | None = None):
    value = _display(m.group("text")) if text is None else text
    setattr(b, m.group("which").lower(), value)


def _do_legend(b: _Builder, m: re.Match, text: str):
    b.legend = text


# ---------------------------------------------------------------------------------------------
# The command table.

class _Single(NamedTuple):
    """A one-line command; ``keys``: the first words (or characters) its lines start with ("" = any line)."""

    name: str
    keys: str
    pattern: re.Pattern
    action: Callable


class _Block(NamedTuple):
    """A multi-line command: ``start`` opens it, ``end`` closes it; the lines between are its text."""

    name: str
    keys: str
    start: re.Pattern
    end: re.Pattern
    action: Callable
    closing: str = "end"       # what closes it, for the error message
    raw: bool = False          # styling (skinparam, sprite): no text is stored
    nested: bool = False       # braces nest: the block ends at the ``}`` matching its ``{``
    keep_empty: bool = True    # False: a block with no line at all adds nothing (PlantUML's notes)


_END_TITLE = _rx(r"end\s?title$")
_END_CAPTION = _rx(r"end\s?caption$")
_END_HEADER = _rx(r"end\s?(?:header|footer)$")
_END_LEGEND = _rx(r"end\s?legend$")
_CLOSE_BRACE = _rx(r"\}$")
_END_STYLE = _rx(r"</style>$")

_NOTE_MULTI = _rx(_NOTE_HEAD + rf"(?P<position>right|left|over)\s+(?:of\s+)?(?P<who>{_NAME})\s*"
                  rf"(?P<color>{_COLOR})?\s*(?P<url>{_URL})?\s*$")
_NOTE_SEVERAL_MULTI = _rx(_NOTE_HEAD + rf"over\s+(?P<p1>{_NAME})\s*,\s*(?P<p2>{_NAME})\s*"
                          rf"(?P<color>{_COLOR})?\s*(?P<url>{_URL})?\s*$")
_NOTE_ON_ARROW_MULTI = _rx(r"(?P<style>note|hnote|rnote)\s*(?P<stereo><<.*>>)?\s+(?P<position>right|left|bottom|top)"
                           rf"\s*(?P<color>{_COLOR})?\s*(?P<url>{_URL})?\s*$")
_NOTE_ACROSS_MULTI = _rx(r"(?P<vmerge>/)?\s*(?P<style>note|hnote|rnote)\s*(?P<stereo><<.*>>)?\s*(?:across|accross)"
                         r"\s*(?P<color>\#\w+(?:[-\\|/]\w+)?)?\s*$")
_END_NOTE_ON_ARROW = _rx(r"end\s?note$")


def _single_text(action):
    """Adapt a note/reference action to a one-line match: the text after the colon."""
    def run(b: _Builder, m: re.Match):
        action(b, m, _display(m.group("text")))
    run.__name__ = action.__name__
    return run


_KINDS = "participant actor boundary control entity database collections queue create"

COMMANDS: tuple = (
    # Common to every PlantUML diagram (title, legend, skinparam...).
    _Block("title", "title", _TITLE_MULTI, _END_TITLE, _do_title, "end title"),
    _Single("title", "title", _TITLE, _do_title),
    _Block("caption", "caption", _CAPTION_MULTI, _END_CAPTION, _do_caption, "end caption"),
    _Single("caption", "caption", _CAPTION, _do_caption),
    _Block("header", "header footer left right center", _HEADER_MULTI, _END_HEADER, _do_header, "end header"),
    _Single("header", "header footer left right center", _HEADER, _do_header),
    _Block("legend", "legend", _LEGEND, _END_LEGEND, _do_legend, "end legend"),
    _Block("skinparam", "skinparam skinparamlocked", _SKINPARAM_BLOCK, _CLOSE_BRACE, _do_nothing, "}", raw=True,
           nested=True),
    _Block("sprite", "sprite", _SPRITE_BLOCK, _CLOSE_BRACE, _do_nothing, "}", raw=True, nested=True),
    _Block("style", "<", _STYLE_BLOCK, _END_STYLE, _do_nothing, "</style>", raw=True),
    _Single("sprite", "sprite", _SPRITE_LINE, _do_nothing),
    _Single("hide unlinked", "hide show", _HIDE_UNLINKED, _do_hide_unlinked),
    _Single("ignore newpage", "ignore", _IGNORE_NEWPAGE, _do_ignore_newpage),
    _Single("ignored", "hide show footbox skin skinparam skinparamlocked scale autonewpage ignore mainframe url { "
                       "allowmixing allow_mixing", _IGNORED, _do_nothing),
    # Sequence diagram commands, in SequenceDiagramFactory's order.
    _Single("activate", "activate deactivate destroy create", _ACTIVATE, _do_activate),
    _Single("deactivate", "deactivate", _DEACTIVATE_SHORT, _do_deactivate_short),
    _Single("participant", _KINDS, _DECL_A, _do_decl_a),
    _Single("participant", _KINDS, _DECL_A2, _do_decl_a),
    _Single("participant", _KINDS, _DECL_A3, _do_decl_a),
    _Single("participant", _KINDS, _DECL_A4, _do_decl_a4),
    _Single("arrow", "", _ARROW, _do_arrow),
    _Single("exo arrow", "[ ] ? & - < / \\", _EXO_LEFT, _do_exo_left),
    _Single("exo arrow", "", _EXO_RIGHT, _do_exo_right),
    _Single("note", "& / note hnote rnote", _NOTE, _single_text(_do_note)),
    _Single("note", "& / note hnote rnote", _NOTE_SEVERAL, _single_text(_do_note_several)),
    _Single("note", "/ note hnote rnote", _NOTE_ACROSS, _single_text(_do_note_across)),
    _Single("box", "box", _BOX_START, _do_box_start),
    _Single("end box", "end endbox", _BOX_END, _do_box_end),
    _Single("group", "& opt alt loop par par2 break critical else end also group", _GROUP, _do_group),
    _Single("activate", "", _ACTIVATE2, _do_activate2),
    _Single("return", "& return", _RETURN, _do_return),
    _Single("note", "note hnote rnote", _NOTE_ON_ARROW, _single_text(_do_note_on_arrow)),
    _Block("note", "& / note hnote rnote", _NOTE_MULTI, _END_NOTE, _do_note, "end note", keep_empty=False),
    _Block("note", "& / note hnote rnote", _NOTE_SEVERAL_MULTI, _END_NOTE, _do_note_several, "end note",
           keep_empty=False),
    _Block("note", "note hnote rnote", _NOTE_ON_ARROW_MULTI, _END_NOTE_ON_ARROW, _do_note_on_arrow, "end note"),
    _Block("note", "/ note hnote rnote", _NOTE_ACROSS_MULTI, _END_NOTE, _do_note_across, "end note",
           keep_empty=False),
    _Single("newpage", "newpage @", _NEWPAGE, _do_newpage),
    _Single("divider", "=", _DIVIDER, _do_divider),
    _Single("spacer", "|", _SPACER, _do_spacer),
    _Single("ref", "ref", _REF, _do_ref),
    _Block("ref", "ref", _REF_MULTI, _END_REF, _do_ref_multi, "end ref"),
    _Single("autonumber", "autonumber", _AUTONUMBER_STOP, _do_autonumber_stop),
    _Single("autonumber", "autonumber", _AUTONUMBER_RESUME, _do_autonumber_resume),
    _Single("autonumber", "autonumber", _AUTONUMBER_INC, _do_autonumber_inc),
    _Single("autonumber", "autonumber", _AUTONUMBER, _do_autonumber),
    _Single("autoactivate", "autoactivate", _AUTOACTIVATE, _do_autoactivate),
    _Single("delay", ". \u2026", _DELAY, _do_delay),
)


# Commands whose pattern cannot match a line without a '-' (every arrow has a body of dashes). Lines without
# one (activate, return, alt, end...) skip them: failing these long patterns cost microseconds per line.
_NEED_DASH = (_ARROW, _EXO_LEFT, _EXO_RIGHT)


def _dispatch_table(commands) -> dict[str, tuple]:
    """First token -> the commands worth trying for a line starting with it, in table order."""
    tokens = {k for c in commands for k in c.keys.split()}
    table = {"": tuple(c for c in commands if not c.keys)}
    for token in tokens:
        table[token] = tuple(c for c in commands if not c.keys or token in c.keys.split())
    return table


def _without_dash(table: dict[str, tuple]) -> dict[str, tuple]:
    """The same table for lines without a '-': the arrow commands left out."""
    return {token: tuple(c for c in commands if getattr(c, "pattern", None) not in _NEED_DASH)
            for token, commands in table.items()}


_DISPATCH = _dispatch_table(COMMANDS)
_DISPATCH_NO_DASH = _without_dash(_DISPATCH)
_FIRST_WORD = re.compile(r"[A-Za-z0-9_]+")


def _candidates(line: str) -> tuple:
    """The commands that may accept ``line``: those keyed on its first word (or character), then the rest.

    A word that only starts with a keyword counts too: PlantUML reads ``returns x`` as ``return`` + ``s x``.
    """
    table = _DISPATCH if "-" in line else _DISPATCH_NO_DASH
    m = _FIRST_WORD.match(line)
    if m is None:
        return table.get(line[0], table[""])
    word = m.group().lower()
    commands = table.get(word)
    if commands is None:
        for end in range(len(word) - 1, 1, -1):
            commands = table.get(word[:end])
            if commands is not None:
                return commands
        return table[""]
    return commands


# ---------------------------------------------------------------------------------------------
# Source handling: @startuml blocks, comments, preprocessor lines.

_START = re.compile(r"\s*@start(\w+)", re.I)
_END = re.compile(r"\s*@end", re.I)


def _block_lines(text: str, file) -> tuple[list[tuple[int, str]], int]:
    """(1-based line number, raw line) of the first @startuml block, and the number of blocks.

    Text without any ``@startuml`` is read whole, as one block (handy for snippets).
    """
    lines = text.splitlines()
    out: list[tuple[int, str]] = []
    count = 0
    inside = False
    kept_from = 0           # index of the first line of the first block not yet copied to ``out``

    def keep(end: int) -> None:
        """Copy the first block's lines from ``kept_from`` up to index ``end`` (excluded), numbered from 1."""
        out.extend(zip(range(kept_from + 1, end + 1), lines[kept_from:end]))

    # Only a line with an '@' can start or end a block: visit those, and copy the runs of lines between
    # them in one go (a per-line loop was a measurable part of parsing a large diagram).
    for index in [k for k, raw in enumerate(lines) if "@" in raw]:
        raw = lines[index]
        if not inside:
            m = _START.match(raw)
            if m:
                inside = True
                count += 1
                if count == 1:
                    if m.group(1).lower() != "uml":
                        raise DiagramError(
                            f"this is a @start{m.group(1)} block, not a sequence diagram (@startuml)",
                            file=file, line=index + 1, column=_column_of(raw), source_line=raw)
                    kept_from = index + 1
            continue
        if _END.match(raw):
            inside = False
            if count == 1:
                keep(index)
                kept_from = index + 1
        elif _START.match(raw):
            # A repeated @startuml inside a block starts it again: PlantUML drops the lines before it.
            if count == 1:
                out.clear()
                kept_from = index + 1
        # else: an ordinary line with an '@', which stays in the run being kept
    if count == 0:
        return list(enumerate(lines, 1)), 1
    if count == 1 and inside:
        keep(len(lines))     # the first block is never closed: it runs to the end of the text
    return out, count


def _joined(block: list[tuple[int, str]]):
    """Join lines ending with a single backslash to the next line, as PlantUML does."""
    pending = None
    for number, raw in block:
        if pending is not None:
            number, raw = pending[0], pending[1] + raw
            pending = None
        if raw.endswith("\\") and not raw.endswith("\\\\"):
            pending = (number, raw[:-1])
            continue
        yield number, raw
    if pending is not None:
        yield pending


_PRE_DEFINE = _rx(r"!define\s+(?P<name>\w+)(?:\((?P<args>[^)]*)\))?(?:\s+(?P<body>.*))?$")
_PRE_VAR = _rx(r"!(?:global\s+|local\s+)?(?P<name>\$?\w+)\s*\??=\s*(?P<value>.*)$")
_PRE_IF = _rx(r"!(?P<kw>if|ifdef|ifndef|elseif|else|endif)\b\s*(?P<cond>.*)$")
_PRE_EXISTS = _rx(r"%(?:variable_exists|function_exists)\(\s*[\"']?(\$?\w+)[\"']?\s*\)$")
_PRE_IGNORED = _rx(r"!(?:pragma|theme|unquoted|assert|log|dump_memory)\b")
_PRE_DEFINELONG = _rx(r"!definelong\s+(?P<name>\w+)(?:\((?P<args>[^)]*)\))?\s*$")
_PRE_ENDDEFINELONG = _rx(r"!enddefinelong\s*$")
_PRE_UNDEF = _rx(r"!undef\s+(?P<name>\$?\w+)\s*$")


class _Preprocessor:
    """The small part of PlantUML's preprocessor real diagrams use: ``!define``, ``!$var =``, ``!if``."""

    def __init__(self):
        self.names: dict[str, str] = {}
        self.macros: list[tuple[re.Pattern, str, list[str], str]] = []   # pattern, body, arguments, name
        self.stack: list[list[bool]] = []    # per !if: [this branch active, some branch taken]
        self.long: tuple[str, str | None, list[str]] | None = None  # an open !definelong: name, args, body

    @property
    def active(self) -> bool:
        return all(frame[0] for frame in self.stack)

    def _true(self, kw: str, cond: str) -> bool:
        cond = cond.strip()
        if kw == "ifdef":
            return cond in self.names
        if kw == "ifndef":
            return cond not in self.names
        negate = cond.startswith("not ") or cond.startswith("!")
        cond = re.sub(r"^(?:not\s+|!)", "", cond).strip()
        m = _PRE_EXISTS.match(cond)
        if m:
            value = m.group(1) in self.names
        else:
            m = re.match(r"(\$?\w+)\s*(==|!=)\s*(.*)$", cond)
            if m:
                left = self.names.get(m.group(1), m.group(1))
                right = m.group(3).strip().strip("\"'")
                value = (left.strip("\"'") == right) == (m.group(2) == "==")
            else:
                value = cond.strip("\"'") not in ("", "0", "false")
        return value != negate

    def directive(self, line: str) -> bool:
        """Handle a ``!`` line; False when it is not one this preprocessor knows."""
        m = _PRE_IF.match(line)
        if m:
            kw = m.group("kw").lower()
            if kw in ("if", "ifdef", "ifndef"):
                value = self.active and self._true(kw, m.group("cond"))
                self.stack.append([value, value])
            elif not self.stack:
                raise _LineError(f"!{kw} without !if")
            elif kw == "endif":
                self.stack.pop()
            else:
                frame = self.stack[-1]
                outer = all(f[0] for f in self.stack[:-1])
                value = outer and not frame[1] and (kw == "else" or self._true("if", m.group("cond")))
                frame[0] = value
                frame[1] = frame[1] or value
            return True
        if not self.active:
            return True
        if _PRE_IGNORED.match(line):
            return True
        m = _PRE_UNDEF.match(line)
        if m:
            name = m.group("name")
            self.names.pop(name, None)
            self.macros = [macro for macro in self.macros if macro[3] != name]
            return True
        m = _PRE_DEFINE.match(line)
        if m:
            self._define(m.group("name"), m.group("args"), m.group("body") or "")
            return True
        m = _PRE_DEFINELONG.match(line)
        if m:
            self.long = (m.group("name"), m.group("args"), [])
            return True
        m = _PRE_VAR.match(line)
        if m:
            self.names[m.group("name")] = m.group("value").strip().strip("\"'")
            if m.group("name").startswith("$"):
                self.macros.append((re.compile(re.escape(m.group("name")) + r"\b"), self.names[m.group("name")], [],
                                    m.group("name")))
            return True
        return False

    def _define(self, name: str, args: str | None, body: str):
        self.names[name] = body
        if args is not None:
            names = [a.strip() for a in args.split(",") if a.strip()]
            self.macros.append((re.compile(rf"\b{name}\(([^()]*)\)"), body, names, name))
        else:
            self.macros.append((re.compile(rf"\b{name}\b"), body, [], name))

    def collect(self, line: str) -> None:
        """Take one line of an open ``!definelong`` (its body, or the closing ``!enddefinelong``)."""
        name, args, body = self.long
        if _PRE_ENDDEFINELONG.match(line):
            self.long = None
            self._define(name, args, "\n".join(body))
        else:
            body.append(line)

    def expand(self, line: str) -> str:
        for pattern, body, args, _name in self.macros:
            if args:
                def call(m, body=body, args=args):
                    values = [v.strip() for v in m.group(1).split(",")]
                    out = body
                    for a, v in zip(args, values):
                        out = re.sub(rf"\b{re.escape(a)}\b", lambda _m, v=v: v, out)
                    return out
                line = pattern.sub(call, line)
            else:
                line = pattern.sub(lambda _m, body=body: body, line)
        return line


def _logical_lines(block: list[tuple[int, str]], errors: list | None = None, file=None,
                   joined: bool = True) -> list[tuple[int, str, str]]:
    """(line number, trimmed text, raw line) without comments and preprocessor lines ("" = blank).

    ``joined=False`` when the block has no backslash: no line needs joining to the next.
    """
    out: list[tuple[int, str, str]] = []
    append = out.append
    in_comment = False
    pre = _Preprocessor()
    long_start = None
    plain = True            # outside any comment, macro, !if or !definelong: see the fast path below
    for number, raw in _joined(block) if joined else block:
        stripped = raw.strip()
        # Fast path: most lines of most diagrams are kept as they are, trimmed. That holds while no
        # comment, macro, !if or !definelong is open, for a line that starts no directive or comment
        # and ends no comment. Only the slow path below changes that state, so ``plain`` is worked out
        # again only after a line went that way.
        if not plain:
            plain = not in_comment and pre.long is None and not pre.stack and not pre.macros
        if plain and stripped[:1] not in ("!", "'", "/") and not stripped.endswith("'/"):
            append((number, stripped, raw))
            continue
        plain = False
        if pre.long is not None:
            pre.collect(stripped)
            continue
        if stripped[:1] == "!" and not in_comment:
            try:
                if pre.directive(stripped):
                    if pre.long is not None:
                        long_start = (number, raw)
                    continue
            except _LineError as err:
                if errors is not None:
                    errors.append(_error(err.message, file, number, _column_of(raw), raw))
                continue
        if pre.stack and not pre.active:
            continue
        if pre.macros and stripped:
            stripped = pre.expand(stripped)
            if "\n" in stripped:  # a !definelong macro: its lines, all at the line that calls it
                out.extend((number, piece.strip(), piece) for piece in stripped.split("\n")
                           if piece.strip()[:1] not in ("", "'"))
                continue
        if in_comment:
            end = raw.find("'/")
            if end == -1:
                continue
            in_comment = False
            raw = raw[end + 2:]            # text after the comment's end still counts
            stripped = raw.strip()
        if not stripped:
            append((number, "", raw))
            continue
        if stripped[0] == "'":
            continue
        if stripped.startswith("/'"):
            end = stripped.find("'/", 2)
            if end == -1:
                in_comment = True
                continue
            raw = stripped[end + 2:]
            stripped = raw.strip()
            if not stripped:
                continue
        elif stripped.endswith("'/") and "/'" in stripped:
            # A comment closing at the end of the line is dropped; one in the middle stays text.
            raw = raw[:raw.rfind("/'")].rstrip()
            stripped = raw.strip()
            if not stripped:
                continue
        append((number, stripped, raw))
    if pre.long is not None and errors is not None:
        number, raw = long_start
        errors.append(_error("this !definelong is never closed: add '!enddefinelong' after its lines",
                             file, number, _column_of(raw), raw))
    return out


def _block_text(lines: list[str]) -> str:
    """The text of a multi-line block: common indentation removed, trailing blanks kept."""
    body = [line.rstrip("\r\n") for line in lines]
    indents = [len(s) - len(s.lstrip()) for s in body if s.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(s[cut:] if s.strip() else "" for s in body)


# ---------------------------------------------------------------------------------------------
# The driver.

def _error(message: str, file, number: int, column: int, raw: str) -> DiagramError:
    return DiagramError(message, file=file, line=number, column=column, source_line=raw)


def _column_of(raw: str) -> int:
    """1-based column of the first non-blank character of ``raw``."""
    return len(raw) - len(raw.lstrip()) + 1


_HYPHENATED = re.compile(r"(?<![\w.@\"-])[\w.@]*\w-[\w.@-]*\w(?![\w.@\"])")
_DANGLING_ARROW = re.compile(r".*(?:-+>{1,2}|<{1,2}-+|-+[\\/]{1,2}|[\\/]{1,2}-+)\s*$")


def _why_not(line: str) -> tuple[str, int]:
    """A helpful message and 1-based column (in the trimmed line) for a line no command accepts."""
    head = line.split(":", 1)[0]
    m = _HYPHENATED.search(head)
    if m:
        name = m.group()
        return (f'unquoted name "{name}" contains a hyphen: write "{name}" in quotes, or declare '
                f'participant "{name}" as {name.replace("-", "_")}', m.start() + 1)
    if _DANGLING_ARROW.match(head):
        return "expected a participant name after the arrow", len(head.rstrip()) + 1
    return "syntax error: this line is not a sequence-diagram command", 1


def _run(text: str, file: str | None, lenient: bool) -> tuple[Diagram, tuple[DiagramError, ...]]:
    # A parse allocates many small objects and no reference cycles: pausing the cyclic collector
    # keeps large diagrams linear in time (it would otherwise rescan the growing model again and again).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse_text(text, file, lenient)
    finally:
        if collecting:
            gc.enable()


def _parse_text(text: str, file: str | None, lenient: bool) -> tuple[Diagram, tuple[DiagramError, ...]]:
    if not isinstance(text, str):
        raise TypeError(f"parse() needs text (str), not {type(text).__name__}")
    if text.startswith("\ufeff"):
        text = text[1:]  # a UTF-8 byte order mark, as editors on Windows write it
    errors: list[DiagramError] = []
    builder = _Builder(file)
    try:
        block, block_count = _block_lines(text, file)
    except DiagramError as err:
        return builder.diagram(), (err,)
    stream = _logical_lines(block, errors, file, joined="\\" in text)
    i = 0
    n = len(stream)
    first_failure: tuple[int, str] | None = None
    while i < n:
        number, line, raw = stream[i]
        if not line:
            i += 1
            continue
        builder.line = number
        builder.raw = raw
        i += 1
        try:
            if line[0] == "!":
                if re.match(r"!include\w*\s*<[^>]*>\s*$", line, re.I):
                    continue  # PlantUML's standard library (sprites, macros): nothing a sequence needs
                if line.lower().startswith("!include"):
                    raise _LineError(f"cannot include {line.split(None, 1)[1] if ' ' in line else ''}: "
                                     "flowlib does not resolve !include")
                raise _LineError(f"unsupported preprocessor directive {line.split()[0]}: flowlib knows !define, "
                                 "!definelong, !$variable =, !if/!ifdef/!else/!endif, !undef, !pragma and !theme")
            # (an arrow has a '-': other lines skip the regex)
            m = _SIMPLE_ARROW.fullmatch(line) if "-" in line else None
            if m is not None and m.group(1).lower() not in _EARLY_WORDS:
                _do_simple_arrow(builder, m)
                continue
            for command in _candidates(line):
                if type(command) is _Single:
                    m = command.pattern.match(line)
                    if m is None:
                        continue
                    command.action(builder, m)
                    break
                m = command.start.match(line)
                if m is None:
                    continue
                first = i
                depth = 1
                while i < n:
                    inner = stream[i][1]
                    if command.nested and inner.endswith("{"):
                        depth += 1
                    elif command.end.match(inner):
                        depth -= 1
                        if depth == 0 or not command.nested:
                            break
                    i += 1
                else:
                    i = first  # lenient mode goes on with the lines after the opening one
                    raise _LineError(f"this {command.name} is never closed: add '{command.closing}' after its text")
                i += 1
                if not command.raw and (command.keep_empty or i - 1 > first):
                    # The block's lines as written: indentation and blank lines are part of the text.
                    command.action(builder, m, _block_text([r for _, _, r in stream[first:i - 1]]))
                break
            else:
                if first_failure is None:
                    first_failure = (number, line)
                message, column = _why_not(line)
                raise _LineError(message, column)
        except _LineError as err:
            column = _column_of(raw) + err.column - 1
            errors.append(_error(err.message, file, number, column, raw))
            if not lenient:
                break
    if first_failure is not None:
        kind = _guess_other_kind([s for _, s, _ in stream])
        if kind is not None:
            number, line = first_failure
            raw_by_number = dict(block)
            err = _error(f"this looks like {KIND_PHRASES[kind]}, not a sequence diagram", file, number,
                         _column_of(raw_by_number[number]), raw_by_number[number])
            errors = [err] + [e for e in errors if e.line != number]
    # A group left open at the end is accepted, as PlantUML does (its end_line stays 0).
    diagram = builder.diagram(block_count)
    if not diagram.participants and not errors:
        last = block[-1][0] if block else 1
        errors.append(DiagramError("empty diagram: no participant and no message", file=file, line=last))
    return diagram, tuple(errors)


def parse(text: str, *, file: str | None = None) -> Diagram:
    """Parse sequence-diagram text into a :class:`Diagram`; raise :class:`DiagramError` at the first problem.

    >>> parse("A -> B").messages[0].target
    'B'
    """
    diagram, errors = _run(text, file, lenient=False)
    if errors:
        raise errors[0]
    return diagram


def parse_lenient(text: str, *, file: str | None = None) -> tuple[Diagram, tuple[DiagramError, ...]]:
    """Parse what can be parsed; return the diagram and every problem found, in line order.

    >>> diagram, problems = parse_lenient("A -> B\\nNova-api -> B\\nB -> C")
    >>> len(diagram.messages), problems[0].line
    (2, 2)
    """
    return _run(text, file, lenient=True)


def parse_file(path) -> Diagram:
    """Read and parse a ``.puml`` file (UTF-8); errors name the file."""
    from flowlib.reading.source import read_text

    return parse(read_text(path), file=str(path))
