"""The command table: every PlantUML line command is one entry (a pattern and its action), in PlantUML's order.

Rule 1: the parser is this table of line commands, tried in PlantUML's own order; the first whose
pattern matches the whole (trimmed) line wins. A new command is one entry here, with its pattern in
:mod:`flowlib.reading.patterns` and its action in :mod:`flowlib.reading.actions`.
"""

from __future__ import annotations

import re
from collections import namedtuple

from flowlib.reading.actions import (
    do_activate,
    do_activate2,
    do_arrow,
    do_autoactivate,
    do_autonumber,
    do_autonumber_inc,
    do_autonumber_resume,
    do_autonumber_stop,
    do_box_end,
    do_box_start,
    do_caption,
    do_deactivate_short,
    do_decl_a,
    do_decl_a4,
    do_delay,
    do_divider,
    do_exo_left,
    do_exo_right,
    do_footbox,
    do_group,
    do_header,
    do_hide_unlinked,
    do_ignore_newpage,
    do_legend,
    do_newpage,
    do_note,
    do_note_across,
    do_note_on_arrow,
    do_note_several,
    do_nothing,
    do_ref,
    do_ref_multi,
    do_return,
    do_spacer,
    do_title,
)
from flowlib.reading.builder import Builder
from flowlib.reading.display import display_text
from flowlib.reading.patterns import (
    ACTIVATE,
    ACTIVATE2,
    ARROW,
    ARROW_MULTICAST,
    ARROW_SLANTED,
    ARROW_STEREOTYPE,
    ARROW_UNDERSCORE,
    AUTOACTIVATE,
    AUTONUMBER,
    AUTONUMBER_INC,
    AUTONUMBER_RESUME,
    AUTONUMBER_STOP,
    BOX_END,
    BOX_START,
    CAPTION,
    CAPTION_MULTI,
    CLOSE_BRACE,
    DEACTIVATE_SHORT,
    DECL_A,
    DECL_A2,
    DECL_A3,
    DECL_A4,
    DELAY,
    DIVIDER,
    END_CAPTION,
    END_HEADER,
    END_LEGEND,
    END_NOTE,
    END_NOTE_ON_ARROW,
    END_REF,
    END_STYLE,
    END_TITLE,
    EXO_LEFT,
    EXO_RIGHT,
    FOOTBOX,
    GROUP,
    HEADER,
    HEADER_MULTI,
    HIDE_UNLINKED,
    IGNORE_NEWPAGE,
    IGNORED,
    LEGEND,
    NEWPAGE,
    NOTE,
    NOTE_ACROSS,
    NOTE_ACROSS_MULTI,
    NOTE_MULTI,
    NOTE_ON_ARROW,
    NOTE_ON_ARROW_MULTI,
    NOTE_SEVERAL,
    NOTE_SEVERAL_MULTI,
    REF,
    REF_MULTI,
    RETURN,
    SKINPARAM_BLOCK,
    SPACER,
    SPRITE_BLOCK,
    SPRITE_LINE,
    STYLE_BLOCK,
    TITLE,
    TITLE_MULTI,
)


class Single(namedtuple("Single", "name keys pattern action")):
    """A one-line command: its ``name``, ``keys`` (the first words, or characters, its lines start with; ""
    = any line), its ``pattern`` and its ``action``."""

    __slots__ = ()


class Block(namedtuple("Block", "name keys start end action closing raw nested keep_empty",
                       defaults=("end", False, False, True))):
    """A multi-line command: ``start`` opens it, ``end`` closes it; the lines between are its text.

    closing: what closes it, for the error message ("end" by default).
    raw: styling (skinparam, sprite): no text is stored.
    nested: braces nest: the block ends at the ``}`` matching its ``{``.
    keep_empty: False when a block with no line at all adds nothing (PlantUML's notes).
    """

    __slots__ = ()


def _single_text(action):
    """Adapt a note/reference action to a one-line match: the text after the colon."""
    def run(b: Builder, m: re.Match):
        action(b, m, display_text(m.group("text")))
    run.__name__ = action.__name__
    return run


_KINDS = "participant actor boundary control entity database collections queue create"

COMMANDS: tuple = (
    # Common to every PlantUML diagram (title, legend, skinparam...).
    Block("title", "title", TITLE_MULTI, END_TITLE, do_title, "end title"),
    Single("title", "title", TITLE, do_title),
    Block("caption", "caption", CAPTION_MULTI, END_CAPTION, do_caption, "end caption"),
    Single("caption", "caption", CAPTION, do_caption),
    Block("header", "header footer left right center", HEADER_MULTI, END_HEADER, do_header, "end header"),
    Single("header", "header footer left right center", HEADER, do_header),
    Block("legend", "legend", LEGEND, END_LEGEND, do_legend, "end legend"),
    Block("skinparam", "skinparam skinparamlocked", SKINPARAM_BLOCK, CLOSE_BRACE, do_nothing, "}", raw=True,
          nested=True),
    Block("sprite", "sprite", SPRITE_BLOCK, CLOSE_BRACE, do_nothing, "}", raw=True, nested=True),
    Block("style", "<", STYLE_BLOCK, END_STYLE, do_nothing, "</style>", raw=True),
    Single("sprite", "sprite", SPRITE_LINE, do_nothing),
    Single("footbox", "hide show footbox skinparam", FOOTBOX, do_footbox),
    Single("hide unlinked", "hide show", HIDE_UNLINKED, do_hide_unlinked),
    Single("ignore newpage", "ignore", IGNORE_NEWPAGE, do_ignore_newpage),
    Single("ignored", "hide show footbox skin skinparam skinparamlocked scale autonewpage ignore mainframe url { "
                       "allowmixing allow_mixing", IGNORED, do_nothing),
    # Sequence diagram commands, in SequenceDiagramFactory's order.
    Single("activate", "activate deactivate destroy create", ACTIVATE, do_activate),
    Single("deactivate", "deactivate", DEACTIVATE_SHORT, do_deactivate_short),
    Single("participant", _KINDS, DECL_A, do_decl_a),
    Single("participant", _KINDS, DECL_A2, do_decl_a),
    Single("participant", _KINDS, DECL_A3, do_decl_a),
    Single("participant", _KINDS, DECL_A4, do_decl_a4),
    Single("arrow", "", ARROW, do_arrow),
    # PlantUML 1.2026's newer arrow forms (1.2020 refused them), one construct each.
    Single("slanted arrow", "", ARROW_SLANTED, do_arrow),
    Single("multicast arrow", "", ARROW_MULTICAST, do_arrow),
    Single("arrow with a stereotype", "", ARROW_STEREOTYPE, do_arrow),
    Single("arrow with an underscore head", "", ARROW_UNDERSCORE, do_arrow),
    Single("exo arrow", "[ ] ? & - < / \\", EXO_LEFT, do_exo_left),
    Single("exo arrow", "", EXO_RIGHT, do_exo_right),
    Single("note", "& / note hnote rnote", NOTE, _single_text(do_note)),
    Single("note", "& / note hnote rnote", NOTE_SEVERAL, _single_text(do_note_several)),
    Single("note", "/ note hnote rnote", NOTE_ACROSS, _single_text(do_note_across)),
    Single("box", "box", BOX_START, do_box_start),
    Single("end box", "end endbox", BOX_END, do_box_end),
    Single("group", "& opt alt loop par par2 break critical else end also group", GROUP, do_group),
    Single("activate", "", ACTIVATE2, do_activate2),
    Single("return", "& return", RETURN, do_return),
    Single("note", "note hnote rnote", NOTE_ON_ARROW, _single_text(do_note_on_arrow)),
    Block("note", "& / note hnote rnote", NOTE_MULTI, END_NOTE, do_note, "end note", keep_empty=False),
    Block("note", "& / note hnote rnote", NOTE_SEVERAL_MULTI, END_NOTE, do_note_several, "end note",
          keep_empty=False),
    Block("note", "note hnote rnote", NOTE_ON_ARROW_MULTI, END_NOTE_ON_ARROW, do_note_on_arrow, "end note"),
    Block("note", "/ note hnote rnote", NOTE_ACROSS_MULTI, END_NOTE, do_note_across, "end note",
          keep_empty=False),
    Single("newpage", "newpage @", NEWPAGE, do_newpage),
    Single("divider", "=", DIVIDER, do_divider),
    Single("spacer", "|", SPACER, do_spacer),
    Single("ref", "ref", REF, do_ref),
    Block("ref", "ref", REF_MULTI, END_REF, do_ref_multi, "end ref"),
    Single("autonumber", "autonumber", AUTONUMBER_STOP, do_autonumber_stop),
    Single("autonumber", "autonumber", AUTONUMBER_RESUME, do_autonumber_resume),
    Single("autonumber", "autonumber", AUTONUMBER_INC, do_autonumber_inc),
    Single("autonumber", "autonumber", AUTONUMBER, do_autonumber),
    Single("autoactivate", "autoactivate", AUTOACTIVATE, do_autoactivate),
    Single("delay", ". \u2026", DELAY, do_delay),
)


def _early_words(commands) -> frozenset[str]:
    """The first words of the commands tried before the arrow: a line starting with one skips the fast path."""
    words: set[str] = set()
    for command in commands:
        if getattr(command, "pattern", None) is ARROW:   # (the newer arrow forms come right after it)
            return frozenset(words)
        words.update(command.keys.split())
    raise ValueError("the command table has no arrow command")


EARLY_WORDS = _early_words(COMMANDS)


# Commands whose pattern cannot match a line without a '-' (every arrow has a body of dashes). Lines without
# one (activate, return, alt, end...) skip them: failing these long patterns cost microseconds per line.
_NEED_DASH = (ARROW, ARROW_SLANTED, ARROW_MULTICAST, ARROW_STEREOTYPE, ARROW_UNDERSCORE, EXO_LEFT, EXO_RIGHT)


def _dispatch_table(commands) -> dict[str, tuple]:
    """First token -> the commands worth trying for a line starting with it, in table order."""
    lists: dict[str, list] = {token: [] for c in commands for token in ["", *c.keys.split()]}
    for command in commands:   # in table order: each list keeps it
        for token in (lists if not command.keys else command.keys.split()):
            lists[token].append(command)
    return {token: tuple(found) for token, found in lists.items()}


def _without_dash(table: dict[str, tuple]) -> dict[str, tuple]:
    """The same table for lines without a '-': the arrow commands left out."""
    return {token: tuple(c for c in commands if getattr(c, "pattern", None) not in _NEED_DASH)
            for token, commands in table.items()}


_DISPATCH = _dispatch_table(COMMANDS)
_DISPATCH_NO_DASH = _without_dash(_DISPATCH)
_FIRST_WORD = re.compile(r"[A-Za-z0-9_]+")


def candidates(line: str) -> tuple:
    """The commands that may accept ``line``: those keyed on its first word (or character), then the rest.

    A word that only starts with a keyword counts too: PlantUML reads ``returns x`` as ``return`` + ``s x``.

    >>> candidates("activate A")[0].name
    'activate'
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
