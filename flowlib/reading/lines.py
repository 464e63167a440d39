"""Logical lines: continuation lines joined, comments dropped, preprocessor lines applied."""

from __future__ import annotations

from flowlib.reading.lineerror import LineError, column_of, located_error
from flowlib.reading.preprocess import Preprocessor


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


def logical_lines(block: list[tuple[int, str]], errors: list | None = None, file=None,
                  joined: bool = True) -> list[tuple[int, str, str]]:
    """(line number, trimmed text, raw line) without comments and preprocessor lines ("" = blank).

    ``joined=False`` when the block has no backslash: no line needs joining to the next.
    """
    out: list[tuple[int, str, str]] = []
    append = out.append
    in_comment = False
    pre = Preprocessor()
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
            except LineError as err:
                if errors is not None:
                    errors.append(located_error(err.message, file, number, column_of(raw), raw))
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
        errors.append(located_error("this !definelong is never closed: add '!enddefinelong' after its lines",
                                    file, number, column_of(raw), raw))
    return out
