"""The what-if explorer: a labelled select of failures over their pre-rendered impacts, switched in the browser.

The frames come from :func:`flowlib.views.impact.what_if_frames`; this module ships them, with one small
ES module (``assets/whatif.js``), as an anywidget: JupyterLab, Notebook 7, VS Code and Colab load it, and
choosing a failure needs no kernel (after a restart, or on the static site, which runs the same module).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib.resources import files

import anywidget
import traitlets as T

from flowlib.model import Diagram
from flowlib.analysis.wording import count_noun
from flowlib.views.display import Displayable
from flowlib.analysis.whatif import what_if
from flowlib.views.impact import choices_html, what_if_choices, what_if_frames
from flowlib.widgets.callbacks import widget_mimes

__all__ = ["WhatIfExplorer", "what_if_explorer"]

_ASSETS = files("flowlib.widgets") / "assets"


class WhatIfExplorer(Displayable, anywidget.AnyWidget):
    """A select of failures over their frames (HTML), one shown at a time; ``index`` (0-based) is the one
    shown. Readers without widgets get ``summary`` (HTML), a table of every choice.

    >>> WhatIfExplorer(labels=["Bob"], frames=["<p>Bob fails</p>"], summary="<table></table>")
    WhatIfExplorer(1 choice)
    """

    _esm = (_ASSETS / "whatif.js").read_text(encoding="utf-8")
    _css = (_ASSETS / "whatif.css").read_text(encoding="utf-8")
    labels = T.List(T.Unicode(), help="each choice as the select shows it (text)").tag(sync=True)
    frames = T.List(T.Unicode(), help="each choice's impact, as HTML").tag(sync=True)
    index = T.Int(0, help="the choice shown (0-based)").tag(sync=True)
    prompt = T.Unicode("What goes wrong:", help="the select's label").tag(sync=True)
    title = T.Unicode("What-if explorer", help="the explorer's accessible name").tag(sync=True)

    def __init__(self, *, summary: str = "", **kwargs):
        super().__init__(**kwargs)
        self._summary = summary
        self.add_class("flow-whatif")

    def choose(self, label: str) -> None:
        """Show the frame of the choice labelled ``label`` (ValueError naming the labels if there is none)."""
        if label not in self.labels:
            raise ValueError(f"no choice {label!r}; the choices are: {', '.join(map(repr, self.labels))}")
        self.index = self.labels.index(label)
        self.send_state("index")   # even when unchanged here: the browser moves it without telling the kernel

    def __repr__(self) -> str:
        return f"WhatIfExplorer({count_noun(len(self.labels), 'choice')})"

    def _mime_types(self) -> dict:
        # Readers without a widget manager (GitHub's viewer, a static page without JavaScript) get the table.
        return {**widget_mimes(self), "text/html": self._summary}


def what_if_explorer(diagram: Diagram, choices: Iterable[str] | None = None, scenarios=None,
                     *, phase: str | None = "auto", compare: Diagram | None = None,
                     colors: Mapping[str, str] | None = None) -> WhatIfExplorer:
    """A select of components or scenarios over their pre-rendered impacts, switched in the browser.

    Choosing needs no kernel: it works after a restart and on a static page that stores the widget state.
    Readers without widgets (GitHub's viewer, an HTML export) get a summary table of every choice
    instead. The arguments are :func:`~flowlib.views.impact.what_if_frames`'s.

    >>> from flowlib import parse
    >>> what_if_explorer(parse("Alice -> Bob: hi")).labels
    ['Alice', 'Bob']
    """
    scenarios = () if scenarios is None else tuple(scenarios)
    choices = what_if_choices(diagram, choices, scenarios)
    impacts = [what_if(diagram, choice, scenarios) for choice in choices]   # once, for the frames and the table
    frames = what_if_frames(diagram, choices, scenarios, phase=phase, compare=compare, colors=colors, impacts=impacts)
    labels = [label for label, _ in frames]
    return WhatIfExplorer(labels=labels, frames=[body for _, body in frames],
                          summary=choices_html(diagram, impacts, labels),
                          title=f"What-if explorer: {count_noun(len(labels), 'failure')} to choose from")
