"""PlantUML's escapes in single-line text, both ways: what a written text means, and how to write a text.

Rule 1: the reader (:mod:`flowlib.reading.parser`) and the writer (:mod:`flowlib.writing.plantuml`) both
use this module, so that ``parse(to_plantuml(d))`` gives ``d`` back. It follows PlantUML's
``Display.getWithNewlines`` (checked with PlantUML itself, the oracle): ``\\n``, ``\\l`` and ``\\r``
break lines, ``\\t`` is a tab, ``\\\\`` a backslash, other escapes stay as written, and nothing is
unescaped inside ``[[links]]`` and ``<math>``/``<latex>`` formulas.
"""

from __future__ import annotations

import re

# Raw regions of a single-line text: PlantUML does not unescape inside them.
RAW_OPEN = ("<math>", "<latex>", "[[")
RAW_CLOSE = ("</math>", "</latex>", "]]")

# PlantUML drops a /' block comment '/ that ends a line, whatever comes before it.
TRAILING_COMMENT = re.compile(r"/'.*'/\s*$", re.S)


class UnwritableText(ValueError):
    """A text that this form of line cannot hold (the writer may try another form)."""


def _raw_flags(text: str) -> list[bool]:
    """For each character of ``text``, True when it lies in a raw region (PlantUML's own scan: an opening
    mark starts one, a closing mark ends it, and the mark itself is read in the new state)."""
    flags, raw = [], False
    for i in range(len(text)):
        if text.startswith(RAW_OPEN, i):
            raw = True
        elif text.startswith(RAW_CLOSE, i):
            raw = False
        flags.append(raw)
    return flags


def unescape(text: str) -> str:
    """What PlantUML makes of a single-line text: line breaks joined with "\\n", escapes read outside
    links and formulas.

    >>> unescape(r"a\\nb\\\\c"), unescape(r"<math>x\\ny</math>\\ty")
    ('a\\nb\\\\c', '<math>x\\\\ny</math>\\ty')
    """
    if "\\" not in text:
        return text
    raw = _raw_flags(text)
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and not raw[i] and i < n - 1:
            c2 = text[i + 1]
            i += 2
            if c2 in "nlr":
                out.append("\n")
            elif c2 == "t":
                out.append("\t")
            elif c2 == "\\":
                out.append("\\")
            else:
                out.append(c + c2)
            continue
        out.append(c)
        i += 1
    return "".join(out)


def escape(text: str) -> str:
    """``text`` as a single-line PlantUML text, so that :func:`unescape` gives ``text`` back: line breaks
    as ``\\n``, tabs as ``\\t``, backslashes doubled, all outside links and formulas.

    Raises :class:`UnwritableText` (a ValueError) for a text no single line can hold: a line break
    inside a link or formula, a text ending in a lone backslash (PlantUML joins the next line to it),
    or one ending in a ``/' comment '/``.

    >>> escape("a\\nb\\\\c")
    'a\\\\nb\\\\\\\\c'
    """
    raw = _raw_flags(text)
    out: list[str] = []
    for c, in_raw in zip(text, raw):
        if in_raw:
            if c == "\n":
                raise UnwritableText(f"a line break inside a link or formula cannot be written: {text!r}")
            out.append(c)
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        else:
            out.append(c)
    result = "".join(out)
    if continues(result):
        raise UnwritableText(f"a text ending in a backslash inside a link cannot be written: {text!r}")
    if TRAILING_COMMENT.search(result):
        raise UnwritableText(f"a text ending in a /' comment '/ cannot be written: {text!r}")
    return result


def continues(line: str) -> bool:
    """True when PlantUML would join the next line to this one (a single trailing backslash).

    >>> continues("Alice -> Bob: one \\\\"), continues("Alice -> Bob: one \\\\\\\\")
    (True, False)
    """
    return line.endswith("\\") and not line.endswith("\\\\")
