"""LineError, a problem on the line being read, and the located DiagramError it becomes."""

from __future__ import annotations

from flowlib.errors import DiagramError


class LineError(Exception):
    """A problem on the current line; the driver turns it into a DiagramError with a location."""

    def __init__(self, message: str, column: int = 1):
        super().__init__(message)
        self.message = message
        self.column = column


def located_error(message: str, file, number: int, column: int, raw: str) -> DiagramError:
    return DiagramError(message, file=file, line=number, column=column, source_line=raw)


def column_of(raw: str) -> int:
    """1-based column of the first non-blank character of ``raw``."""
    return len(raw) - len(raw.lstrip()) + 1
