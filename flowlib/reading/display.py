"""Text as PlantUML displays it: ``\\n`` line breaks and escapes in labels, quotes taken off names."""

from __future__ import annotations

from flowlib.reading.patterns import QUOTES


def display_text(text: str) -> str:
    r"""Split on ``\n`` (and ``\r``, ``\l``), unescape ``\\`` and ``\t``; lines joined with "\n"."""
    if "\\" not in text:
        return text
    out = []
    i, n = 0, len(text)
    raw = False
    while i < n:
        c = text[i]
        if c == "[" and text.startswith("[[", i):
            raw = True
        elif c == "]" and text.startswith("]]", i):
            raw = False
        if c == "\\" and not raw and i < n - 1:
            c2 = text[i + 1]
            i += 2
            if c2 in "nrl":
                out.append("\n")
            elif c2 == "t":
                out.append("\t")
            elif c2 == "\\":
                out.append("\\")
            else:
                out.append(c)
                out.append(c2)
            continue
        out.append(c)
        i += 1
    return "".join(out)


def unquote(name: str) -> str:
    """``"Token Store"`` -> ``Token Store``; unquoted names are returned as they are."""
    if len(name) >= 2 and name[0] in QUOTES and name[-1] in QUOTES:
        return name[1:-1]
    return name
