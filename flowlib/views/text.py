"""The text alternative of every view: the shown steps as an ordered list of plain text or HTML.

Rule 1: every view (communication graph, Mermaid, sequence SVG) picks its messages with
:func:`~flowlib.analysis.select.select_messages` and describes them with :func:`step_list`, so that a
screen reader hears the same steps that the picture shows.
"""

from __future__ import annotations

from flowlib.views.html import render
from collections.abc import Iterable

from flowlib.model import Diagram
from flowlib.analysis.groups import branch_marker, message_groups
from flowlib.analysis.select import check_highlight, select_messages
from flowlib.analysis.wording import describe, one_line

#: Marks the highlighted step in the text list.
MARKER = "▶"


def _lines(diagram, messages, highlight):
    """(phase header or None, message, highlighted?, branch marks) for each shown message."""
    show_phases = bool(diagram.phases)
    where = message_groups(diagram)
    current = object()
    for m in messages:
        header = None
        if show_phases and m.phase != current:
            current = m.phase
            header = m.phase if m.phase is not None else "(before the first phase)"
        at = m.step - 1 if 0 < m.step <= len(where) and diagram.messages[m.step - 1] is m else None
        marks = branch_marker(where[at]) if at is not None else ""
        yield header, m, m.step == highlight, marks


def _with_marks(text: str, marks: str) -> str:
    return f"{text} {marks}" if marks else text


def step_list(
    diagram: Diagram,
    *,
    phase: str | None = None,
    steps=None,
    highlight: int | None = None,
    participants: Iterable[str] | None = None,
) -> str:
    """The shown steps as plain text, one per line, the highlighted one marked with ``▶``.

    Phases start with a ``== name ==`` line, as in PlantUML. A step inside a group frame ends with the
    branch it is in, outermost group first (``[alt: if ok]``, ``[else: failure]``; see
    :func:`flowlib.analysis.groups.branch_marker`)::

        == login ==
          1. Alice -> Bob: hello [request]
        ▶ 2. Bob -> Alice: welcome [reply] [alt: if ok]

    >>> from flowlib import parse
    >>> print(step_list(parse("== login ==\\nAlice -> Bob: hello\\nBob --> Alice: welcome"), highlight=2), end="")
    == login ==
      1. Alice -> Bob: hello [request]
    ▶ 2. Bob -> Alice: welcome [reply]
    >>> print(step_list(parse("alt ok\\nA -> B: go\\nelse failure\\nA -> B: stop\\nend")), end="")
      1. A -> B: go [request] [alt: if ok]
      2. A -> B: stop [request] [else: failure]
    """
    shown = select_messages(diagram, phase=phase, participants=participants, steps=steps)
    highlight = check_highlight(diagram, highlight, shown)
    out = []
    for header, message, marked, marks in _lines(diagram, shown, highlight):
        if header is not None:
            out.append(f"== {one_line(header)} ==")
        out.append(f"{MARKER if marked else ' '} {_with_marks(describe(diagram, message), marks)}")
    if not out:
        out.append("(no steps)")
    return "\n".join(out) + "\n"


def step_list_html(
    diagram: Diagram,
    *,
    phase: str | None = None,
    steps=None,
    highlight: int | None = None,
    participants: Iterable[str] | None = None,
) -> str:
    """The shown steps as an HTML ``<ol>`` (one per phase), every text escaped; the highlighted step is
    ``<strong>`` with ``aria-current="step"``; a step inside a group frame ends with its branch marks, as in
    :func:`step_list`.

    >>> from flowlib import parse
    >>> 'aria-current="step"' in step_list_html(parse("Alice -> Bob: <hello>"), highlight=1)
    True
    """
    shown = select_messages(diagram, phase=phase, participants=participants, steps=steps)
    highlight = check_highlight(diagram, highlight, shown)
    sections: list[tuple[str | None, list]] = []
    for header, message, marked, marks in _lines(diagram, shown, highlight):
        if header is not None or not sections:
            sections.append((None if header is None else one_line(header), []))
        sections[-1][1].append((message.step, _with_marks(describe(diagram, message, number=False), marks), marked))
    return render("step_list.html.j2", sections=sections, marker=MARKER) + "\n"  # one line per element, as before
