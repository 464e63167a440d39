"""The OpenStack launch-an-instance course: its content as data, on top of :mod:`flowlib`.

The content (the 2014 and today's diagrams, narration, quizzes, exercises, components, failures,
references, the bug hunt) ships inside this package and is read with :mod:`importlib.resources`, so an
installed wheel works anywhere. Quiz answers and exercise checks are computed from the parsed diagram.

>>> course = load_course()
>>> course.diagram.phases[:2]
('auth', 'scheduling')
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # type checkers see where each lazy name comes from
    from launch_course.palette import PHASE_COLORS
    from launch_course.components import Component, load_components, service_groups, service_label
    from launch_course.course import (
        Course,
        Exercise,
        Feedback,
        Narration,
        PhaseInfo,
        Question,
        check_answer,
        check_exercise,
        load_course,
        run_solution,
        show_solutions,
    )
    from launch_course.today import (
        check_bughunt,
        load_bughunt,
        load_references,
        reference_narration,
        references_table,
    )
    from launch_course.widgets import Quiz, check, components_card, exercise_card, progress
    from launch_course.observe import Observation, load_observations, observation, observed_table
    from launch_course.verdicts import contradictions, load_wording
    from launch_course.glossary import glossary_table, load_glossary, mark_terms, narration_with_glossary

#: Public name -> the module that defines it, imported on first use.
_LAZY = {
    "load_course": "launch_course.course",
    "Course": "launch_course.course",
    "PhaseInfo": "launch_course.course",
    "Narration": "launch_course.course",
    "Question": "launch_course.course",
    "Exercise": "launch_course.course",
    "Feedback": "launch_course.course",
    "check_answer": "launch_course.course",
    "check_exercise": "launch_course.course",
    "run_solution": "launch_course.course",
    "show_solutions": "launch_course.course",
    "Component": "launch_course.components",
    "load_components": "launch_course.components",
    "service_label": "launch_course.components",
    "service_groups": "launch_course.components",
    "load_references": "launch_course.today",
    "load_bughunt": "launch_course.today",
    "check_bughunt": "launch_course.today",
    "reference_narration": "launch_course.today",
    "references_table": "launch_course.today",
    "PHASE_COLORS": "launch_course.palette",
    "Quiz": "launch_course.widgets",
    "check": "launch_course.widgets",
    "progress": "launch_course.widgets",
    "exercise_card": "launch_course.widgets",
    "components_card": "launch_course.widgets",
    "Observation": "launch_course.observe",
    "load_observations": "launch_course.observe",
    "observation": "launch_course.observe",
    "observed_table": "launch_course.observe",
    "load_wording": "launch_course.verdicts",
    "contradictions": "launch_course.verdicts",
    "load_glossary": "launch_course.glossary",
    "glossary_table": "launch_course.glossary",
    "mark_terms": "launch_course.glossary",
    "narration_with_glossary": "launch_course.glossary",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'launch_course' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)


def _in_ipython() -> None:
    """Inside IPython, the setup cell (which imports this package) installs the course's notebook helpers.
    Elsewhere (IPython not loaded) nothing is imported: the package's names stay lazy."""
    if "IPython" in sys.modules:
        from launch_course.notebook import install

        install()


_in_ipython()
