"""flowlib: read PlantUML sequence diagrams into a frozen model; analyses, tables, views and widgets from it.

Data flows one way, and the folders follow it: :mod:`flowlib.reading` (text to model) ->
:mod:`flowlib.model` -> :mod:`flowlib.analysis` (select, lint, diff, what-if) -> :mod:`flowlib.views`
(tables, sequence SVG, communication graph, Mermaid, text) -> :mod:`flowlib.widgets`;
:mod:`flowlib.writing` turns the model back into text. Heavy libraries load only with the view that
needs them (pandas, graphviz, ipywidgets), on first use of a name below.

>>> import flowlib
>>> diagram = flowlib.parse("Alice -> Bob: hello")
>>> [m.label for m in diagram.messages]
['hello']
"""

from __future__ import annotations

import importlib
import sys

from flowlib.errors import DiagramError
from flowlib.model import Diagram, Message, Participant

TYPE_CHECKING = False  # typing's, without importing typing (3 ms at start); type checkers know the name
if TYPE_CHECKING:  # type checkers see where each lazy name comes from
    from flowlib.analysis.arrows import arrow_kind, message_roles, protocol_tag
    from flowlib.analysis.diff import diff_flows
    from flowlib.analysis.lint import lint
    from flowlib.analysis.select import select_messages
    from flowlib.analysis.whatif import what_if
    from flowlib.reading.driver import parse, parse_file, parse_lenient
    from flowlib.views.diffview import diff_view
    from flowlib.views.graph import communication_view
    from flowlib.views.impact import impact_view
    from flowlib.views.mermaid import to_mermaid
    from flowlib.views.svg import sequence_svg
    from flowlib.views.tables import (
        activations_table,
        interaction_matrix,
        messages_table,
        participants_table,
        phases_table,
        style_messages,
    )
    from flowlib.views.text import step_list, step_list_html
    from flowlib.widgets.player import StepPlayer
    from flowlib.widgets.whatif import what_if_explorer
    from flowlib.writing.plantuml import to_plantuml

#: Public name -> the module that defines it, imported on first use.
_LAZY = {
    "parse": "flowlib.reading.driver",
    "parse_file": "flowlib.reading.driver",
    "parse_lenient": "flowlib.reading.driver",
    "select_messages": "flowlib.analysis.select",
    "arrow_kind": "flowlib.analysis.arrows",
    "message_roles": "flowlib.analysis.arrows",
    "protocol_tag": "flowlib.analysis.arrows",
    "lint": "flowlib.analysis.lint",
    "diff_flows": "flowlib.analysis.diff",
    "what_if": "flowlib.analysis.whatif",
    "diff_view": "flowlib.views.diffview",
    "impact_view": "flowlib.views.impact",
    "messages_table": "flowlib.views.tables",
    "participants_table": "flowlib.views.tables",
    "activations_table": "flowlib.views.tables",
    "phases_table": "flowlib.views.tables",
    "interaction_matrix": "flowlib.views.tables",
    "style_messages": "flowlib.views.tables",
    "sequence_svg": "flowlib.views.svg",
    "communication_view": "flowlib.views.graph",
    "to_mermaid": "flowlib.views.mermaid",
    "step_list": "flowlib.views.text",
    "step_list_html": "flowlib.views.text",
    "StepPlayer": "flowlib.widgets.player",
    "what_if_explorer": "flowlib.widgets.whatif",
    "to_plantuml": "flowlib.writing.plantuml",
}

__all__ = ["DiagramError", "Diagram", "Message", "Participant", *_LAZY]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'flowlib' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)


def _in_ipython() -> None:
    """Inside IPython (a Jupyter kernel), a DiagramError shows as a short panel, not a traceback."""
    if "IPython" not in sys.modules:    # (no shell to tell: the command line skips importing flowlib.notebook)
        return
    from flowlib.notebook import show_errors_briefly

    show_errors_briefly()


_in_ipython()
