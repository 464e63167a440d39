"""What each line command does: functions of the builder and the pattern's match (and a block's text).

A one-line action is ``do_x(builder, match)``; a multi-line one also takes the block's text. They
change the builder only, and report a problem on the line by raising :class:`LineError`.
"""

from __future__ import annotations

import re

from flowlib.model import Box, Delay, Divider, Message, NewPage, Reference, Spacer
from flowlib.reading.builder import NONE_DEACTIVATED, Builder, GroupState, NewGroupElse, NewGroupEnd, NewGroupStart
from flowlib.reading.colors import is_color
from flowlib.reading.display import display_text, unquote
from flowlib.reading.lineerror import LineError
from flowlib.reading.numbering import decimal_format
from flowlib.reading.patterns import GROUP_TITLE, NAME_IN_LIST, QUOTES

# The do_* actions are the command table's (flowlib.reading.commands names each beside its pattern, and
# the parser's tests and doctests exercise them through parse()); only the colour check is for others.
__all__ = ["checked_color"]


def checked_color(m: re.Match, group: str) -> str | None:
    """The colour a pattern's ``group`` holds (or None); one PlantUML 1.2026 does not know is an error.

    >>> import re
    >>> checked_color(re.match(r"note (?P<color>\\S+)", "note #Pink"), "color")
    '#Pink'
    >>> checked_color(re.match(r"note (?P<color>\\S+)", "note #Light"), "color")
    Traceback (most recent call last):
    ...
    flowlib.reading.lineerror.LineError: no such colour: #Light (PlantUML 1.2026 refuses it: 'No such color')
    """
    value = m.group(group)
    if value is not None and not is_color(value):
        raise LineError(f"no such colour: {value} (PlantUML 1.2026 refuses it: 'No such color')",
                        m.start(group) + 1)
    return value


_PART_GROUPS = {p: tuple(p + g for g in ("code", "long", "lcc", "lcl", "clc", "cll")) for p in "ab"}


def _arrow_part(b: Builder, m: re.Match, p: str) -> str:
    code, long, lcc, lcl, clc, cll = m.group(*_PART_GROUPS[p])
    if code is not None:
        return b.participant(code)
    if long is not None:
        return b.participant(long)
    if lcc is not None:
        return b.participant(lcc, lcl)
    return b.participant(clc, cll)


def _style_of(m: re.Match) -> tuple[bool, str | None]:
    """(dotted by style, colour) from ``-[#red,dashed]->``."""
    style = m.group("st1") or m.group("st2")
    dotted, color = False, None
    if style:
        for token in style[1:-1].split(","):
            low = token.lower()
            if low in ("dashed", "dotted"):
                dotted = True
            elif low not in ("bold", "hidden", "plain", "norank", "single") and not low.startswith("thickness="):
                if not is_color(token):
                    raise LineError(f"no such colour: {token} (PlantUML 1.2026 refuses it: 'No such color')",
                                    m.start("st1" if m.group("st1") else "st2") + 1)
                color = token
    return dotted, color


# The characters of an arrow's ends (its d1 and d2 groups) that make a head.
_HEAD_RIGHT = frozenset(">\\/x")      # at the right end: > \\ / or a cross
_HEAD_LEFT = frozenset("x<\\/")       # at the left end: < \\ / or a cross
_POINTED_RIGHT = frozenset(">\\/")    # a head that points (not only a cross)
_POINTED_LEFT = frozenset("<\\/")


_ARROW_GROUPS = ("d1", "d2", "ba1", "ba2", "bb1", "bb2", "act", "label", "parallel", "lifecolor")


def do_arrow(b: Builder, m: re.Match):
    d1, d2, ba1, ba2, bb1, bb2, act, label, parallel, lifecolor = m.group(*_ARROW_GROUPS)
    d1 = d1.lower().replace("_", "") if d1 else ""
    d2 = d2.lower().replace("_", "") if d2 else ""
    slant = None
    if "(" in d1 or "(" in d2:                  # the slant: A ->(30) B, A (30)<- B
        slant = int(re.search(r"\((\d+)\)", d1 + d2).group(1))
        d1, d2 = re.sub(r"\(\d+\)", "", d1), re.sub(r"\(\d+\)", "", d2)
    has2 = not _HEAD_RIGHT.isdisjoint(d2)
    has1 = not _HEAD_LEFT.isdisjoint(d1)
    head = None
    if "x" in d2 and "x" not in d1 and _POINTED_RIGHT.isdisjoint(d2) and not _POINTED_LEFT.isdisjoint(d1):
        # 1.2026: 'A <-x B' goes from B to A, both ways, its cross at the start (1.2020: from A to B, crossx)
        target = _arrow_part(b, m, "a")
        source = _arrow_part(b, m, "b")
        head = "async" if "<<" in d1 or "\\\\" in d1 or "//" in d1 else "normal"
        has1 = has2 = True
    elif has2:
        source = _arrow_part(b, m, "a")
        target = _arrow_part(b, m, "b")
    elif has1:
        target = _arrow_part(b, m, "a")
        source = _arrow_part(b, m, "b")
    else:
        raise LineError("this arrow has no head: write '->' or '<-'",
                         (m.start("ba1") if ba1 is not None else m.start("bb2")) + 1)
    body = len(ba1 or ba2 or "") + len(bb1 or bb2 or "")
    style_dotted, color = _style_of(m)
    if head is None:
        head = "normal"
        if "<<" in d1 or "\\\\" in d1 or "//" in d1 or ">>" in d2 or "\\\\" in d2 or "//" in d2:
            head = "async"
        if "x" in d2 or ("x" in d1 and not has2):   # PlantUML: 'A x-> B' keeps a normal head
            head = "crossx"
    groups = m.re.groupindex                    # (only 1.2026's newer arrow forms have these two)
    multicast = m.group("multicast") if "multicast" in groups else None
    others = tuple(b.participant(p) for p in multicast.split("&") if p.strip() for p in [p.strip()]) \
        if multicast else ()
    if lifecolor is not None:
        checked_color(m, "lifecolor")
    _send(b, source, target, act, lifecolor, m.start("act") + 1 if act else 1,
          display_text(label) if label is not None else "", body > 1 or style_dotted, head, has1 and has2,
          parallel is not None, color, others, m.group("stereo") if "stereo" in groups else None, slant)


def _send(b: Builder, source, target, act, lifecolor, act_col, label, dotted, head, bidirectional, parallel, color,
          multicast, stereotype, slant):
    """Add a message and the life events its ``++ -- ** !!`` suffix (or autoactivate) implies."""
    if act and act[0] == "*":
        b.life("create", target, implicit=True)
    msg = b.message(source, target, label, dotted, head, bidirectional, parallel=parallel, color=color,
                    multicast=multicast, stereotype=stereotype, slant=slant)
    try:
        if act:
            for sign in (act[0], act[2]) if len(act) == 4 else act[0]:    # --++ and ++--: two changes
                if sign == "+":
                    b.life("activate", target, implicit=True, color=lifecolor)
                elif sign == "-":
                    b.life("deactivate", source, implicit=True)
                elif sign == "!":
                    b.life("destroy", target, implicit=True)
        elif b.autoactivate and msg.head != "crossx":
            if msg.dotted:
                b.life("deactivate", source, implicit=True)
            else:
                b.life("activate", target, implicit=True, color=lifecolor)
    except LineError as err:
        err.column = act_col
        raise


def do_simple_arrow(b: Builder, m: re.Match, early: frozenset[str]) -> bool:
    """The fast path's action, for a line SIMPLE_ARROW matched; False (and nothing done) when its first word is
    one of ``early``, the first words of the commands PlantUML tries before arrows: the table decides then.

    A name is checked once: ``b.arrow_sources`` keeps each name that passed, with its participant's code.
    """
    source, body, head, target, act, label = m.groups()
    code = b.arrow_sources.get(source)
    if code is None:
        if source.lower() in early:
            return False
        code = b.arrow_sources[source] = b.codes.get(source) or b.written(source)
    source = code
    codes = b.codes
    target = codes.get(target) or b.written(target)
    msg = b.message(source, target, "" if label is None else display_text(label), body == "--",
                    "normal" if head == ">" else "async")
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
    return True


def _exo(b: Builder, m: re.Match, right_side: bool):
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
    who = b.participant(unquote(m.group("part")))
    body = (m.group("ba1") or m.group("ba2") or "") + (m.group("bb1") or m.group("bb2") or "")
    dressing = d1 or d2 or ""
    style_dotted, color = _style_of(m)
    head = "async" if len(dressing) == 2 else "normal"
    both = m.group("both") is not None
    edge_x = "x" in short.lower()
    inner_x = "x" in (m.group("supp") or "").lower()
    if edge_x or inner_x:
        # 1.2026: the cross counts only at the arrow's head; at its tail it makes a two-way arrow
        # ('[x-> A' is two-way, '[->x A' crosses; 1.2020 crossed both).
        head_at_edge = (d1 is None) != right_side      # '[<- A' and 'A ->]' point at the edge
        if edge_x == head_at_edge or (edge_x and inner_x):
            head = "crossx"
        else:
            both = True
    incoming = exo in ("from_left", "from_right")
    act = m.group("act")
    if act and act[0] == "*":
        b.life("create", who, implicit=True)
    msg = b.message(source=None if incoming else who, target=who if incoming else None,
                    label=display_text(m.group("label")) if m.group("label") is not None else "",
                    dotted="--" in body or style_dotted, head=head, bidirectional=both,
                    exo=exo, exo_short="?" in short, parallel=m.group("parallel") is not None, color=color)
    lifecolor = checked_color(m, "lifecolor")
    if act and act[0] in "+-!":
        for sign in (act[0], act[2]) if len(act) == 4 else act[0]:
            action = {"+": "activate", "-": "deactivate", "!": "destroy"}[sign]
            b.life(action, who, implicit=True, color=lifecolor if action == "activate" else None)
    elif b.autoactivate and head != "crossx":
        b.life("deactivate" if msg.dotted else "activate", who, implicit=True)


def do_exo_left(b, m):
    _exo(b, m, right_side=False)


def do_exo_right(b, m):
    _exo(b, m, right_side=True)


def _declare(b: Builder, m: re.Match, code: str, display: str | None):
    kind = m.group("kind").lower()
    create = m.group("create") is not None or kind == "create"
    if kind == "create":
        kind = "participant"
    if code in b.participants and not create:
        # PlantUML moves an already known participant to the end and keeps its first form.
        record = b.participants.pop(code)
        record["box"] = b.box
        record["box_index"] = b.box_index
        b.participants[code] = record
        return
    if code in b.participants:
        b.participants.pop(code)
    order = m.group("order")
    b.participants[code] = dict(
        code=code, display=display_text(code if display is None else display), kind=kind,
        stereotype=m.group("stereo"), color=checked_color(m, "color"), order=int(order) if order else None,
        box=b.box, declared=True, line=b.line, file=b.source, box_index=b.box_index)
    if create:
        b.life("create", code, implicit=False)


def do_decl_a(b, m):
    _declare(b, m, m.group("code"), m.group("full"))


def do_decl_a4(b, m):
    _declare(b, m, m.group("code"), None)


def do_activate(b: Builder, m: re.Match):
    action, who, back, line = m.group("action", "who", "back", "line")
    if back is not None or line is not None:
        checked_color(m, "back")
        checked_color(m, "line")
    who = b.participant(unquote(who))
    b.life(action.lower(), who, implicit=False, color=back)


def do_activate2(b: Builder, m: re.Match):
    back = checked_color(m, "color")
    who = b.participant(m.group("who"))
    if m.group("action") == "++":
        b.life("activate", who, implicit=False, color=back)
    else:
        b.life("deactivate", who, implicit=False)


def do_deactivate_short(b: Builder, m: re.Match):
    last = b.last_with_deactivate
    if not isinstance(last, Message) or last.source is None:
        raise LineError("'deactivate' without a name needs a message before it")
    b.life("deactivate", last.source, implicit=False)


_STYLES = {"note": "normal", "hnote": "hexagonal", "rnote": "box"}


def do_note(b: Builder, m: re.Match, text: str):
    checked_color(m, "color")
    who = b.participant(unquote(m.group("who")))
    b.note(position=m.group("position").lower(), participants=(who,), text=text,
           style=_STYLES[m.group("style").lower()], color=m.group("color"))


def do_note_several(b: Builder, m: re.Match, text: str):
    checked_color(m, "color")
    p1 = b.participant(unquote(m.group("p1")))
    p2 = b.participant(unquote(m.group("p2")))
    b.note(position="over_several", participants=(p1, p2), text=text, style=_STYLES[m.group("style").lower()],
           color=m.group("color"))


def do_note_across(b: Builder, m: re.Match, text: str):
    checked_color(m, "color")
    b.note(position="across", participants=(), text=text, style=_STYLES[m.group("style").lower()],
           color=m.group("color"))


def do_note_on_arrow(b: Builder, m: re.Match, text: str):
    checked_color(m, "color")
    target = b.last_note_target
    if target is None:
        raise LineError("a note without 'of' or 'over' belongs to the message before it, and there is none")
    position = m.group("position").lower()
    anchor = target[1]
    if anchor is not None and anchor.exo is not None:
        # PlantUML puts a note on a message from or to the diagram's edge on the inner side, whatever it says.
        position = "right" if anchor.exo in ("from_left", "to_left") else "left"
    b.note(position=position, participants=(), text=text,
           style=_STYLES[m.group("style").lower()], attached_to=target[0], color=m.group("color"))


def do_box_start(b: Builder, m: re.Match):
    checked_color(m, "color")
    name = m.group("name1") if m.group("name1") is not None else m.group("name2")
    b.box_stack.append((b.box, b.box_index))   # 1.2026 nests boxes (1.2020 refused a box in a box)
    b.box = display_text(name) if name is not None else ""
    b.boxes.append(Box(b.box, m.group("color"), b.line))
    b.box_index = len(b.boxes) - 1


def do_box_end(b: Builder, m: re.Match):
    if b.box is None:
        raise LineError("'end box' without a 'box' before it")
    b.box, b.box_index = b.box_stack.pop()


def do_group(b: Builder, m: re.Match):
    colors, kind, comment, parallel = m.group("colors", "type", "comment", "parallel")
    if colors is not None:   # (most groups have no colour: no call)
        checked_color(m, "colors")
    kind = kind.lower()
    parallel = parallel is not None
    if kind in ("else", "also", "end"):
        if not b.open_groups:
            raise LineError(f"'{kind}' without an open group (alt, opt, loop, par, break, critical, group)")
        g = b.open_groups[-1]
        if kind == "end":
            b.open_groups.pop()
            g.end_line = b.line
            g.after = len(b.messages)
            b.events.append(NewGroupEnd(level=g.level, index=g.index, line=b.line, file=b.source))
            b.last_with_deactivate = b.events[-1]
            b.deactivated_after_last = NONE_DEACTIVATED
            b.last_note_target = ("group", None)
        else:
            label = comment if comment else None
            g.else_labels.append(label)
            b.events.append(NewGroupElse(label=label, level=g.level, index=g.index, line=b.line, file=b.source))
            b.last_with_deactivate = b.events[-1]
            b.deactivated_after_last = NONE_DEACTIVATED
            b.last_note_target = ("group", None)   # 1.2026: a note right after 'else' goes on the branch
        return
    title = kind
    if kind == "group":
        if not comment:
            comment = "group"
        tm = GROUP_TITLE.search(comment)
        if tm:
            title, comment = tm.group(1), tm.group(2)
    label = comment if comment else None
    level = len(b.open_groups)
    parallel = parallel or kind == "par2"     # PlantUML draws par2 branches side by side
    g = GroupState(kind, title, label, level, parallel, b.line, len(b.groups), len(b.messages), b.source)
    b.groups.append(g)
    b.open_groups.append(g)
    b.events.append(NewGroupStart(kind=kind, title=title, label=label, level=level, index=g.index,
                               parallel=parallel, line=b.line, file=b.source))


_REVERSED_EXO = {"from_left": "to_left", "to_left": "from_left", "from_right": "to_right", "to_right": "from_right"}


def do_return(b: Builder, m: re.Match):
    # PlantUML answers the message that activated the innermost active lifeline; with no activation
    # left, it answers (reverses) the last message, without a deactivation.
    if b.activation_stack:
        caller, deactivate = b.activation_stack[-1], True
    elif isinstance(b.last_with_deactivate, Message) and b.last_with_deactivate.exo is None:
        caller, deactivate = b.last_with_deactivate, False
    else:
        raise LineError("'return' has nowhere to return to: no message before it")
    label = m.group("label")
    # The answer keeps the arrow's head and colour, dotted.
    b.message(source=caller.target, target=caller.source, label=display_text(label) if label else "", dotted=True,
              head=caller.head, bidirectional=caller.bidirectional, exo=_REVERSED_EXO.get(caller.exo),
              exo_short=caller.exo_short, color=caller.color, is_return=True,
              parallel=m.group("parallel") is not None)
    if deactivate:
        b.life("deactivate", caller.target, implicit=True)


def do_divider(b: Builder, m: re.Match):
    text = display_text(m.group("text"))
    b.events.append(Divider(text=text, line=b.line, file=b.source))
    b.phase = text.strip()


def do_delay(b: Builder, m: re.Match):
    text = m.group("text")
    b.events.append(Delay(text=display_text(text) if text else "", line=b.line, file=b.source))
    b.last_was_delay = True


def do_spacer(b: Builder, m: re.Match):
    size = m.group("size")
    b.events.append(Spacer(size=int(size) if size else None, line=b.line, file=b.source))


def do_hide_unlinked(b: Builder, m: re.Match):
    b.hide_unlinked = m.group("verb").lower() == "hide"


def do_ignore_newpage(b: Builder, m: re.Match):
    b.ignore_newpage = True


def do_newpage(b: Builder, m: re.Match):
    if b.ignore_newpage:
        return
    title = m.group("title")
    b.events.append(NewPage(title=display_text(title) if title else None, line=b.line, file=b.source))


def _names(text: str) -> tuple[str, ...]:
    """The participants a ``ref over`` names, each once (1.2026 drops a repeated one; 1.2020 kept it)."""
    return tuple(dict.fromkeys(unquote(n) for n in NAME_IN_LIST.findall(text)))


def do_ref(b: Builder, m: re.Match):
    parts = tuple(b.participant(p) for p in _names(m.group("parts")))
    text = m.group("text")
    b.events.append(Reference(participants=parts, text=display_text(text or ""), line=b.line, file=b.source))
    b.last_note_target = ("reference", None)     # 1.2026: a note right after it goes on the reference


def do_ref_multi(b: Builder, m: re.Match, text: str):
    parts = tuple(b.participant(p) for p in _names(m.group("parts")))
    b.events.append(Reference(participants=parts, text=text, line=b.line, file=b.source))
    b.last_note_target = ("reference", None)


def do_autonumber(b: Builder, m: re.Match):
    b.numbering.start(m.group("start"), m.group("step"), m.group("format"))


def do_autonumber_inc(b: Builder, m: re.Match):
    b.numbering.increment(m.group("level"))


def do_autonumber_stop(b: Builder, m: re.Match):
    b.numbering.on = False


def do_autonumber_resume(b: Builder, m: re.Match):
    b.numbering.on = True
    if m.group("step"):
        b.numbering.step = int(m.group("step"))
    if m.group("format"):
        b.numbering.fmt = decimal_format(m.group("format"))


def do_autoactivate(b: Builder, m: re.Match):
    b.autoactivate = m.group("on").lower() == "on"


def do_nothing(b: Builder, m: re.Match, text: str = ""):
    pass


def do_footbox(b: Builder, m: re.Match):
    """``hide footbox``, ``show footbox``, ``footbox off``, ``skinparam style strictuml``."""
    b.footbox = m.group("shown") is not None or m.group("shown2") is not None


def do_title(b: Builder, m: re.Match, text: str | None = None):
    if text is None:
        text = m.group("text")
        if len(text) >= 2 and text[0] in QUOTES and text[-1] in QUOTES:
            text = text[1:-1]      # 1.2026 takes the quotes off a quoted title (1.2020 kept them)
        text = display_text(text) if text else None
    b.title = text


def do_caption(b: Builder, m: re.Match, text: str | None = None):
    b.caption = display_text(m.group("text")) if text is None else text


def do_header(b: Builder, m: re.Match, text: str | None = None):
    value = display_text(m.group("text")) if text is None else text
    setattr(b, m.group("which").lower(), value)


def do_legend(b: Builder, m: re.Match, text: str):
    b.legend = text
