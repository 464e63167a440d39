"""flowlib: parse PlantUML sequence diagrams into a frozen model; tables, views and widgets from it.

Text flows one way: text -> model (``parse``) -> tables / views / widgets. Heavy libraries load only
with the part that needs them: pandas with the tables, graphviz with the communication view,
ipywidgets with the widgets. Names below are the public API; notebooks use nothing else.
"""

from __future__ import annotations

import importlib

from .errors import DiagramError
from .model import (
    Delay,
    Diagram,
    Divider,
    Group,
    GroupElse,
    GroupEnd,
    GroupStart,
    LifeEvent,
    Message,
    NewPage,
    Note,
    Participant,
    Reference,
    Spacer,
)
from .palette import PHASE_COLORS, phase_color

# Public name -> module that defines it, imported on first use.
# Each module owns its names; add yours with a one-line edit.
_LAZY = {
    "parse": "parser",
    "parse_file": "parser",
    "parse_lenient": "parser",
    "to_corpus_json": "corpusjson",
    "to_plantuml": "writer",
    "Component": "components",
    "load_components": "components",
    "service_label": "components",
    "arrow_kind": "analysis",
    "protocol_tag": "analysis",
    "activations": "analysis",
    "message_depths": "analysis",
    "messages_table": "tables",
    "participants_table": "tables",
    "activations_table": "tables",
    "phases_table": "tables",
    "interaction_matrix": "tables",
    "style_messages": "tables",
    "lint": "lint",
    "lint_text": "lint",
    "communication_view": "graph",
    "sequence_svg": "svg",
    "SequenceSVG": "svg",
    "to_mermaid": "mermaid",
    "step_list": "textview",
    "step_list_html": "textview",
    "select_messages": "textview",
    "service_groups": "render",
    "diff_flows": "diff",
    "FlowDiff": "diff",
    "load_equivalences": "diff",
    "what_if": "whatif",
    "Impact": "whatif",
    "load_scenarios": "whatif",
    "what_if_frames": "whatif",
    "what_if_explorer": "whatif",
    "load_references": "today",
    "load_bughunt": "today",
    "check_bughunt": "today",
    "reference_narration": "today",
    "references_table": "today",
    "load_course": "course",
    "check_answer": "course",
    "check_exercise": "course",
    "run_solution": "course",
    "show_solutions": "course",
    "message_text": "course",
    "label_protocol": "course",
    "Course": "course",
    "PhaseInfo": "course",
    "Narration": "course",
    "Question": "course",
    "Exercise": "course",
    "Feedback": "course",
    "DocReference": "course",
    "StepPlayer": "widgets",
    "Quiz": "widgets",
    "check": "widgets",
    "exercise_card": "widgets",
    "components_card": "widgets",
    "frame_html": "widgets",
}

__all__ = [
    "DiagramError",
    "Delay",
    "Diagram",
    "Divider",
    "Group",
    "GroupElse",
    "GroupEnd",
    "GroupStart",
    "LifeEvent",
    "Message",
    "NewPage",
    "Note",
    "Participant",
    "Reference",
    "Spacer",
    "PHASE_COLORS",
    "phase_color",
    *_LAZY,
]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'flowlib' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
