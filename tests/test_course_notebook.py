"""launch_course.notebook in a real IPython shell and kernel: a cell run too early names the cell to run first."""

from __future__ import annotations

import os
from html import escape as html_escape
import queue
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

pytest.importorskip("IPython")

from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from IPython.utils.capture import capture_output  # noqa: E402

from flowlib import interaction_matrix, messages_table, parse, phases_table  # noqa: E402
from launch_course import notebook  # noqa: E402
from launch_course.notebook import SETUP_NAMES, WRAP_CELL, defined_names, frame_html, install, unrun_cell_hint  # noqa: E402
from scripts.build_notebooks import build, sources  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sources()


def _code_cells(source: Path) -> list[str]:
    return [c.source for c in build(source).cells if c.cell_type == "code"]


def test_setup_names_are_what_the_setup_cells_define():
    assert SOURCES
    assert SETUP_NAMES == set().union(*(defined_names(_code_cells(source)[0]) for source in SOURCES))


@pytest.fixture
def shell(tmp_path, monkeypatch):
    shell = InteractiveShell.instance()
    shell.set_custom_exc((), None)
    monkeypatch.chdir(tmp_path)
    yield shell
    shell.set_custom_exc((), None)
    for name in ("__session__", "course", "messages"):
        shell.user_ns.pop(name, None)


def _run(shell, code):
    with capture_output() as captured:
        result = shell.run_cell(code)
    return result, captured


def _session(shell, tmp_path, stem="01-auth"):
    path = tmp_path / f"{stem}.ipynb"
    nbformat.write(build(ROOT / "course" / "notebooks" / f"{stem}.md"), path)
    shell.user_ns["__session__"] = path.name  # as Jupyter Server gives it: relative to the kernel's folder
    return path


def test_a_setup_name_names_the_setup_cell(shell, tmp_path):
    install(shell)
    _session(shell, tmp_path)
    result, captured = _run(shell, "course.diagram")
    assert isinstance(result.error_in_exec, NameError)
    assert "Traceback" not in captured.stdout + captured.stderr
    [output] = captured.outputs
    text = output.data["text/plain"]
    assert text.startswith("`course` is not defined yet: it comes from the setup cell, the first code cell of this "
                           "notebook (it starts `from flowlib import StepPlayer, ...`). Run that "
                           "cell first, then this one.")
    assert "Run an earlier cell first." in output.data["text/html"]


def test_a_later_name_names_its_cell(shell, tmp_path):
    install(shell)
    path = _session(shell, tmp_path)
    cells = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    index = next(i for i, s in enumerate(cells) if s.startswith("messages = "))
    _, captured = _run(shell, "messages.head()")
    assert captured.outputs[0].data["text/plain"].startswith(
        f"`messages` is not defined yet: it comes from code cell {index + 1} of this notebook (it starts "
        "`messages = messages_table(diagram)`). Run the cells above this one first")


def test_a_typo_keeps_its_traceback(shell, tmp_path):
    install(shell)
    _session(shell, tmp_path)
    result, captured = _run(shell, "corse.diagram")
    assert isinstance(result.error_in_exec, NameError)
    assert "NameError" in captured.stdout + captured.stderr and not captured.outputs


def test_without_the_notebook_setup_names_still_get_the_hint(shell):
    install(shell)
    _, captured = _run(shell, "diagram.messages")
    assert "it comes from the setup cell" in captured.outputs[0].data["text/plain"]
    _, captured = _run(shell, "answer_so_far + 1")
    assert "If an earlier cell of this notebook defines it" in captured.outputs[0].data["text/plain"]


def test_a_name_error_inside_a_library_keeps_its_traceback(shell, tmp_path):
    install(shell)
    module = tmp_path / "broken_lib.py"
    module.write_text("def f():\n    return course\n")
    sys.path.insert(0, str(tmp_path))
    try:
        _, captured = _run(shell, "import broken_lib\nbroken_lib.f()")
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("broken_lib", None)
    assert "broken_lib.py" in captured.stdout + captured.stderr and not captured.outputs


def test_diagram_errors_still_show_as_panels(shell):
    install(shell)
    _, captured = _run(shell, "import flowlib\nflowlib.parse('esle')")
    assert "did you mean &#x27;else&#x27;?" in captured.outputs[0].data["text/html"]


def test_hint_without_a_notebook_for_any_name():
    assert unrun_cell_hint("x", None).startswith("`x` is not defined yet. If an earlier cell")
    assert unrun_cell_hint("x", ["y = 1"]) is None


FLOW = parse("== login ==\nA -> B: hi\nB --> A: ok\n== work ==\nA -> C: go")


@pytest.mark.parametrize("frame", [
    messages_table(FLOW),
    phases_table(FLOW),
    interaction_matrix(FLOW),
    messages_table(FLOW).groupby("source_name").agg(first=("step", "min"), sent=("step", "size")),
    messages_table(FLOW).groupby(["phase", "source"], observed=True).size().to_frame("n"),
    pd.DataFrame({"a": [1, 2]}, index=[5, 7]),
], ids=["messages", "phases", "matrix", "groupby", "two-levels", "other-index"])
def test_every_header_cell_has_a_name(frame):
    wrapped = frame_html(frame)
    assert f'<td style="{WRAP_CELL}">' in wrapped  # text cells wrap: the table fits the notebook
    html = wrapped.replace(f' style="{WRAP_CELL}"', "")
    assert "<th></th>" not in html and "<th>" in html
    shown = frame if isinstance(frame.index, pd.RangeIndex) else frame.reset_index()
    for value in shown.iloc[0]:
        assert f"<td>{html_escape(str(value))}</td>" in html


def test_the_html_formatter_is_installed(shell):
    install(shell)
    data, _ = shell.display_formatter.format(phases_table(FLOW))
    html = data["text/html"].replace(f' style="{WRAP_CELL}"', "")
    assert "<th>phase</th>" in html and "<th></th>" not in html


def test_a_kernel_started_with_the_course_startup_file_hints_before_the_setup_cell(tmp_path):
    """What ``make lab`` sets up: PYTHONSTARTUP makes the very first cell's NameError name the setup cell."""
    manager = pytest.importorskip("jupyter_client.manager")
    makefile = (ROOT / "Makefile").read_text()
    assert "PYTHONSTARTUP := $(CURDIR)/course/launch_course/startup.py" in makefile
    env = dict(os.environ, PYTHONSTARTUP=str(ROOT / "course" / "launch_course" / "startup.py"))
    km, kc = manager.start_new_kernel(kernel_name="python3", env=env, cwd=str(tmp_path))
    try:
        kc.execute("course")
        texts, errors = [], []
        while True:
            try:
                msg = kc.get_iopub_msg(timeout=30)
            except queue.Empty:
                break
            kind = msg["msg_type"]
            if kind == "display_data":
                texts.append(msg["content"]["data"]["text/plain"])
            elif kind == "error":
                errors.append(msg["content"])
            elif kind == "status" and msg["content"]["execution_state"] == "idle" and msg["parent_header"]:
                break
        # The start-up file leaves the learner's namespace as it found it.
        ipython_own = ('In', 'Out', 'exit', 'quit', 'get_ipython', 'open')
        names = f"sorted(n for n in dir() if not n.startswith('_') and n not in {ipython_own!r})"
        kc.execute("", user_expressions={"names": names})
        reply = kc.get_shell_msg(timeout=30)
        while reply["parent_header"].get("msg_type") != "execute_request" or not reply["content"].get("user_expressions"):
            reply = kc.get_shell_msg(timeout=30)
        left = reply["content"]["user_expressions"]["names"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert errors == [] and texts and texts[0].startswith("`course` is not defined yet: it comes from the setup cell")
    assert left["status"] == "ok" and left["data"]["text/plain"] == "[]", left
