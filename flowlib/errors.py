"""The one error flowlib raises for bad diagram text, with file, line, column and the offending line."""

from __future__ import annotations


class DiagramError(ValueError):
    """A problem in diagram text, located at ``line`` and ``column`` (both 1-based).

    ``str(err)`` reads like a compiler message and shows the line with a caret::

        launch.puml:3:9: error: expected a participant name after the arrow
            Client ->
                    ^
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        source_line: str | None = None,
        severity: str = "error",
    ):
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.source_line = source_line
        self.severity = severity
        super().__init__(self.__str__())

    @property
    def location(self) -> str:
        """``FILE:LINE:COL`` (parts that are unknown are left out)."""
        parts = [self.file or "<string>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def place(self) -> str:
        """Where the problem is, in words: ``line 3, column 9 of launch.puml`` (unknown parts left out).

        >>> DiagramError("x", line=3, column=9).place()
        'line 3, column 9'
        """
        parts = []
        if self.line is not None:
            parts.append(f"line {self.line}")
            if self.column is not None:
                parts.append(f"column {self.column}")
        where = ", ".join(parts)
        if self.file:
            where = f"{where} of {self.file}" if where else self.file
        return where or "the diagram"

    def caret_lines(self) -> tuple[str, str] | None:
        """The offending line (tabs as one space, as the column counts them) and a caret under the column.

        >>> DiagramError("x", line=1, column=8, source_line="A -> B hi").caret_lines()
        ('A -> B hi', '       ^')
        """
        if self.source_line is None:
            return None
        shown = self.source_line.rstrip("\r\n").expandtabs(1)
        caret = "" if self.column is None else " " * max(self.column - 1, 0) + "^"
        return shown, caret

    def headline(self) -> str:
        """The one-line form the CLI prints: ``FILE:LINE:COL: error: MESSAGE``."""
        return f"{self.location}: {self.severity}: {self.message}"

    def __str__(self) -> str:
        text = self.headline()
        shown = self.caret_lines()
        if shown is not None:
            text += "\n    " + shown[0]
            if shown[1]:
                text += "\n    " + shown[1]
        return text

    def __reduce__(self):
        kwargs = dict(
            file=self.file,
            line=self.line,
            column=self.column,
            source_line=self.source_line,
            severity=self.severity,
        )
        return (_rebuild, (self.message, kwargs))


def _rebuild(message, kwargs):
    return DiagramError(message, **kwargs)
