"""Views of a flow diff: pandas tables, an HTML table coloured by kind, the two flows side by side.

The comparison itself is :mod:`flowlib.analysis.diff`; :func:`diff_view` wraps its result for display.
pandas is imported by the table methods, when they are called.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flowlib.analysis.diff import KINDS, PARTICIPANT_KINDS, FlowDiff, MessageChange
from flowlib.analysis.wording import diagram_name
from flowlib.views.display import Displayable
from flowlib.views.html import render
from flowlib.views.palette import BLUISH_GREEN, GREY, HIGHLIGHT, ORANGE, REDDISH_PURPLE, text_color

__all__ = ["KIND_COLORS", "DiffView", "SideBySide", "diff_view"]

#: Colours of the kinds of change (colour-blind friendly: Okabe-Ito, and the highlight for removals).
KIND_COLORS = {
    "unchanged": GREY,
    "changed": ORANGE,
    "rerouted": REDDISH_PURPLE,
    "removed": HIGHLIGHT,
    "added": BLUISH_GREEN,
}


def diff_view(diff: FlowDiff, *, colors: Mapping[str, str] | None = None) -> "DiffView":
    """``diff`` ready for display: tables, HTML, the two flows side by side.

    colors: phase name -> colour for the drawings' phases (the palette's by default).

    >>> from flowlib import diff_flows, parse
    >>> view = diff_view(diff_flows(parse("Alice -> Bob: hi"), parse("Alice -> Bob: hello"), {}))
    >>> view.table().kind.tolist()
    ['changed']
    """
    return DiffView(diff, colors)


@dataclass(frozen=True)
class DiffView(Displayable):
    """A :class:`~flowlib.analysis.diff.FlowDiff` with its views (see :func:`diff_view`)."""

    diff: FlowDiff
    colors: Mapping[str, str] | None = None

    def _rows(self, phase, changes_only: bool) -> tuple[MessageChange, ...]:
        rows = self.diff.messages if phase is ... else self.diff.phase(phase)
        return tuple(r for r in rows if r.kind != "unchanged") if changes_only else rows

    def summary(self, *, phases: bool = True) -> str:
        """The diff's text report (:meth:`FlowDiff.summary <flowlib.analysis.diff.FlowDiff.summary>`).

        >>> from flowlib import diff_flows, parse
        >>> "messages: 1 unchanged" in diff_view(diff_flows(parse("A -> B: x"), parse("A -> B: x"))).summary()
        True
        """
        return self.diff.summary(phases=phases)

    def __str__(self) -> str:
        return self.diff.summary()

    def table(self, phase: str | None = ..., *, changes_only: bool = False):
        """The diff as a pandas DataFrame, one row per :class:`~flowlib.analysis.diff.MessageChange`.

        >>> from flowlib import diff_flows, parse
        >>> diff_view(diff_flows(parse("A -> B: x"), parse("A -> B: x"))).table(changes_only=True).empty
        True
        """
        import pandas as pd

        rows = self._rows(phase, changes_only)
        frame = pd.DataFrame(
            {
                "kind": pd.Categorical([r.kind for r in rows], categories=list(KINDS)),
                "phase": pd.Series([r.phase for r in rows], dtype="string"),
                "old_step": pd.array([r.old_step for r in rows], dtype="Int64"),
                "old": pd.Series([r.old for r in rows], dtype="string"),
                "new_step": pd.array([r.new_step for r in rows], dtype="Int64"),
                "new": pd.Series([r.new for r in rows], dtype="string"),
                "similarity": pd.array([r.similarity for r in rows], dtype="Float64"),
            }
        )
        return frame

    def participants_table(self):
        """The participant changes as a pandas DataFrame.

        >>> from flowlib import diff_flows, parse
        >>> diff_view(diff_flows(parse("A -> B: x"), parse("A -> C: x"))).participants_table().kind.tolist()
        ['same', 'removed', 'added']
        """
        import pandas as pd

        participants = self.diff.participants
        return pd.DataFrame(
            {
                "kind": pd.Categorical([p.kind for p in participants], categories=list(PARTICIPANT_KINDS)),
                "old": pd.Series([", ".join(p.old) for p in participants], dtype="string"),
                "new": pd.Series([", ".join(p.new) for p in participants], dtype="string"),
                "group": pd.Series([p.group for p in participants], dtype="string"),
            }
        )

    def counts_table(self):
        """Messages of each kind per phase (rows: phases in diff order, columns: the kinds), as a DataFrame.

        >>> from flowlib import diff_flows, parse
        >>> diff_view(diff_flows(parse("A -> B: x"), parse("A -> B: x"))).counts_table().index.tolist()
        ['(no phase)']
        """
        import pandas as pd

        phases = self.diff.phases
        frame = pd.DataFrame([self.diff.counts(phase) for phase in phases], columns=list(KINDS))
        frame.index = pd.Index([p if p is not None else "(no phase)" for p in phases], name="phase")
        return frame

    def html(self, phase: str | None = ..., *, changes_only: bool = False) -> str:
        """The rows as an HTML table, each coloured by its kind; all text escaped.

        >>> from flowlib import diff_flows, parse
        >>> "&lt;b&gt;" in diff_view(diff_flows(parse("A -> B: x"), parse("A -> B: <b>"))).html()
        True
        """
        return _html_table(self._rows(phase, changes_only))

    def _mime_types(self) -> dict:
        # text/plain is the summary: without it IPython would show the dataclass, both diagrams and all.
        return {"text/html": self._repr_html_, "text/plain": self.summary}

    def _repr_html_(self) -> str:
        counts = ", ".join(f"{n} {k}" for k, n in self.diff.counts().items())
        return render("diff_head.html.j2", old=diagram_name(self.diff.old), new=diagram_name(self.diff.new), counts=counts,
                      table=self.html(changes_only=True))

    def step_colors(self, side: str) -> dict[int, str]:
        """step -> colour of its kind, for the ``"old"`` or ``"new"`` flow (unchanged steps left out).

        >>> from flowlib import diff_flows, parse
        >>> diff_view(diff_flows(parse("A -> B: x"), parse("A -> B: y z"))).step_colors("old")
        {1: '#E69F00'}
        """
        return {step: KIND_COLORS[kind] for step, kind in self.diff.step_kinds(side).items()}

    def side_by_side(self, phase: str | None = None) -> "SideBySide":
        """The two flows' sequence diagrams side by side (one phase, or whole), differences coloured.

        >>> from flowlib import diff_flows, parse
        >>> view = diff_view(diff_flows(parse("A -> B: x"), parse("A -> B: y z"))).side_by_side()
        >>> view.html.count("<svg")
        2
        """
        from flowlib.views.overlay import color_steps, figures_html, legend_html, side_by_side_html
        from flowlib.views.svg import sequence_svg

        views = []
        for side, diagram in (("old", self.diff.old), ("new", self.diff.new)):
            if phase is not None and not diagram.phase_messages(phase):
                views.append(render("no_phase.html.j2", phase=phase))
                continue
            svg = sequence_svg(diagram, phase=phase, colors=self.colors, numbers="steps")
            colors = self.step_colors(side)
            # Drawn for the page: labels wrapped, or windows of steps one above the other, when too wide.
            parts = svg.fit() if svg.fit is not None else (svg,)
            views.append(figures_html([
                (color_steps(v.source, colors, faded={s for s in v.steps if s not in colors}, opacity=0.45),
                 v.title if len(parts) > 1 else "")
                for v in parts
            ]))
        legend = legend_html((k, KIND_COLORS[k]) for k in KINDS if k != "unchanged")
        body = side_by_side_html(
            views[0], views[1], left_title=diagram_name(self.diff.old), right_title=diagram_name(self.diff.new), legend=legend
        )
        return SideBySide(body, self.diff.summary() if phase is None else self.diff.phase_summary(phase))


@dataclass(frozen=True, slots=True)
class SideBySide(Displayable):
    """HTML of two views side by side; ``text`` is its text alternative.

    >>> str(SideBySide("<div></div>", "two flows"))
    'two flows'
    """

    html: str
    text: str

    def _mime_types(self) -> dict:
        return {"text/html": self.html, "text/plain": self.text}

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.text


def _html_table(rows: Iterable[MessageChange]) -> str:
    return render("diff_table.html.j2", rows=[(r, KIND_COLORS[r.kind], text_color(KIND_COLORS[r.kind])) for r in rows])
