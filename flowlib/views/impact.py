"""Views of a what-if impact: a table, an HTML report coloured by status, the diagram with its fate drawn.

The computation is :mod:`flowlib.analysis.whatif`; :func:`impact_view` wraps its result for display,
and :func:`what_if_frames` pre-renders one frame per failure for the explorer
(:mod:`flowlib.widgets.whatif`). pandas is imported by :meth:`ImpactView.table`, when it is called.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from flowlib.analysis.whatif import STATUSES, Impact, what_if
from flowlib.analysis.wording import count_noun, diagram_name, message_text
from flowlib.model import Diagram
from flowlib.views.display import Displayable
from flowlib.views.html import render
from flowlib.views.palette import BLUE, HIGHLIGHT, text_color

__all__ = ["STATUS_COLORS", "ImpactView", "impact_view", "what_if_frames", "choices_html"]

#: How the views draw each status (phase colours give way, so that only the statuses stand out).
STATUS_COLORS = {
    "ok": "#3B4450",
    "fails": HIGHLIGHT,
    "never": "#9AA0A6",
    "taken": BLUE,
    "not_taken": "#C8CDD2",
}


def impact_view(impact: Impact, *, colors: Mapping[str, str] | None = None) -> "ImpactView":
    """``impact`` ready for display: an HTML report, a table, the coloured sequence diagram.

    colors: phase name -> colour for the drawing's phases (the palette's by default).

    >>> from flowlib import parse, what_if
    >>> view = impact_view(what_if(parse("Alice -> Bob: hi"), "Bob"))
    >>> view.table().status.tolist()
    ['fails']
    """
    return ImpactView(impact, colors)


@dataclass(frozen=True)
class ImpactView(Displayable):
    """An :class:`~flowlib.analysis.whatif.Impact` with its views (see :func:`impact_view`)."""

    impact: Impact
    colors: Mapping[str, str] | None = None

    def summary(self) -> str:
        """The impact's text report (:meth:`Impact.summary <flowlib.analysis.whatif.Impact.summary>`).

        >>> from flowlib import parse, what_if
        >>> impact_view(what_if(parse("Alice -> Bob: hi"), "Bob")).summary().startswith("What if Bob fails")
        True
        """
        return self.impact.summary()

    def __str__(self) -> str:
        return self.impact.summary()

    def table(self):
        """One row per step: step, phase, message, status, reason (a pandas DataFrame).

        >>> from flowlib import parse, what_if
        >>> impact_view(what_if(parse("Alice -> Bob: hi"), "Bob")).table().reason.tolist()
        ['Bob is down']
        """
        import pandas as pd

        impact = self.impact
        messages = impact.diagram.messages
        return pd.DataFrame(
            {
                "step": pd.array([m.step for m in messages], dtype="Int64"),
                "phase": pd.Series([m.phase for m in messages], dtype="string"),
                "message": pd.Series([message_text(m) for m in messages], dtype="string"),
                "status": pd.Categorical([impact.status(m.step) for m in messages], categories=list(STATUSES)),
                "reason": pd.Series([impact.reason(m.step) for m in messages], dtype="string"),
            }
        )

    def html(self, *, affected_only: bool = True) -> str:
        """The affected steps (or all) as an HTML table coloured by status, then what the user sees.

        >>> from flowlib import parse, what_if
        >>> "What if Bob fails" in impact_view(what_if(parse("Alice -> Bob: hi"), "Bob")).html()
        True
        """
        return _impact_html(self.impact, affected_only)

    def _mime_types(self) -> dict:
        # text/plain is the report: without it IPython would show the dataclass, diagram and all.
        return {"text/html": self.html, "text/plain": self.summary}

    def _repr_html_(self) -> str:
        return self.html()

    def svg(self, phase: str | None = None):
        """The sequence diagram (whole, or one phase) with failing steps red, steps that never happen
        grey and dashed, failure paths taken in blue, branches not taken faded, the rest dark grey.

        >>> from flowlib import parse, what_if
        >>> impact_view(what_if(parse("Alice -> Bob: hi"), "Bob")).svg().source.count(HIGHLIGHT) > 0
        True
        """
        from flowlib.views.overlay import color_steps
        from flowlib.views.svg import sequence_svg

        impact = self.impact

        def paint(view):
            shown = set(view.steps)
            colors = {s.step: STATUS_COLORS[s.status] for s in impact.steps if s.step in shown}
            faded = {s.step for s in impact.steps if s.status in ("never", "not_taken") and s.step in shown}
            dashed = {s.step for s in impact.steps if s.status == "never" and s.step in shown}
            source = color_steps(view.source, colors, faded, opacity=0.4, dashed=dashed)
            return dataclasses.replace(view, source=source, text=impact.summary(), fit=None)

        view = sequence_svg(impact.diagram, phase=phase, colors=self.colors, numbers="steps")
        # Drawn narrower for a page (labels wrapped, or windows of steps), coloured the same way.
        fit = view.fit
        return dataclasses.replace(paint(view), fit=None if fit is None else (lambda: tuple(paint(v) for v in fit())))


def _impact_html(impact: Impact, affected_only: bool) -> str:
    counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in impact.counts().items() if n)
    rows = []
    for m in impact.diagram.messages:
        s = impact._by_step[m.step]
        if affected_only and s.status in ("ok", "not_taken"):
            continue
        color = STATUS_COLORS.get(s.status, "#1F2328")
        rows.append((m.step, m.phase, message_text(m), s.status.replace("_", " "), s.reason, color, text_color(color)))
    return render(
        "impact.html.j2",
        title=impact.title,
        counts=counts,
        phases=", ".join(impact.incomplete_phases) or "none",
        paths=impact.paths_text if impact.taken_branches else "",
        state=impact.state,
        user_sees=impact.user_sees,
        then=" ".join(s.then for s in impact.scenarios if s.then),
        rows=rows,
    )


def what_if_choices(diagram: Diagram, choices: Iterable[str] | None, scenarios) -> list[str]:
    """``choices`` as a list, or by default every scenario's id (every participant's code without scenarios).

    >>> from flowlib import parse
    >>> what_if_choices(parse("Alice -> Bob: hi"), None, ())
    ['Alice', 'Bob']
    """
    if choices is not None:
        return list(choices)
    return [s.id for s in scenarios or ()] or [p.code for p in diagram.participants]


def what_if_frames(diagram: Diagram, choices: Iterable[str] | None = None, scenarios=None,
                   *, phase: str | None = "auto", compare: Diagram | None = None,
                   colors: Mapping[str, str] | None = None,
                   impacts: Sequence[Impact] | None = None) -> tuple[tuple[str, str], ...]:
    """One pre-rendered HTML frame per choice: (dropdown label, the impact and its coloured diagram).

    choices: scenario ids or participant codes (default: every scenario). phase: the part of the
    diagram drawn: ``"auto"`` (the phase where the first step fails), None (all), or a phase name.
    compare: another flow (such as an earlier version) summarised in one line under each impact.
    colors: phase name -> colour for the drawings. impacts: the choices' impacts when the caller has them
    already (one per choice, in order). Computing every frame up front lets a dropdown switch them in the
    browser, with no kernel.

    >>> from flowlib import parse
    >>> [label for label, _ in what_if_frames(parse("Alice -> Bob: hi"))]
    ['Alice', 'Bob']
    """
    scenarios = () if scenarios is None else tuple(scenarios)
    choices = what_if_choices(diagram, choices, scenarios)
    if impacts is None:
        impacts = [what_if(diagram, choice, scenarios) for choice in choices]
    by_id = {s.id: s for s in scenarios}
    frames = []
    for choice, impact in zip(choices, impacts, strict=True):
        label = by_id[choice].component if choice in by_id else choice
        compare_text = None if compare is None else _one_line(what_if(compare, choice, scenarios))
        shown, nothing = phase, False
        if phase == "auto":
            first = (impact.highlighted_steps or impact.taken_steps or (None,))[0]
            shown = diagram.messages[first - 1].phase if first is not None else None
            nothing = first is None
        view = ImpactView(impact, colors).svg(phase=shown) if phase != "auto" or shown is not None else None
        svg = None if view is None else view._fitted_html()
        frames.append((label, render(
            "whatif_frame.html.j2", impact=_impact_html(impact, True),
            compare_name=None if compare is None else diagram_name(compare, title_first=True), compare_text=compare_text,
            nothing=nothing, shown=shown, svg=svg,
        )))
    return tuple(frames)


def _one_line(impact: Impact) -> str:
    if not impact.failed and not impact.highlighted_steps:
        return "nothing fails: this diagram has no such component."
    counts = impact.counts()
    phases = ", ".join(impact.incomplete_phases) or "none"
    fails, never = counts["fails"], counts["never"]
    return (f"{count_noun(fails, 'step')} {'fails' if fails == 1 else 'fail'} and {never} "
            f"{'never happens' if never == 1 else 'never happen'}; phases that cannot complete: {phases}.")


def choices_html(diagram: Diagram, impacts: Sequence[Impact], labels) -> str:
    """A summary table of every choice's impact (``labels``: the choices as the dropdown names them): what a
    reader without widgets sees of the explorer.

    >>> from flowlib import parse, what_if
    >>> d = parse("Alice -> Bob: hi")
    >>> "<td>Bob</td><td>1</td>" in choices_html(d, [what_if(d, "Bob")], ["Bob"])
    True
    """
    rows = []
    for impact, label in zip(impacts, labels, strict=True):
        counts = impact.counts()
        rows.append((label, counts["fails"], counts["never"], ", ".join(impact.incomplete_phases) or "none",
                     impact.state))
    return render("whatif_choices.html.j2", name=diagram_name(diagram, title_first=True), rows=rows)
