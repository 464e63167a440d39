"""Write a diagram model back to PlantUML text, so that parsing the text gives the same model.

Rule 1: the writer reads the model only; it never calls the parser. What it writes follows what
PlantUML 1.2020.02 does with text (checked with its own parser, the oracle):

- single-line texts (labels, ``note X: text``, dividers, delays, titles, display names) are split by
  PlantUML on ``\\n`` and unescaped (``\\\\`` is one backslash, ``\\t`` a tab), except inside ``[[...]]``
  links and ``<math>``/``<latex>`` formulas, which it keeps raw;
- multi-line blocks (``note ... end note``, ``ref ... end ref``, ``title ... end title``) keep each line
  raw, but drop comment lines and the indentation common to all lines;
- the ends of a single line are trimmed, so a label's leading or trailing blanks cannot be written.

Text that no PlantUML line can hold (a participant name with a double quote, a group label with a
line break) raises ValueError rather than being written as something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flowlib.model import (
    Delay,
    Diagram,
    Divider,
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
from flowlib.reading.escaping import TRAILING_COMMENT, continues, escape, unescape
from flowlib.reading.themes import THEMES

__all__ = ["to_plantuml"]

# PlantUML's [%g]: the characters it accepts as quotes around a name.
_QUOTES = '"\u201c\u201d\u00ab\u00bb'

# Words that start a command; a participant named like one is quoted to stay a name.
_KEYWORDS = frozenset(
    """participant actor boundary control entity database collections queue activate deactivate
    destroy create note hnote rnote ref alt else opt loop par par2 break critical group end box
    endbox title endtitle header endheader footer endfooter legend endlegend caption autonumber
    autoactivate return newpage skinparam hide show as order left right over of across also
    skin scale mainframe""".split()
)

_NOTE_KEYWORDS = {"normal": "note", "hexagonal": "hnote", "box": "rnote"}

def to_plantuml(diagram: Diagram) -> str:
    """PlantUML text for ``diagram``: ``parse(to_plantuml(d))`` equals ``d`` up to source lines.

    >>> from flowlib import parse
    >>> print(to_plantuml(parse("@startuml\\nA -> B : hi\\n@enduml")), end="")
    @startuml
    A -> B : hi
    @enduml
    """
    return "".join(line + "\n" for line in _Writer(diagram).write())


# --------------------------------------------------------------------------- text and names


# After a command word, text that PlantUML would read as an arrow (`alt -> x` is a message) or a colour.
_ARROW_OR_COLOR = re.compile(r"\s*(?:(?:[ox]\s*)?(?:<<?|//?|\\\\?)?-|\#\w)")
# A delay's text follows `...`, which is itself a name: `...A -> B...` is a message.
_DELAY_ARROW = re.compile(r"[\w.@]*\s*(?:[ox]\s*)?(?:<<?|//?|\\\\?)?-")


def _after_keyword(text: str, what: str) -> str:
    """Escaped text to follow a command word, refused when PlantUML would read it as something else."""
    if _ARROW_OR_COLOR.match(text):
        raise ValueError(f"{what} {text!r} cannot be written: PlantUML would read it as an arrow or a colour")
    return escape(text)


def _plain_chars(code: str) -> bool:
    """True when ``code`` matches PlantUML's unquoted name, ``[%pLN_.@]+``."""
    return bool(code) and all(c.isalnum() or c in "_.@" for c in code)


def _is_bare(code: str) -> bool:
    """True when ``code`` can stand unquoted at the start of a line: a plain name, not a command word."""
    return _plain_chars(code) and code.lower() not in _KEYWORDS


def _name(code: str) -> str:
    """A participant reference: bare when it can be, else quoted."""
    if _is_bare(code):
        return code
    if not code or any(q in code for q in _QUOTES) or "\n" in code or code != code.strip():
        raise ValueError(f"participant name {code!r} cannot be written in PlantUML")
    return f'"{code}"'


def _color(color: str) -> str:
    """A colour as a line writes it, with its ``#`` (the model keeps it as written, with or without one).

    >>> _color("LightBlue"), _color("#ff0000")
    ('#LightBlue', '#ff0000')
    """
    return color if color.startswith("#") else f"#{color}"


def _quoted(text: str, what: str) -> str:
    """``"text"`` with ``text`` escaped, for a display name or box title."""
    body = escape(text)
    if any(q in body for q in _QUOTES):
        raise ValueError(f"{what} {text!r} holds a double quote, which PlantUML cannot quote")
    return f'"{body}"'


# Lines a multi-line block may not hold raw: comments, preprocessor lines, diagram ends.
_UNSAFE_RAW_LINE = re.compile(r"^\s*(?:'|!|@)|/'")
# Lines that close a block (any of them closes any note; a bare `end` closes a ref).
_END_NOTE = re.compile(r"^\s*end\s?(?:note|hnote|rnote)\s*$", re.I)
_END_REF = re.compile(r"^\s*end\s?(?:ref)?\s*$", re.I)
_END_TITLE = re.compile(r"^\s*end\s?title\s*$", re.I)
_END_HEADER = re.compile(r"^\s*end\s?(?:header|footer)\s*$", re.I)
_END_LEGEND = re.compile(r"^\s*end\s?legend\s*$", re.I)
_END_CAPTION = re.compile(r"^\s*end\s?caption\s*$", re.I)


def _text_command(keyword: str, text: str, end: re.Pattern[str]) -> list[str]:
    """``keyword text`` on one line, or a ``keyword ... end keyword`` block for several lines."""
    lines = _block_lines(text, end) if "\n" in text else None
    if lines is not None:
        return [keyword, *lines, f"end {keyword}"]
    return [f"{keyword} {escape(text)}"]


def _block_lines(text: str, end: re.Pattern[str], *, min_lines: int = 2) -> list[str] | None:
    """The lines of ``text`` if a multi-line block gives ``text`` back raw, else None."""
    lines = text.split("\n")
    if len(lines) < min_lines or not lines[0].strip() or not lines[-1].strip():
        return None
    indented = [line for line in lines if line.strip()]
    if all(line[:1].isspace() for line in indented):
        return None  # PlantUML removes indentation common to every line
    for line in lines:
        if end.match(line) or _UNSAFE_RAW_LINE.search(line) or continues(line) or "\r" in line:
            return None
        if line and not line.strip():
            return None  # a line of blanks: PlantUML keeps it, flowlib's parser empties it
    return lines


# --------------------------------------------------------------------------- autonumber


@dataclass
class _Counter:
    """The state of ``autonumber``: the next value and how it is printed."""

    prefix: str
    value: tuple[int, ...]  # one part, or several for a dotted number such as 2.3
    width: int
    suffix: str
    step: int = 1
    running: bool = True

    def text(self) -> str:
        if len(self.value) > 1:
            return "<b>" + ".".join(map(str, self.value)) + "</b>"
        return f"{self.prefix}{self.value[0]:0{self.width}d}{self.suffix}"

    def advance(self) -> None:
        self.value = self.value[:-1] + (self.value[-1] + self.step,)


_DOTTED = re.compile(r"<b>(\d+(?:\.\d+)+)</b>")
_PLAIN = re.compile(r"(.*?)(\d+)(\D*)", re.S)
# Characters DecimalFormat reads as pattern syntax in a prefix or suffix; they must be quoted.
_DECIMAL_SPECIAL = set("0123456789#.,%\u2030\u00a4;'")


def _counter_for(number: str) -> _Counter:
    dotted = _DOTTED.fullmatch(number)
    if dotted:
        return _Counter("<b>", tuple(int(x) for x in dotted.group(1).split(".")), 1, "</b>")
    plain = _PLAIN.fullmatch(number)
    if plain is None or '"' in number or "\n" in number:
        raise ValueError(f"autonumber {number!r} cannot be written in PlantUML")
    prefix, digits, suffix = plain.groups()
    width = len(digits) if digits.startswith("0") and len(digits) > 1 else 1
    return _Counter(prefix, (int(digits),), width, suffix)


def _decimal_literal(text: str) -> str:
    """``text`` as literal prefix/suffix of a DecimalFormat pattern (quoting its special characters)."""
    out: list[str] = []
    for c in text:
        if c == "'":
            out.append("''")
        elif c in _DECIMAL_SPECIAL:
            out.append(f"'{c}'")
        else:
            out.append(c)
    return "".join(out)


def _autonumber_line(counter: _Counter) -> str:
    if len(counter.value) > 1:
        start = ".".join(map(str, counter.value))
        return f"autonumber {start}" + (f" {counter.step}" if counter.step != 1 else "")
    fmt = _decimal_literal(counter.prefix) + "0" * counter.width + _decimal_literal(counter.suffix)
    parts = ["autonumber", str(counter.value[0])]
    if counter.step != 1 or fmt != "<b>0</b>":
        parts.append(str(counter.step))
    if fmt != "<b>0</b>":
        parts.append(f'"{fmt}"')
    if parts == ["autonumber", "1"]:
        return "autonumber"
    return " ".join(parts)


def _same_shape(a: _Counter, b: _Counter) -> bool:
    return (a.prefix, a.width, a.suffix, len(a.value), a.value[:-1]) == (
        b.prefix, b.width, b.suffix, len(b.value), b.value[:-1])


# --------------------------------------------------------------------------- the writer


class _Writer:
    """Walks the events once, declaring participants just in time so their order survives."""

    def __init__(self, diagram: Diagram):
        self.d = diagram
        self.out: list[str] = []
        self.order = list(diagram.participants)
        self.index = {p.code: i for i, p in enumerate(self.order)}
        self.introduced: set[str] = set()
        self.open_box: tuple | None = None  # (box index, title) of the box open in the output
        self.counter: _Counter | None = None
        first_ref: dict[str, object] = {}
        for event in diagram.events:
            for code in self._refs(event):
                first_ref.setdefault(code, event)
        self.first_ref = first_ref
        # A participant whose first appearance is an explicit `create` is declared by that line.
        self.created_by = {
            code: ev for code, ev in first_ref.items()
            if isinstance(ev, LifeEvent) and ev.action == "create" and not ev.implicit
        }
        self.by_code = {p.code: p for p in self.order}
        self.free = [p for p in self.order if self._declared_apart(p)]
        self.free_codes = {p.code for p in self.free}
        numbered = [m for m in diagram.messages if m.number is not None]
        # For each numbered message, the number of the next numbered one (to guess the increment).
        self.after = {a.step: b.number for a, b in zip(numbered, numbered[1:])}

    # -- participants

    def _declared_apart(self, p: Participant) -> bool:
        """True when ``p`` gets its own declaration line (not implied by use, not created)."""
        if p.code in self.created_by:
            return False
        if p.code not in self.first_ref:
            return True
        return p.declared or not self._plain(p)

    @staticmethod
    def _plain(p: Participant) -> bool:
        """True when first use alone gives ``p`` (no declaration needed)."""
        return (
            p.kind == "participant"
            and p.stereotype is None
            and p.color is None
            and p.order is None
            and p.display == unescape(p.code)
        )

    def _declaration(self, p: Participant) -> str:
        if p.display == unescape(p.code):
            head = _name(p.code)
        elif _plain_chars(p.code):
            head = f"{_quoted(p.display, 'participant display')} as {p.code}"
        else:
            raise ValueError(
                f"participant {p.code!r} shown as {p.display!r} cannot be written: PlantUML gives a "
                "different display only to a participant with a plain (unquoted) name"
            )
        parts = [p.kind, head]
        if p.stereotype:
            parts.append(p.stereotype)
        if p.order is not None:
            parts.append(f"order {p.order}")
        if p.color:
            parts.append(_color(p.color))
        return " ".join(parts)

    def _box_open(self, p: Participant) -> str:
        """The ``box`` line that opens ``p``'s box, with its title and colour."""
        line = "box" if p.box == "" else f"box {_quoted(p.box, 'box title')}"
        if p.box_index is not None and p.box_index < len(self.d.boxes):
            color = self.d.boxes[p.box_index].color
            if color:
                line += " " + _color(color)
        return line

    def _declare(self, people: list[Participant]) -> None:
        """Declaration lines for ``people``, with consecutive members of one box inside it."""
        for p in people:
            self._enter_box(p)
            self.out.append(self._declaration(p))
            self.introduced.add(p.code)

    def _enter_box(self, p: Participant | None) -> None:
        """Be inside ``p``'s box (or outside any box) before ``p`` is named for the first time.

        A box stays open while its members come, events between them included: PlantUML draws two
        ``box`` blocks as two boxes, even with the same title and colour.
        """
        key = None if p is None or p.box is None else (p.box_index, p.box)
        if key == self.open_box:
            return
        if self.open_box is not None:
            self.out.append("end box")
        if key is not None:
            self.out.append(self._box_open(p))
        self.open_box = key

    def _flush_before(self, code: str | None) -> None:
        """Declare every free participant that comes before ``code`` (all of them for None)."""
        limit = len(self.order) if code is None else self.index.get(code, len(self.order))
        due = [p for p in self.free if p.code not in self.introduced and self.index[p.code] < limit]
        if due:
            self._declare(due)

    def _introduce(self, codes: list[str]) -> None:
        """Make ``codes`` ready for an event that names them (inside the box of a new one)."""
        for code in codes:
            if code in self.introduced:
                continue
            self._flush_before(code)
            p = self.by_code.get(code)
            if code in self.free_codes:
                self._declare([p])
                continue
            self.introduced.add(code)
            self._enter_box(p)

    @staticmethod
    def _refs(event) -> list[str]:
        """Participant codes an event names, in the order PlantUML creates them."""
        if isinstance(event, Message):
            return [c for c in (event.source, event.target, *event.multicast) if c is not None]
        if isinstance(event, (Note, Reference)):
            return list(event.participants)
        if isinstance(event, LifeEvent):
            return [event.participant]
        return []

    # -- the walk

    def write(self) -> list[str]:
        d = self.d
        self.out.append("@startuml")
        self._head(d)
        # Declarations that precede every implied participant go first, as people write them.
        lead = []
        for p in self.order:
            if p.code not in self.free_codes:
                break
            lead.append(p)
        self._declare(lead)
        events = d.events
        i, n = 0, len(events)
        while i < n:
            i = self._event(events, i)
        self._flush_before(None)
        self._enter_box(None)
        self.out.append("@enduml")
        # The model keeps only the first block of a multi-block text; placeholders keep the count.
        for n in range(2, d.block_count + 1):
            self.out += ["", "@startuml", f"' block {n} of the original text: flowlib reads the first block only",
                         "@enduml"]
        return self.out

    def _head(self, d: Diagram) -> None:
        for theme in d.themes:
            if theme not in THEMES:
                raise ValueError(f"the theme {theme!r} cannot be written: PlantUML 1.2026.8 bundles no theme of "
                                 "that name and would refuse the text")
            self.out.append(f"!theme {theme}")
        if not d.footbox:
            self.out.append("hide footbox")
        if d.title is not None:
            self.out += _text_command("title", d.title, _END_TITLE)
        if d.header is not None:
            self.out += _text_command("header", d.header, _END_HEADER)
        if d.footer is not None:
            self.out += _text_command("footer", d.footer, _END_HEADER)
        if d.caption is not None:
            self.out += _text_command("caption", d.caption, _END_CAPTION)
        if d.legend is not None:
            lines = _block_lines(d.legend, _END_LEGEND, min_lines=1)
            if lines is None:
                raise ValueError(f"legend {d.legend!r} cannot be written: a legend is a block of raw lines")
            self.out += ["legend", *lines, "endlegend"]

    def _event(self, events, i: int) -> int:
        """Write ``events[i]`` (and the implicit events folded into it); returns the next index."""
        ev = events[i]
        if isinstance(ev, LifeEvent) and ev.implicit and ev.action == "create":
            nxt = events[i + 1] if i + 1 < len(events) else None
            if isinstance(nxt, Message) and nxt.target == ev.participant and not nxt.is_return:
                return self._message(events, i + 1, create=True)
        if isinstance(ev, Message):
            return self._message(events, i, create=False)
        self._introduce(self._refs(ev))
        self.out += self._other(ev)
        return i + 1

    def _other(self, ev) -> list[str]:
        if isinstance(ev, Note):
            return self._note(ev)
        if isinstance(ev, GroupStart):
            return [self._group_start(ev)]
        if isinstance(ev, GroupElse):
            return ["else" if ev.label is None else f"else {_group_text(ev.label)}"]
        if isinstance(ev, GroupEnd):
            return ["end"]
        if isinstance(ev, Divider):
            return [f"== {escape(ev.text)}=="]
        if isinstance(ev, Delay):
            if _DELAY_ARROW.match(ev.text):
                raise ValueError(f"delay text {ev.text!r} cannot be written: PlantUML would read an arrow")
            return [f"...{escape(ev.text)}..." if ev.text else "..."]
        if isinstance(ev, Spacer):
            return ["|||" if ev.size is None else f"||{ev.size}||"]
        if isinstance(ev, Reference):
            head = "ref over " + ", ".join(_name(c) for c in ev.participants)
            lines = _block_lines(ev.text, _END_REF)
            if lines is not None:
                return [head, *lines, "end ref"]
            return [f"{head} : {escape(ev.text)}"]
        if isinstance(ev, LifeEvent):
            return [self._life(ev)]
        if isinstance(ev, NewPage):
            return ["newpage" if ev.title is None else f"newpage {escape(ev.title)}"]
        raise TypeError(f"not a diagram event: {ev!r}")

    def _life(self, ev: LifeEvent) -> str:
        if ev.action == "create":
            p = self.by_code.get(ev.participant)
            if p is not None and self.created_by.get(ev.participant) is ev and (p.declared or not self._plain(p)):
                return f"create {self._declaration(p)}"
            return f"create {_name(ev.participant)}"
        line = f"{ev.action} {_name(ev.participant)}"
        if ev.color:
            line += " " + _color(ev.color)
        return line

    def _note(self, note: Note) -> list[str]:
        keyword = _NOTE_KEYWORDS.get(note.style, "note")
        if note.position == "across" or (note.position == "over_several" and not note.participants):
            where = "across"
        elif note.attached_to is not None or not note.participants:
            where = note.position if note.position in ("left", "right", "top", "bottom") else "right"
        elif note.position in ("left", "right"):
            where = f"{note.position} of {_name(note.participants[0])}"
        else:
            where = "over " + ", ".join(_name(c) for c in note.participants)
        if note.color:
            where += " " + _color(note.color)
        lines = _block_lines(note.text, _END_NOTE)
        if lines is not None:
            return [f"{keyword} {where}", *lines, f"end {keyword}"]
        return [f"{keyword} {where} : {escape(note.text)}"]

    def _group_start(self, g: GroupStart) -> str:
        lead = "&" if g.parallel else ""
        if g.kind == "group":
            if g.title == "group" and g.label is not None:
                return f"{lead}group {_group_text(g.label)}"
            if g.label is None:
                return f"{lead}group {_group_text(g.title)}"
            return f"{lead}group {_group_text(g.title)}[{_group_text(g.label)}]"
        if g.label is None:
            return f"{lead}{g.kind}"
        return f"{lead}{g.kind} {_group_text(g.label)}"

    # -- messages

    def _message(self, events, i: int, *, create: bool) -> int:
        m: Message = events[i]
        self._number(m)
        # Implicit life events PlantUML adds after the arrow for ++, --, !! and return.
        j = i + 1
        after: list[LifeEvent] = []
        while j < len(events) and isinstance(events[j], LifeEvent) and events[j].implicit and len(after) < 2:
            after.append(events[j])
            j += 1
        suffix, used = _suffix(m, after)
        j = i + 1 + used

        if m.is_return:
            self._introduce(self._refs(m))
            line = ("& " if m.parallel else "") + "return" + (
                f" {_after_keyword(m.label, 'return label')}" if m.label else "")
        else:
            order = self._creation_order(m)
            self._introduce(order)
            line = self._arrow_line(m, reverse=order != self._refs(m), suffix=("**" if create else "") + suffix)
        self.out.append(line)
        return j

    def _creation_order(self, m: Message) -> list[str]:
        """The order in which ``m`` must name its participants so new ones keep the model's order."""
        refs = self._refs(m)
        if (
            len(refs) == 2
            and refs[0] != refs[1]
            and not m.bidirectional
            and all(c not in self.introduced and c not in self.free_codes for c in refs)
            and self.index.get(refs[1], 0) < self.index.get(refs[0], 0)
        ):
            return refs[::-1]
        return refs

    def _arrow_line(self, m: Message, *, reverse: bool, suffix: str) -> str:
        lead = "& " if m.parallel else ""
        color = f"[{m.color}]" if m.color else ""
        label = f" : {escape(m.label)}" if m.label else ""
        tail = f" {suffix}" if suffix else ""
        if m.stereotype is not None:
            if not _reads_back_whole(m.stereotype):
                raise ValueError(f"the message stereotype {m.stereotype!r} cannot be written in PlantUML")
            tail += f" {m.stereotype}"
        if m.exo is not None:
            if m.slant is not None:
                raise ValueError("a slanted message to or from the diagram's edge cannot be written in PlantUML")
            return lead + _exo_arrow(m, color) + tail + label
        body = "-" + color + ("-" if m.dotted else "")
        src, dst = _name(m.source), _name(m.target)
        if m.bidirectional:
            # '<->x', not '<-x': PlantUML 1.2026 reads 'A <-x B' as going from B to A
            arrow = "<" + body + (">x" if m.head == "crossx" else _HEAD_RIGHT[m.head])
        elif reverse:
            src, dst = dst, src
            arrow = _HEAD_LEFT[m.head] + body
        else:
            arrow = body + _HEAD_RIGHT[m.head]
        if m.slant is not None:            # 1.2026: 'A ->(30) B', 'A (30)<- B'
            if m.head == "crossx":
                raise ValueError("a slanted arrow with a cross head cannot be written in PlantUML")
            arrow = f"({m.slant}){arrow}" if reverse and not m.bidirectional else f"{arrow}({m.slant})"
        for other in m.multicast:          # 1.2026: 'A -> B & C' (names there cannot be quoted)
            if not re.fullmatch(r"[\w.@]+", other):
                raise ValueError(f"a multicast to {other!r} cannot be written in PlantUML: the name needs quotes")
            dst += f" & {other}"
        # PlantUML reads an `x` head only when a blank separates it from the name.
        return f"{lead}{src} {arrow} {dst}{tail}{label}"

    def _number(self, m: Message) -> None:
        """Write the ``autonumber`` line (if any) that gives ``m`` its number."""
        c = self.counter
        if m.number is None:
            if c is not None and c.running:
                self.out.append("autonumber stop")
                c.running = False
            return
        if c is not None and c.text() == m.number:
            if not c.running:
                self.out.append("autonumber resume")
                c.running = True
            c.advance()
            return
        c = _counter_for(m.number)
        if c.text() != m.number:
            raise ValueError(f"autonumber {m.number!r} cannot be written in PlantUML")
        later = self.after.get(m.step)
        if later is not None and (_DOTTED.fullmatch(later) or _PLAIN.fullmatch(later)) and '"' not in later:
            nxt = _counter_for(later)
            if _same_shape(c, nxt) and nxt.value[-1] > c.value[-1]:
                c.step = nxt.value[-1] - c.value[-1]
        self.out.append(_autonumber_line(c))
        self.counter = c
        c.advance()


# PlantUML reads a message's stereotype as '<<.+?>>': the shortest one the rest of the line allows. A
# '>>' inside it that blanks and a ':' (the label), a '[[' (a link) or the line's end could follow would end it early.
_EARLY_END = re.compile(r">>\s*(?::|\[\[|$)")


def _reads_back_whole(stereotype: str) -> bool:
    """True when PlantUML reads ``A -> B <stereotype> : x`` with this whole stereotype.

    >>> _reads_back_whole("<<a>> <<b>>"), _reads_back_whole("<<a>> : <<b>>"), _reads_back_whole("<<>>")
    (True, False, False)
    """
    return (len(stereotype) > 4 and stereotype.startswith("<<") and stereotype.endswith(">>")
            and "\n" not in stereotype and _EARLY_END.search(stereotype, 0, len(stereotype) - 2) is None)


_HEAD_RIGHT = {"normal": ">", "async": ">>", "crossx": "x"}
_HEAD_LEFT = {"normal": "<", "async": "<<", "crossx": "x"}


def _exo_arrow(m: Message, color: str) -> str:
    """``[-> A``, ``A ->]``, ``?-> A``, ... for a message from or to the diagram's edge.

    PlantUML's edge arrows differ from the others: the cross sits at the head (``[->x A``, ``A x<-]``;
    1.2026 reads a cross at the tail, ``[x-> A``, as a two-way arrow), and a colour must touch a dash on
    the side away from the head (``A <[#red]-]``).
    """
    left_edge, right_edge = ("?", "?") if m.exo_short else ("[", "]")
    if m.exo in ("from_left", "to_right"):
        body = "-" + color + ("-" if m.dotted else "")
        if m.head == "crossx":
            if m.bidirectional:
                raise ValueError("PlantUML has no two-way edge arrow with a cross")
            arrow = body + ">x"
        else:
            arrow = ("<" if m.bidirectional else "") + body + _HEAD_RIGHT[m.head]
    elif m.exo in ("to_left", "from_right"):
        if m.bidirectional:
            raise ValueError(f"PlantUML has no two-way arrow for an exo message of kind {m.exo}")
        body = ("-" if m.dotted else "") + color + "-" if color else ("--" if m.dotted else "-")
        arrow = ("x<" + body) if m.head == "crossx" else (_HEAD_LEFT[m.head] + body)
    else:
        raise ValueError(f"unknown exo kind {m.exo!r}")
    if m.exo == "from_left":
        return f"{left_edge}{arrow} {_name(m.target)}"
    if m.exo == "to_left":       # the cross at the edge: '[x<- A'
        return f"{left_edge}{arrow} {_name(m.source)}"
    if m.exo == "to_right":      # the cross at the edge: 'A ->x]'
        return f"{_name(m.source)} {arrow}{right_edge}"
    return f"{_name(m.target)} {arrow}{right_edge}"       # from_right: 'A x<-]'


def _group_text(text: str) -> str:
    """A group title or label: PlantUML keeps it raw, so it must fit on one line as it is."""
    if "\n" in text or "\r" in text:
        raise ValueError(f"a group label with a line break cannot be written in PlantUML: {text!r}")
    if continues(text) or TRAILING_COMMENT.search(text) or _ARROW_OR_COLOR.match(text):
        raise ValueError(f"group label {text!r} cannot be written: PlantUML would read it as something else")
    return text


def _suffix(m: Message, after: list[LifeEvent]) -> tuple[str, int]:
    """The ``++``/``--``/``!!`` suffix for the implicit events after ``m``; returns it and how many it covers."""
    if m.is_return:
        if after and after[0].action == "deactivate" and after[0].participant == m.source:
            return "", 1
        return "", 0
    if not after:
        return "", 0

    def token(ev: LifeEvent) -> str | None:
        if ev.action == "activate" and ev.participant == m.target:
            return "++"
        if ev.action == "deactivate" and ev.participant == m.source:
            return "--"
        if ev.action == "destroy" and ev.participant == m.target:
            return "!!"
        return None

    first = token(after[0])
    if first is None:
        return "", 0
    color = after[0].color if first == "++" else None
    if len(after) == 2:
        second = token(after[1])
        if {first, second} == {"++", "--"}:
            color = color or (after[1].color if second == "++" else None)
            return first + second + (f" {color}" if color else ""), 2
    return first + (f" {color}" if color else ""), 1
