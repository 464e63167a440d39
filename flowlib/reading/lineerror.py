"""LineError, a problem on the line being read, and the located DiagramError it becomes."""

from __future__ import annotations

import re

from flowlib.errors import DiagramError


class LineError(Exception):
    """A problem on the current line; the driver turns it into a DiagramError with a location.

    ``column`` is 1-based in the trimmed line; ``token`` (a name the message is about) points the column
    at that name's first whole-word use after the line's first word instead.
    """

    def __init__(self, message: str, column: int = 1, *, token: str | None = None):
        super().__init__(message)
        self.message = message
        self.column = column
        self.token = token

    def column_in(self, line: str) -> int:
        """The 1-based column in the trimmed ``line``: ``column``, or where ``token`` is written.

        >>> LineError("again", token="B").column_in("activate B")
        10
        """
        if self.token:
            start = len(line.split(None, 1)[0]) if line.strip() else 0
            m = re.compile(rf"(?<![\w.@]){re.escape(self.token)}(?![\w.@])", re.I).search(line, start)
            if m:
                return m.start() + 1
        return self.column


def located_error(message: str, file, number: int, column: int, raw: str) -> DiagramError:
    """A DiagramError at ``file``:``number``:``column`` that shows the line ``raw``.

    >>> located_error("no arrow here", "flow.puml", 3, 1, "Alice Bob").headline()
    'flow.puml:3:1: error: no arrow here'
    """
    return DiagramError(message, file=file, line=number, column=column, source_line=raw)


def column_of(raw: str) -> int:
    """1-based column of the first non-blank character of ``raw``.

    >>> column_of("    Alice -> Bob")
    5
    """
    return len(raw) - len(raw.lstrip()) + 1


def file_of(number) -> str | None:
    """The included file a line number belongs to (a :class:`flowlib.reading.includes.Located` carries it), or
    None for the top diagram's own lines.

    >>> from flowlib.reading.includes import Located
    >>> file_of(Located(3, "style.puml")), file_of(3)
    ('style.puml', None)
    """
    return getattr(number, "file", None)
