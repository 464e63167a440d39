"""The course notebooks: built from course/notebooks/*.md (make notebooks), committed executed, and sound in a fresh kernel.

nbval (``pytest`` runs it on notebooks/, see conftest.py) compares the stored outputs cell by cell. These
tests add what nbval does not check: that the notebooks use only the public API of flowlib and of the
course (launch_course), were stored with
outputs and widget state and without errors or solutions, and survive Restart-and-Run-All followed by
running every cell again in reverse order in the same kernel.
"""

from __future__ import annotations

import re

import ast
import json
import time
from pathlib import Path

import nbformat
import pytest

import flowlib
import launch_course

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
EXPECTED = [
    "00-overview", "01-auth", "02-scheduling", "03-image", "04-network", "05-volume", "06-metadata", "07-capstone",
    "08-then-and-now",
]  # each built from its source, course/notebooks/NN-name.md (tests/test_notebook_sources.py checks them)
#: The phase notebooks and the phases each teaches (06 ends with the short closing phase, status).
PHASE_NOTEBOOKS = {
    "01-auth": ("auth",), "02-scheduling": ("scheduling",), "03-image": ("image",), "04-network": ("network",),
    "05-volume": ("volume",), "06-metadata": ("metadata", "status"),
}
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_the_course_has_its_notebooks():
    assert [p.stem for p in PATHS] == EXPECTED


@pytest.fixture(scope="module")
def course():
    return launch_course.load_course()


def _code(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebooks_import_only_public_names(path):
    nb = nbformat.read(path, as_version=4)
    packages = {"flowlib": flowlib, "launch_course": launch_course}
    imported = set()
    for source in _code(nb):
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                pytest.fail(f"{path.name}: 'import {node.names[0].name}': use 'from flowlib import ...'")
            if isinstance(node, ast.ImportFrom):
                assert node.module in packages, f"{path.name} imports from {node.module}"
                package = packages[node.module]
                names = {alias.name for alias in node.names}
                public = set(package.__all__)
                assert names <= public, f"{path.name} imports non-public {sorted(names - public)}"
                for name in names:
                    getattr(package, name)  # every imported name resolves
                imported |= {(node.module, name) for name in names}
    assert ("launch_course", "load_course") in imported


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebooks_are_committed_executed_with_widget_state_and_no_errors(path):
    nb = nbformat.read(path, as_version=4)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert code_cells and all(c.execution_count for c in code_cells), f"{path.name} was not executed"
    assert [c.execution_count for c in code_cells] == list(range(1, len(code_cells) + 1)), "not one Run All"
    for cell in code_cells:
        for out in cell.outputs:
            assert out.output_type != "error", f"{path.name}: {out.ename}: {out.evalue}"
            assert not (out.output_type == "stream" and out.name == "stderr"), f"{path.name}: stderr {out.text!r}"
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    shown = [
        out.data[WIDGET_VIEW]["model_id"]
        for cell in code_cells
        for out in cell.outputs
        if WIDGET_VIEW in out.get("data", {})
    ]
    assert shown, f"{path.name} shows no widget"
    assert set(shown) <= set(state), f"{path.name}: a displayed widget has no stored state (static export would be blank)"
    # Every player's frames and module are in the stored state, so it steps without a kernel.
    stored = [s["state"] for s in state.values() if "flow-player" in s["state"].get("_dom_classes", [])]
    players = sum('StepPlayer(' in out.get("data", {}).get("text/plain", "") for c in code_cells for out in c.outputs)
    assert players >= 1 and len(stored) == players
    assert all(p["frames"] and 'class="flow-frame"' in p["frames"][0] and "export default" in p["_esm"] for p in stored)


def test_stored_outputs_are_the_learner_edition(course):
    solutions = [e.solution.strip().splitlines()[-1] for e in course.all_exercises]
    for path in PATHS:
        text = path.read_text(encoding="utf-8")
        for line in solutions:
            assert json.dumps(line)[1:-1] not in text, f"{path.name} shows a solution: {line}"
        if "exercise_card(" in text:
            assert "COURSE_SOLUTIONS=1" in text


def test_capstone_keeps_the_spot_for_the_what_if_section():
    nb = nbformat.read(NOTEBOOKS / "07-capstone.ipynb", as_version=4)
    headings = [line for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines() if line.startswith("#")]
    assert "## What if a component fails?" in headings


def test_every_phase_notebook_has_player_quiz_exercises_and_then_and_now(course):
    for stem, phases in PHASE_NOTEBOOKS.items():
        nb = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
        code = "\n".join(_code(nb))
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        for phase in phases:
            assert re.search(rf'StepPlayer\(\s*diagram, phase="{phase}", narration=course\.narration_with_glossary, lane=course\.observation', code)
            assert f"Quiz(course.quiz(\"{phase}\")" in code and len(course.quiz(phase)) >= 4
            exercises = course.exercises(phase)
            assert len(exercises) >= 2 and all(f'check("{e.id}"' in code for e in exercises)
        assert "Then and now" in text and "Estimated time" in text  # their content: tests/test_notebook_prose.py


#: The quiz of each notebook that is not a phase notebook, as its code calls it: the bank, and the diagram
#: the bank's flow questions are answered from (08's today bank: today's flow, ``now``).
OTHER_QUIZZES = {
    "00-overview": ('Quiz(course.quiz("overview"), diagram)', "overview"),
    "07-capstone": ("Quiz(course.quiz(), diagram)", "review"),
    "08-then-and-now": ('Quiz(course.quiz("today"), now)', "today"),
}


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_every_notebook_has_a_quiz(path, course):
    # The browser test answers a question wrongly and one rightly in every notebook.
    code = "\n".join(_code(nbformat.read(path, as_version=4)))
    assert "Quiz(" in code, f"{path.stem} has no quiz"
    if path.stem in OTHER_QUIZZES:
        call, bank = OTHER_QUIZZES[path.stem]
        assert call in code and len(course.quiz(bank)) >= 3
    if path.stem == "08-then-and-now":
        assert "now = course.today" in code


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_restart_run_all_then_run_every_cell_again_in_reverse(path, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.delenv("COURSE_SOLUTIONS", raising=False)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)  # raises CellExecutionError on any error
        seconds = time.perf_counter() - start
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert not errors
        # Running cells again, out of order, must not break anything (widgets keep no shared state).
        for index in reversed(range(len(nb.cells))):
            if nb.cells[index].cell_type == "code":
                client.execute_cell(nb.cells[index], index)
    print(f"{path.stem}: Run All in {seconds:.2f} s (the 5 s target is checked by make bench)")


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_stored_outputs_do_not_depend_on_where_the_checkout_lives(path):
    # A path such as /home/me/course/... in an output would differ in every clone (and fail nbval there).
    assert str(ROOT) not in path.read_text(encoding="utf-8"), f"{path.name} stores the checkout's path"
