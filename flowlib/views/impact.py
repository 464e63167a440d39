"""Views of a what-if impact: a table, an HTML report coloured by status, the diagram with its fate drawn.

The computation is :mod:`flowlib.analysis.whatif`; :func:`impact_view` wraps its result for display,
and :func:`what_if_frames` pre-renders one frame per failure for the explorer
(:mod:`flowlib.widgets.whatif`). pandas is imported by :meth:`ImpactView.table`, when it is called.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flowlib.analysis.diff import message_text
from flowlib.analysis.whatif import STATUSES, Impact, _name, what_if
from flowlib.analysis.wording import count_noun
from flowlib.model import Diagram
from flowlib.views.palette import BLUE, HIGHLIGHT

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
class ImpactView:
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
        view = sequence_svg(impact.diagram, phase=phase, colors=self.colors, numbers="steps")
        shown = set(view.steps)
        colors = {s.step: STATUS_COLORS[s.status] for s in impact.steps if s.step in shown}
        faded = {s.step for s in impact.steps if s.status in ("never", "not_taken") and s.step in shown}
        dashed = {s.step for s in impact.steps if s.status == "never" and s.step in shown}
        source = color_steps(view.source, colors, faded, opacity=0.4, dashed=dashed)
        return dataclasses.replace(view, source=source, text=impact.summary())


def _impact_html(impact: Impact, affected_only: bool) -> str:
    counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in impact.counts().items() if n)
    out = [f"<div class=\"flowlib-whatif\"><p><b>{html.escape(impact.title)}</b>: {html.escape(counts)}.<br>"]
    phases = ", ".join(impact.incomplete_phases) or "none"
    out.append(f"Phases that cannot complete: <b>{html.escape(phases)}</b>.")
    if impact.taken_branches:
        out.append("<br>Failure path taken: " + html.escape(impact.paths_text) + ".")
    out.append("</p>")
    if impact.state:
        out.append(f"<p><b>Final state</b>: {html.escape(impact.state)}</p>")
    if impact.user_sees:
        out.append(f"<p><b>What the user sees</b>: {html.escape(impact.user_sees)}</p>")
    then = " ".join(s.then for s in impact.scenarios if s.then)
    if then:
        out.append(f"<p><b>Before</b>: {html.escape(then)}</p>")
    out.append('<table style="border-collapse:collapse;font-size:90%"><thead><tr><th>step</th><th>phase</th>'
               "<th>message</th><th>status</th><th>why</th></tr></thead><tbody>")
    for m in impact.diagram.messages:
        s = impact._by_step[m.step]
        if affected_only and s.status in ("ok", "not_taken"):
            continue
        color = STATUS_COLORS.get(s.status, "#1F2328")
        out.append(
            f'<tr style="border-left:4px solid {color}"><td>{m.step}</td><td>{html.escape(m.phase or "")}</td>'
            f"<td>{html.escape(message_text(m))}</td><td style=\"color:{color};font-weight:bold\">"
            f"{s.status.replace('_', ' ')}</td><td>{html.escape(s.reason)}</td></tr>"
        )
    out.append("</tbody></table></div>")
    return "".join(out)


def what_if_frames(diagram: Diagram, choices: Iterable[str] | None = None, scenarios=None,
                   *, phase: str | None = "auto", compare: Diagram | None = None,
                   colors: Mapping[str, str] | None = None) -> tuple[tuple[str, str], ...]:
    """One pre-rendered HTML frame per choice: (dropdown label, the impact and its coloured diagram).

    choices: scenario ids or participant codes (default: every scenario). phase: the part of the
    diagram drawn: ``"auto"`` (the phase where the first step fails), None (all), or a phase name.
    compare: another flow (such as an earlier version) summarised in one line under each impact.
    colors: phase name -> colour for the drawings. Computing every frame up front lets a dropdown
    switch them in the browser, with no kernel.

    >>> from flowlib import parse
    >>> [label for label, _ in what_if_frames(parse("Alice -> Bob: hi"))]
    ['Alice', 'Bob']
    """
    scenarios = () if scenarios is None else tuple(scenarios)
    choices = ([s.id for s in scenarios] or [p.code for p in diagram.participants]) if choices is None else list(choices)
    by_id = {s.id: s for s in scenarios}
    frames = []
    for choice in choices:
        impact = what_if(diagram, choice, scenarios)
        label = by_id[choice].component if choice in by_id else choice
        body = [_impact_html(impact, True)]
        if compare is not None:
            other = what_if(compare, choice, scenarios)
            body.append(f"<p><b>The same failure in {html.escape(_name(compare))}</b>: {html.escape(_one_line(other))}</p>")
        shown = phase
        if phase == "auto":
            first = (impact.highlighted_steps or impact.taken_steps or (None,))[0]
            shown = diagram.messages[first - 1].phase if first is not None else None
            if first is None:
                body.append("<p><i>Nothing in this flow depends on it.</i></p>")
        if phase != "auto" or shown is not None:
            title = f"The {html.escape(shown)} phase" if shown else "The whole flow"
            svg = ImpactView(impact, colors).svg(phase=shown).source
            body.append(f"<p><b>{title}</b>:</p><div style=\"overflow:auto;max-height:640px\">{svg}</div>")
        frames.append((label, "".join(body)))
    return tuple(frames)


def _one_line(impact: Impact) -> str:
    if not impact.failed and not impact.highlighted_steps:
        return "nothing fails: this diagram has no such component."
    counts = impact.counts()
    phases = ", ".join(impact.incomplete_phases) or "none"
    fails, never = counts["fails"], counts["never"]
    return (f"{count_noun(fails, 'step')} {'fails' if fails == 1 else 'fail'} and {never} "
            f"{'never happens' if never == 1 else 'never happen'}; phases that cannot complete: {phases}.")


def choices_html(diagram: Diagram, choices, scenarios, labels) -> str:
    """A summary table of every choice's impact: what a reader without widgets sees of the explorer.

    >>> from flowlib import parse
    >>> "<td>Bob</td><td>1</td>" in choices_html(parse("Alice -> Bob: hi"), ["Bob"], (), ["Bob"])
    True
    """
    rows = []
    for choice, label in zip(choices, labels):
        impact = what_if(diagram, choice, scenarios)
        counts = impact.counts()
        rows.append(
            f"<tr><td>{html.escape(label)}</td><td>{counts['fails']}</td><td>{counts['never']}</td>"
            f"<td>{html.escape(', '.join(impact.incomplete_phases) or 'none')}</td>"
            f"<td>{html.escape(impact.state)}</td></tr>"
        )
    return (
        f"<p>What if a component fails, in {html.escape(_name(diagram))}:</p>"
        '<table style="border-collapse:collapse;font-size:90%"><thead><tr><th>what goes wrong</th><th>steps failing</th>'
        "<th>steps that never happen</th><th>phases that cannot complete</th><th>final state</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
