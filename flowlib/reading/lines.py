"""Logical lines: continuation lines joined, comments dropped, the preprocessor run where a diagram uses it."""

from __future__ import annotations

import re

TYPE_CHECKING = False  # typing's, without importing typing (3 ms at start); type checkers know the name
if TYPE_CHECKING:
    from collections.abc import Iterable

_BUILTIN_CALL = re.compile(r"%[A-Za-z_]\w*\s*\(")
# A backslash at the end of a line, with every line break str.splitlines knows.
_CONTINUED = re.compile(r"\\(?:[\n\r\v\f\x1c-\x1e\x85]|\u2028|\u2029|\Z)")


def has_continuation(text: str) -> bool:
    r"""True when some line of ``text`` ends with a backslash, so that it may be joined to the next one.

    A test on the whole text at once: most diagrams have no such line and skip joining line by line.

    >>> has_continuation("A -> B: one \\\nB -> C"), has_continuation("A -\\ B: one")
    (True, False)
    """
    return "\\" in text and _CONTINUED.search(text) is not None


def is_plain(text: str) -> bool:
    """True when ``text`` holds no comment and nothing for the preprocessor: no ``'``, no ``!``, no built-in
    call such as ``%date()``. Each line of a plain text is then kept as it is, trimmed.

    >>> is_plain("A -> B: 100%"), is_plain("A -> B ' a comment"), is_plain("!$x = 1"), is_plain("title %date()")
    (True, False, False, False)
    """
    return "'" not in text and "!" not in text and ("%" not in text or _BUILTIN_CALL.search(text) is None)


def _joined(block: Iterable[tuple[int, str]]):
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


class Options:
    """How a parse reads preprocessor lines (the top file, the folder includes may not leave, the clock),
    and what the preprocessor tells the driver back (``used``: it ran; ``themes``: its ``!theme`` names)."""

    __slots__ = ("file", "include_root", "today", "used", "themes")

    def __init__(self, file=None, include_root=None, today=None):
        self.file, self.include_root, self.today = file, include_root, today
        self.used = False          # set when the preprocessor ran (lines may then come from included files)
        self.themes: tuple[str, ...] = ()   # the preprocessor's !theme names, for the diagram


def logical_lines(block: Iterable[tuple[int, str]], errors: list | None = None, file=None,
                  joined: bool = True, options: Options | None = None,
                  percent: bool = False, plain: bool = False) -> list[tuple[int, str, str]]:
    """(line number, trimmed text, raw line) without comments and preprocessor lines ("" = blank), from the
    (line number, raw line) pairs of ``block`` (a list, or an iterator read once).

    ``joined=False`` when no line ends with a backslash (:func:`has_continuation`): none needs joining. ``percent``
    when the text holds a ``%``: a built-in call such as ``%date()`` needs the preprocessor too. ``plain`` when
    the text holds neither comments nor preprocessor lines (:func:`is_plain`): every line is kept, trimmed.

    >>> logical_lines([(1, "Alice -> Bob ' a comment"), (2, "' a whole-line comment"), (3, "  Bob -> Alice")])
    [(1, "Alice -> Bob ' a comment", "Alice -> Bob ' a comment"), (3, 'Bob -> Alice', '  Bob -> Alice')]
    """
    if plain and not joined:
        return [(number, raw.strip(), raw) for number, raw in block]
    out: list[tuple[int, str, str]] = []
    append = out.append
    in_comment = False
    lines = iter(_joined(block) if joined else block)
    for number, raw in lines:
        stripped = raw.strip()
        # Fast path: most lines of most diagrams are kept as they are, trimmed.
        if not in_comment and stripped[:1] not in ("!", "'", "/") and not stripped.endswith("'/"):
            if not (percent and "%" in stripped and _BUILTIN_CALL.search(stripped)):
                append((number, stripped, raw))
                continue
        if not in_comment and (stripped[:1] == "!" or (percent and _BUILTIN_CALL.search(stripped))):
            # The first preprocessor line: PlantUML's preprocessor takes the rest of the diagram.
            from flowlib.reading.preprocess import Preprocessor   # imported only by diagrams that use it

            options = options or Options(file)
            options.used = True
            pre = Preprocessor(options.file, options.include_root, options.today, errors)
            rest = pre.run([(number, raw), *lines])
            options.themes = tuple(pre.themes)
            out.extend(_clean(rest))
            return out
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
    return out


def _clean(lines) -> list[tuple[int, str, str]]:
    """Comments dropped from preprocessed lines (which hold no directive any more)."""
    return logical_lines(list(lines), joined=False)
