"""Problems for people: a parse error or lint warning as a short HTML panel (where, the line, a caret, the hint).

The panel is what a notebook shows instead of a traceback (see :mod:`flowlib.notebook`), and what a view
shows beside a diagram for its lint warnings. Its HTML comes from one jinja2 template, autoescaped: the
line and the message are diagram text.
"""

from __future__ import annotations

from collections.abc import Iterable

from flowlib.errors import DiagramError
from flowlib.views.html import render

#: Text and border colours of the panel, by severity (text on its background: at least 4.5:1).
SEVERITY_COLORS = {
    "error": ("#8A1C1C", "#FDECEA", "#B00020"),      # text, background, left border
    "warning": ("#6B4500", "#FFF4E0", "#B26A00"),
}

def _fields(problem: DiagramError, footer: str | None) -> dict:
    text, background, border = SEVERITY_COLORS.get(problem.severity, SEVERITY_COLORS["error"])
    gutter = str(problem.line) if problem.line is not None else ""
    return {
        "severity": problem.severity if problem.severity in SEVERITY_COLORS else "error",
        "title": "Diagram error" if problem.severity == "error" else f"Diagram {problem.severity}",
        "place": problem.place(),
        "message": problem.message,
        "lines": problem.caret_lines(),
        "gutter": gutter,
        "blank": " " * len(gutter),
        "footer": footer,
        "text": text,
        "background": background,
        "border": border,
    }


def problems_html(problems: Iterable[DiagramError], *, footer: str | None = None) -> str:
    """Errors and warnings as short HTML panels, one each, in the order given ("" when there is none).

    >>> html = problems_html([DiagramError("expected ':' before the label", line=2, column=8,
    ...                                    source_line="A -> B <hi>")])
    >>> "line 2, column 8" in html, "&lt;hi&gt;" in html, "       ^" in html
    (True, True, True)
    """
    items = [_fields(p, footer) for p in problems]
    if not items:
        return ""
    return render("problems.html.j2", problems=items)


def problem_html(problem: DiagramError, *, footer: str | None = None) -> str:
    """One error as a short HTML panel: where, the message, the line with a caret under the column.

    >>> "Diagram error" in problem_html(DiagramError("empty diagram", line=1))
    True
    """
    return problems_html([problem], footer=footer)
