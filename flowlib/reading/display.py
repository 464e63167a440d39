"""Text as PlantUML displays it: ``\\n`` line breaks and escapes in labels, quotes taken off names."""

from __future__ import annotations

from flowlib.reading.escaping import unescape
from flowlib.reading.patterns import QUOTES


def display_text(text: str) -> str:
    r"""What PlantUML displays for a single-line text: :func:`flowlib.reading.escaping.unescape`, the rule the
    writer follows too (``\n`` breaks lines, ``\\`` and ``\t`` unescaped, links and formulas kept raw).

    >>> display_text(r"a\nb <math>x\ny</math>")
    'a\nb <math>x\\ny</math>'
    """
    return unescape(text) if "\\" in text else text     # (most labels have no escape: no call)


def unquote(name: str) -> str:
    """``"Token Store"`` -> ``Token Store``; unquoted names are returned as they are.

    >>> unquote('"Token Store"'), unquote("Bob")
    ('Token Store', 'Bob')
    """
    if len(name) >= 2 and name[0] in QUOTES and name[-1] in QUOTES:
        return name[1:-1]
    return name
