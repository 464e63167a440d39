"""Per-diagram memory: an analysis of a whole diagram is worked out once and kept with the diagram.

A diagram is immutable, so what an analysis finds in it never changes; a player asks for it at every frame,
a table and a text list once more. The answer lives in the diagram's own ``_memo`` (not compared, not
shown), so it goes when the diagram goes and never outlives it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flowlib.model import Diagram


def per_diagram(analysis: Callable[[Diagram], object]):
    """``analysis(diagram)``, worked out once per diagram.

    >>> from flowlib import parse
    >>> calls = []
    >>> @per_diagram
    ... def count(diagram):
    ...     calls.append(1)
    ...     return len(diagram.messages)
    >>> d = parse("A -> B: hi")
    >>> count(d), count(d), len(calls)
    (1, 1, 1)
    """
    key = f"{analysis.__module__}.{analysis.__qualname__}"

    @wraps(analysis)
    def remembered(diagram: Diagram):
        memo = diagram._memo
        if key not in memo:
            memo[key] = analysis(diagram)
        return memo[key]

    return remembered
