"""The regexes that recognise sequence-diagram lines, written in PlantUML's vocabulary (%g a quote, names, colours).

The line patterns made with :func:`rx` are verbose, case-insensitive, and compiled the first time a
line is tried against them (:class:`Pattern`); the command table in :mod:`flowlib.reading.commands`
says which action each one triggers. ``SIMPLE_ARROW`` (the fast path for plain arrows),
``GROUP_TITLE`` and ``NAME_IN_LIST`` are ordinary compiled regexes.
"""

from __future__ import annotations

import re

QUOTES = "\"\u201c\u201d\u00ab\u00bb"          # the quote characters PlantUML accepts (%g)
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
# The lifeline suffixes of an arrow; 1.2026 refuses any other (a single + or -, which 1.2020 took).
_ACT = r"(?:--\+\+|\+\+--|\+\+|--|\*\*|!!)"
_F = re.IGNORECASE | re.VERBOSE


class Pattern:
    """A line pattern (verbose, case-insensitive, anchored at the line's start), compiled on first use.

    Most diagrams use a handful of the table's commands; compiling the rest would cost more than
    parsing a large diagram. The compiled regex is a cache: it never changes what a parse returns.

    ``needs``: a small regex found in every line the pattern matches (a necessary condition). A line
    without it is refused by that small regex alone: the big pattern is neither compiled nor run for it.
    """

    __slots__ = ("source", "needs", "match", "_whole")

    def __init__(self, source: str, needs: str | None = None):
        self.source = source
        self.needs = needs
        self._whole = self._compile
        # ``match(line)``: after the first call, the compiled regex's own method (or the guard's test).
        self.match = self._compile if needs is None else self._first_guarded

    def _compile(self, text: str):
        self._whole = re.compile(self.source, _F).match
        if self.needs is None:
            self.match = self._whole
        return self._whole(text)

    def _first_guarded(self, text: str):
        needed = re.compile(self.needs, _F).search

        def match(text: str):
            return self._whole(text) if needed(text) is not None else None

        self.match = match
        return match(text)


def rx(pattern: str, needs: str | None = None) -> Pattern:
    """A line pattern, matched against the whole trimmed line (each pattern ends with ``$``).

    ``needs``: what every line the pattern matches holds somewhere (see :class:`Pattern`).

    >>> rx(r"activate \\s+ (?P<name>\\w+) $").match("ACTIVATE Alice").group("name")
    'Alice'
    >>> note = rx(r"note \\s+ over \\s+ (?P<who>\\w+) \\s* : .* $", needs=":")
    >>> note.match("note over Bob: hi").group("who"), note.match("note over Bob") is None
    ('Bob', True)
    """
    return Pattern(pattern, needs)


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

def _end(stereo: str = "") -> str:
    """What ends every arrow line: lifeline changes, a lifeline colour, ``stereo`` (a fragment), a URL, the label."""
    return rf"""
    (?P<act>{_ACT})?                            # ++ -- ** !! --++ ++-- lifeline changes
    \s*
    (?P<lifecolor>\#\w+)?
    \s*
    {stereo}(?P<url>{_URL})?
    \s*
    (?::\s*(?P<label>.*))?
    $"""


def _arrow(newer: bool = False) -> str:
    """The arrow command's pattern; ``newer``: with 1.2026's additions (slanted ``->(30)``, multicast
    ``A -> B & C``, a ``<<stereotype>>`` before the label, ``_`` in a head)."""
    slant = r"|\(\d+\)" if newer else ""
    under1, under2 = ("_?", "_?") if newer else ("", "")
    multicast = r"(?P<multicast>(?:\s&\s[\w.@]+)*)" if newer else ""
    stereo = r"(?P<stereo><<.+?>>)?\s*" if newer else ""                # as PlantUML: <<.+?>>
    return rf"""
    (?P<parallel>&\s*)?                         # teoz: same height as the previous message
    (?:\{{\w+\}}\s+)?                           # {{anchor}}
    {_part("a")}
    (?:\{{\w+\}}\s+)?
    \s*
    (?P<d1>\s[ox]|(?:\s[ox]{slant})?<<?{under1}|(?:\s[ox])?//?|(?:\s[ox])?\\\\?)?   # head on the left: < << / \\ o x
    (?:
        (?P<ba1>-+)(?P<st1>{_STYLE})?(?P<bb1>-*)                     # body, with an optional [#red]
      | (?P<ba2>-*)(?P<st2>{_STYLE})?(?P<bb2>-+)
    )
    (?P<d2>{under2}>>?(?:[ox]\s{slant})?|//?(?:[ox]\s)?|\\\\?(?:[ox]\s)?|[ox]\s)?   # head on the right
    \s*
    {_part("b")}
    {multicast}
    (?:\{{\w+\}}\s+)?
    \s*
    {_end(stereo)}"""


ARROW = rx(_arrow())
# 1.2026's additions, one command each; a small regex (``needs``) skips lines without the construct.
def _newer(construct: str) -> Pattern:
    """1.2026's arrow pattern, tried only on lines holding ``construct`` (its guard, see :class:`Pattern`)."""
    return rx(_arrow(newer=True), needs=construct)


ARROW_SLANTED = _newer(r"\(\d+\)")            # A ->(30) B: drawn slanted
ARROW_MULTICAST = _newer(r"\s&\s")             # A -> B & C: one message to several
ARROW_STEREOTYPE = _newer(r"<<")                # A -> B <<create>> : x
ARROW_UNDERSCORE = _newer(r"(?:_>|<_)")         # A -_> B


# Fast path for the overwhelmingly common ``A -> B : label`` (no dressing beyond > or >>). Possessive
# repeats (*+ ++): what follows each one cannot start with what it repeats, so giving characters back
# never helps, and a line that is not this simple arrow is refused without trying.
SIMPLE_ARROW = re.compile(r"""(\w++|"[^"]++")\s*+(--?)(>>?)\s*+(\w++|"[^"]++")\s*+(\+\+|--)?\s*+(?::\s*+(.*+))?""",
                          re.ASCII)


# An edge arrow's head touches its body: '->' '-/' '-\\' '-[#red]>' or '<-' '/-' '\\-' '<[#red]-' (a guard:
# lines without one, such as a note on a hyphenated name, skip compiling and running the edge patterns).
_EXO_HEAD = r"[-\]][>/\\]|[</\\][-\[]"
# An edge arrow's body: a head on either side of the dashes, an optional [#red] style.
_EXO_BODY = rf"""(?:
        (?P<both><<?|//?|\\\\?)?(?P<ba1>-+)(?P<st1>{_STYLE})?(?P<bb1>-*)(?P<d1>>>?|//?|\\\\?)
      | (?P<d2><<?|//?|\\\\?)(?P<bb2>-*)(?P<st2>{_STYLE})?(?P<ba2>-+)
    )"""

EXO_LEFT = rx(rf"""
    (?P<parallel>&\s*)?
    (?P<short>[?\[\]][ox]?)?                    # [ ] or ? : the diagram's edge (none: the left one)
    {_EXO_BODY}
    (?P<supp>[ox]\s+)?
    \s*
    (?P<part>{_NAME})
    \s*
    {_end()}""", needs=_EXO_HEAD)

EXO_RIGHT = rx(rf"""
    (?P<parallel>&\s*)?
    (?P<part>{_NAME})
    (?P<supp>\s+[ox])?
    \s*
    {_EXO_BODY}
    (?P<short>[ox]?[?\]\[])?                    # missing: "A -> : text" goes to the right edge
    \s*
    {_end()}""", needs=_EXO_HEAD)

_KIND_RX = r"participant|actor|create|boundary|control|entity|queue|database|collections"
_DECL_TAIL = rf"""
    \s*(?P<stereo>{_STEREO})?
    \s*(?:order\s+(?P<order>-?\d{{1,7}}))?
    \s*(?P<url>{_URL})?
    \s*(?P<color>{_COLOR})?
    $"""
_DECL_HEAD = rf"(?:(?P<create>create)\s+(?=(?:{_KIND_RX})\s))?(?P<kind>{_KIND_RX})\s+"

# participant "Long" as L   |   participant L
DECL_A = rx(_DECL_HEAD + rf"(?:{_QUOTE}(?P<full>{_NOT_QUOTE}+){_QUOTE}\s+as\s+)?(?P<code>{_CODE})" + _DECL_TAIL)
# participant L as "Long"
DECL_A2 = rx(_DECL_HEAD + rf"(?P<code>{_CODE})\s+as\s+{_QUOTE}(?P<full>{_NOT_QUOTE}+){_QUOTE}" + _DECL_TAIL)
# participant Long as L
DECL_A3 = rx(_DECL_HEAD + rf"(?P<full>{_CODE})\s+as\s+(?P<code>{_CODE})" + _DECL_TAIL)
# participant "Long"
DECL_A4 = rx(_DECL_HEAD + rf"{_QUOTE}(?P<code>{_NOT_QUOTE}+){_QUOTE}" + _DECL_TAIL)

ACTIVATE = rx(rf"""
    (?P<action>activate|deactivate|destroy|create)
    \s+(?P<who>{_NAME})
    \s*(?P<back>\#\w+)?
    \s*(?P<line>\#\w+)?
    $""")
DEACTIVATE_SHORT = rx(r"deactivate\s*$")
ACTIVATE2 = rx(rf"(?P<who>{_CODE})\s*(?P<action>\+\+|--)\s*(?P<color>\#\w+)?$")   # A ++ / A --

_NOTE_HEAD = rf"""
    (?P<parallel>&\s*)?
    (?P<vmerge>/)?\s*
    (?P<style>note|hnote|rnote)\s*
    (?P<stereo><<.*>>)?\s*"""
NOTE = rx(_NOTE_HEAD + rf"""
    (?P<position>right|left|over)\s+
    (?:of\s+)?(?P<who>{_NAME})\s*
    (?P<color>{_COLOR})?\s*
    (?P<url>{_URL})?\s*
    :\s*(?P<text>.*)
    $""", needs=":")            # (the text after its colon)
NOTE_SEVERAL = rx(_NOTE_HEAD + rf"""
    over\s+(?P<p1>{_NAME})\s*,\s*(?P<p2>{_NAME})\s*
    (?P<color>{_COLOR})?\s*
    (?P<url>{_URL})?\s*
    :\s*(?P<text>.*)
    $""", needs=":")            # (the text after its colon)
NOTE_ACROSS = rx(r"""
    (?P<vmerge>/)?\s*
    (?P<style>note|hnote|rnote)\s*
    (?P<stereo><<.*>>)?\s*
    (?:across|accross)\s*
    (?P<color>\#\w+(?:[-\\|/]\w+)?)?\s*
    :\s*(?P<text>.*)
    $""", needs=":")            # (the text after its colon)
NOTE_ON_ARROW = rx(rf"""
    (?P<style>note|hnote|rnote)\s*
    (?P<stereo><<.*>>)?\s+
    (?P<position>right|left|bottom|top)\s*
    (?P<color>{_COLOR})?\s*
    (?P<url>{_URL})?\s*
    :\s*(?P<text>.*)
    $""", needs=":")            # (the text after its colon)
END_NOTE = rx(r"end\s?(?:note|hnote|rnote)$")

BOX_START = rx(rf"""
    box
    (?:\s+{_QUOTE}(?P<name1>{_NOT_QUOTE}+){_QUOTE}|\s+(?P<name2>[^\#]+))?
    \s*(?P<stereo><<.*>>)?
    \s*(?P<color>{_COLOR})?
    $""")
BOX_END = rx(r"end\s?box$")

GROUP = rx(r"""
    (?P<parallel>&\s*)?
    (?P<type>opt|alt|loop|par|par2|break|critical|else|end|also|group)
    (?P<colors>(?<!else)(?<!also)(?<!end)\#\w+)?(?:\s+\#\w+)?
    (?:\s+(?P<comment>.*?))?
    $""")
GROUP_TITLE = re.compile(r"(.*?)\[(.*)\]$")

RETURN = rx(r"(?P<parallel>&\s*)?return(?:\s+\#\w+)?\s*(?P<label>.*)$")
NEWPAGE = rx(r"@?newpage(?:(?:\s*:\s*|\s+)(?P<title>.*[\w.].*))?$")
DIVIDER = rx(r"==\s*(?P<text>.*)==$")
SPACER = rx(r"(?:\|\|(?P<size>\d+)\|\||\|{3,})$")
DELAY = rx(r"(?:\.\.\.|\u2026)(?:(?P<text>.*)(?:\.\.\.|\u2026))?$")
REF = rx(rf"""
    ref(?:\#\w+)?\s+over\s+
    (?P<parts>{_NAME}(?:\s*,\s*{_NAME})*)\s*
    :\s*(?P<text>.*)
    $""")
REF_MULTI = rx(rf"ref(?:\#\w+)?\s+over\s+(?P<parts>{_NAME}(?:\s*,\s*{_NAME})*)\s*(?:\#\w+)?$")
END_REF = rx(r"end\s?(?:ref)?$")
NAME_IN_LIST = re.compile(_NAME)

AUTONUMBER = rx(rf"""
    autonumber
    (?:\s+(?P<start>\d(?:(?:[^\w\s]+|\d+)*\d)?))?
    (?:\s+(?P<step>\d+))?
    (?:\s+{_QUOTE}(?P<format>{_NOT_QUOTE}+){_QUOTE})?
    \s*$""")
AUTONUMBER_STOP = rx(r"autonumber\s+stop\s*$")
AUTONUMBER_RESUME = rx(rf"autonumber\s+resume(?:\s+(?P<step>\d+))?(?:\s+{_QUOTE}(?P<format>{_NOT_QUOTE}+){_QUOTE})?\s*$")
AUTONUMBER_INC = rx(r"autonumber\s+inc\s*(?P<level>[a-z])\s*$")
AUTOACTIVATE = rx(r"autoactivate\s+(?P<on>on|off)\s*$")

# Lines PlantUML accepts and we keep nothing of (styling, layout, paging).
IGNORED = rx(r"""
    (?: (?:hide|show)\s+                                  # hide circle, show <<x>> methods, hide empty members
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

# The participants' feet: PlantUML draws them unless hidden (strict UML has none).
FOOTBOX = rx(r"""
    (?: (?:(?P<shown>show)|hide)\s+footbox
      | footbox\s+(?:(?P<shown2>on)|off)
      | skinparam\s+style\s+strictuml
    )\s*$""")

IGNORE_NEWPAGE = rx(r"ignore\s+newpage$")
HIDE_UNLINKED = rx(r"(?P<verb>hide|show)\s+unlinked$")

TITLE = rx(rf"title(?:\s*:\s*|\s+)(?P<text>.*[\w.].*|{_QUOTE}{_QUOTE})$")
TITLE_MULTI = rx(r"title$")
CAPTION = rx(r"caption(?:\s*:\s*|\s+)(?P<text>.*)$")
CAPTION_MULTI = rx(r"caption$")
HEADER = rx(r"(?:(?:left|right|center)\s*)?(?P<which>header|footer)(?:\s*:\s*|\s+)(?P<text>.*)$")
HEADER_MULTI = rx(r"(?:(?:left|right|center)\s*)?(?P<which>header|footer)$")
LEGEND = rx(r"legend(?:\s+(?:top|bottom))?(?:\s+(?:left|right|center))?$")
SKINPARAM_BLOCK = rx(r"skinparam(?:locked)?\s*(?:\s+[\w.]*(?:<<.*>>)?[\w.]*)?\s*\{$")
SPRITE_BLOCK = rx(r"sprite\s+\$?[\w.]+\s*(?:\[[^\]]*\])?\s*\{$")
SPRITE_LINE = rx(r"sprite\s+\$?[\w.]+\s*(?:\[[^\]]*\])?\s+\S.*$")
STYLE_BLOCK = rx(r"<style>$")


END_TITLE = rx(r"end\s?title$")
END_CAPTION = rx(r"end\s?caption$")
END_HEADER = rx(r"end\s?(?:header|footer)$")
END_LEGEND = rx(r"end\s?legend$")
CLOSE_BRACE = rx(r"\}$")
END_STYLE = rx(r"</style>$")

NOTE_MULTI = rx(_NOTE_HEAD + rf"(?P<position>right|left|over)\s+(?:of\s+)?(?P<who>{_NAME})\s*"
                rf"(?P<color>{_COLOR})?\s*(?P<url>{_URL})?\s*$")
NOTE_SEVERAL_MULTI = rx(_NOTE_HEAD + rf"over\s+(?P<p1>{_NAME})\s*,\s*(?P<p2>{_NAME})\s*"
                        rf"(?P<color>{_COLOR})?\s*(?P<url>{_URL})?\s*$")
NOTE_ON_ARROW_MULTI = rx(r"(?P<style>note|hnote|rnote)\s*(?P<stereo><<.*>>)?\s+(?P<position>right|left|bottom|top)"
                         rf"\s*(?P<color>{_COLOR})?\s*(?P<url>{_URL})?\s*$")
NOTE_ACROSS_MULTI = rx(r"(?P<vmerge>/)?\s*(?P<style>note|hnote|rnote)\s*(?P<stereo><<.*>>)?\s*(?:across|accross)"
                       r"\s*(?P<color>\#\w+(?:[-\\|/]\w+)?)?\s*$")
END_NOTE_ON_ARROW = rx(r"end\s?note$")
