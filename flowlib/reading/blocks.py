"""The @startuml ... @enduml blocks of a text: the numbered lines of one of them, and how many there are."""

from __future__ import annotations

import re

from flowlib.errors import DiagramError
from flowlib.reading.lineerror import column_of


_START = re.compile(r"\s*@start(\w+)", re.I)
_END = re.compile(r"\s*@end", re.I)


class Block:
    """One ``@startuml`` block of a text: its lines are ``lines[first:last]`` (0-based), numbered from
    ``first + 1``; ``count`` is how many blocks the text holds. Nothing is copied: a large diagram's lines
    are numbered as they are read.

    >>> b = find_block("@startuml\\nA -> B\\n@enduml\\n", None)
    >>> list(b.numbered()), b.count, b.raw(2)
    ([(2, 'A -> B')], 1, 'A -> B')
    """

    __slots__ = ("lines", "first", "last", "count")

    def __init__(self, lines: list[str], first: int, last: int, count: int):
        self.lines, self.first, self.last, self.count = lines, first, last, count

    def __len__(self) -> int:
        return self.last - self.first

    def numbered(self):
        """(1-based line number, raw line) of each of the block's lines, in order (an iterator)."""
        return zip(range(self.first + 1, self.last + 1), self.lines[self.first:self.last])

    def raw(self, number: int, default: str = "") -> str:
        """The raw text of line ``number`` if it is in the block, else ``default``."""
        return self.lines[number - 1] if self.first < number <= self.last else default

    def last_line(self) -> tuple[int, str] | None:
        """(number, raw line) of the block's last line, or None for an empty block."""
        return (self.last, self.lines[self.last - 1]) if self.last > self.first else None


def find_block(text: str, file, block: int = 0) -> Block:
    """Block number ``block`` (0-based) of ``text``'s ``@startuml`` blocks, and how many there are.

    Text without any ``@startuml`` is read whole, as one block (handy for snippets).

    >>> find_block("@startuml\\nA -> B\\n@enduml\\n@startuml\\nB -> C\\n@enduml\\n", None, block=1).raw(5)
    'B -> C'
    """
    if not isinstance(block, int) or isinstance(block, bool) or block < 0:
        raise ValueError(f"block must be a block number (0 for the first @startuml block), not {block!r}")
    wanted = block + 1
    lines = text.splitlines()
    count = 0
    inside = False
    first = last = 0        # the wanted block is lines[first:last]; first moves past a repeated @startuml
    # Only a line with an '@' can start or end a block: visit those (a per-line loop was a measurable
    # part of parsing a large diagram).
    for index in [k for k, raw in enumerate(lines) if "@" in raw]:
        raw = lines[index]
        if not inside:
            m = _START.match(raw)
            if m:
                inside = True
                count += 1
                if count == wanted:
                    if m.group(1).lower() != "uml":
                        raise DiagramError(
                            f"this is a @start{m.group(1)} block, not a sequence diagram (@startuml)",
                            file=file, line=index + 1, column=column_of(raw), source_line=raw)
                    first = index + 1
            continue
        if _END.match(raw):
            inside = False
            if count == wanted:
                last = index
        elif _START.match(raw):
            # A repeated @startuml inside a block starts it again: PlantUML drops the lines before it.
            if count == wanted:
                first = index + 1
        # else: an ordinary line with an '@', which stays in the block
    if count == 0:
        count, first, last = 1, 0, len(lines)
    elif count == wanted and inside:
        last = len(lines)     # the wanted block is never closed: it runs to the end of the text
    if wanted > count:
        held = "one @startuml block" if count == 1 else f"{count} @startuml blocks"
        raise DiagramError(f"there is no block {block}: the text holds {held} (numbered from 0)", file=file,
                           line=1, column=1)
    return Block(lines, first, last, count)
