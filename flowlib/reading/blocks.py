"""The @startuml ... @enduml blocks of a text: the numbered lines of one of them, and how many there are."""

from __future__ import annotations

import re

from flowlib.errors import DiagramError
from flowlib.reading.lineerror import column_of


_START = re.compile(r"\s*@start(\w+)", re.I)
_END = re.compile(r"\s*@end", re.I)


def block_lines(text: str, file, block: int = 0) -> tuple[list[tuple[int, str]], int]:
    """(1-based line number, raw line) of @startuml block number ``block`` (0-based), and the number of blocks.

    Text without any ``@startuml`` is read whole, as one block (handy for snippets).

    >>> block_lines("@startuml\\nA -> B\\n@enduml\\n@startuml\\nB -> C\\n@enduml\\n", None, block=1)
    ([(5, 'B -> C')], 2)
    """
    if not isinstance(block, int) or isinstance(block, bool) or block < 0:
        raise ValueError(f"block must be a block number (0 for the first @startuml block), not {block!r}")
    wanted = block + 1
    lines = text.splitlines()
    out: list[tuple[int, str]] = []
    count = 0
    inside = False
    kept_from = 0           # index of the first line of the wanted block not yet copied to ``out``

    def keep(end: int) -> None:
        """Copy the wanted block's lines from ``kept_from`` up to index ``end`` (excluded), numbered from 1."""
        out.extend(zip(range(kept_from + 1, end + 1), lines[kept_from:end]))

    # Only a line with an '@' can start or end a block: visit those, and copy the runs of lines between
    # them in one go (a per-line loop was a measurable part of parsing a large diagram).
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
                    kept_from = index + 1
            continue
        if _END.match(raw):
            inside = False
            if count == wanted:
                keep(index)
                kept_from = index + 1
        elif _START.match(raw):
            # A repeated @startuml inside a block starts it again: PlantUML drops the lines before it.
            if count == wanted:
                out.clear()
                kept_from = index + 1
        # else: an ordinary line with an '@', which stays in the run being kept
    if count == 0:
        count = 1
        out = list(enumerate(lines, 1))
    elif count == wanted and inside:
        keep(len(lines))     # the wanted block is never closed: it runs to the end of the text
    if wanted > count:
        held = "one @startuml block" if count == 1 else f"{count} @startuml blocks"
        raise DiagramError(f"there is no block {block}: the text holds {held} (numbered from 0)", file=file,
                           line=1, column=1)
    return out, count
