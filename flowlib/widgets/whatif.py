"""The what-if explorer: a dropdown of failures over their pre-rendered impacts, switched in the browser.

The frames come from :func:`flowlib.views.impact.what_if_frames`; this module only arranges them in
ipywidgets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import ipywidgets as W

from flowlib.model import Diagram
from flowlib.views.display import Displayable
from flowlib.views.impact import choices_html, what_if_frames

__all__ = ["WhatIfExplorer", "what_if_explorer"]


class WhatIfExplorer(Displayable, W.VBox):
    """A what-if dropdown over its frames; shows a summary table where widgets cannot run."""

    def __init__(self, children, *, summary: str, **kwargs):
        super().__init__(children=children, **kwargs)
        self._summary = summary

    def __repr__(self) -> str:
        return f"WhatIfExplorer({len(self.children[0].options)} choices)"

    def _mime_types(self) -> dict:
        # Readers without a widget manager (a static page) get the summary table.
        return {**W.VBox._repr_mimebundle_(self), "text/html": self._summary}


def what_if_explorer(diagram: Diagram, choices: Iterable[str] | None = None, scenarios=None,
                     *, phase: str | None = "auto", compare: Diagram | None = None,
                     colors: Mapping[str, str] | None = None) -> WhatIfExplorer:
    """A dropdown of components over their pre-rendered impacts (ipywidgets ``Dropdown`` + ``Stack``).

    The dropdown drives the stack through ``jsdlink``: choosing happens in the browser, so it works
    without a kernel and in a static export that stores the widget state. Readers without widgets
    (GitHub's viewer, an HTML export) get a summary table of every choice instead. The arguments are
    :func:`~flowlib.views.impact.what_if_frames`'s.

    >>> from flowlib import parse
    >>> what_if_explorer(parse("Alice -> Bob: hi"))
    WhatIfExplorer(2 choices)
    """
    scenarios = () if scenarios is None else tuple(scenarios)
    choices = ([s.id for s in scenarios] or [p.code for p in diagram.participants]) if choices is None else list(choices)
    frames = what_if_frames(diagram, choices, scenarios, phase=phase, compare=compare, colors=colors)
    dropdown = W.Dropdown(options=[(label, i) for i, (label, _) in enumerate(frames)], value=0,
                          description="What goes wrong:", layout=W.Layout(width="max-content"),
                          style={"description_width": "initial"})
    # As wide as the notebook, no wider: the text wraps and a wide drawing scrolls in its own frame.
    fit = dict(width="100%", max_width="100%", min_width="0")
    stack = W.Stack(children=[W.HTML(body, layout=W.Layout(**fit)) for _, body in frames], selected_index=0,
                    layout=W.Layout(**fit))
    summary = choices_html(diagram, choices, scenarios, [label for label, _ in frames])
    box = WhatIfExplorer([dropdown, stack], summary=summary, layout=W.Layout(**fit))
    box.add_class("flow-whatif")
    box._links = (W.jsdlink((dropdown, "index"), (stack, "selected_index")),)
    return box
