"""flowlib.notebook in a real IPython shell: a DiagramError shows as a short panel, without a traceback."""

from __future__ import annotations

import pytest

pytest.importorskip("IPython")

from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from IPython.utils.capture import capture_output  # noqa: E402

import flowlib  # noqa: E402
from flowlib.notebook import show_errors_briefly, show_exceptions  # noqa: E402
from flowlib.views.problems import problems_html  # noqa: E402

BROKEN = "@startuml\nAlice -> Bob: hello\nBob -> Alice hi <there>\n@enduml\n"


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    shell.set_custom_exc((), None)
    yield shell
    shell.set_custom_exc((), None)


def run(shell, code: str):
    with capture_output() as captured:
        result = shell.run_cell(code)
    return result, captured


def test_importing_flowlib_in_ipython_installs_the_panel(shell):
    flowlib._in_ipython()  # what ``import flowlib`` does, for a shell started after flowlib was imported
    assert flowlib.DiagramError in shell.custom_exceptions


def test_a_parse_error_shows_as_a_panel_without_traceback(shell):
    show_errors_briefly(shell)
    shell.user_ns["BROKEN"] = BROKEN
    result, captured = run(shell, "import flowlib\nflowlib.parse(BROKEN)")
    assert not result.success and isinstance(result.error_in_exec, flowlib.DiagramError)
    assert captured.stdout == "" and captured.stderr == ""          # no traceback printed
    [output] = captured.outputs
    html = output.data["text/html"]
    assert "Traceback" not in html and "driver.py" not in html
    assert "line 3, column 14" in html
    assert "expected &#x27;:&#x27; before the label" in html
    assert "3 | Bob -&gt; Alice hi &lt;there&gt;\n  |              ^" in html  # escaped, caret under column 14
    assert output.data["text/plain"].startswith("<string>:3:14: error: expected ':' before the label")


def test_other_exceptions_keep_their_traceback(shell):
    show_errors_briefly(shell)
    result, captured = run(shell, "1 / 0")
    assert isinstance(result.error_in_exec, ZeroDivisionError)
    assert "ZeroDivisionError" in captured.stdout + captured.stderr


def test_an_earlier_handler_is_kept(shell):
    seen = []
    shell.set_custom_exc((KeyError,), lambda self, etype, value, tb, tb_offset=None: seen.append(value) or [])
    show_errors_briefly(shell)
    show_errors_briefly(shell)  # twice: nothing more
    assert shell.custom_exceptions == (KeyError, flowlib.DiagramError)
    run(shell, "{}['x']")
    assert len(seen) == 1 and isinstance(seen[0], KeyError)
    result, captured = run(shell, "import flowlib\nflowlib.parse('partcipant A')")
    assert "did you mean &#x27;participant&#x27;?" in captured.outputs[0].data["text/html"]


def test_a_later_handler_keeps_flowlibs(shell):
    show_errors_briefly(shell)
    shown = []
    show_exceptions(shell, (NameError,), shown.append)
    run(shell, "not_defined_anywhere")
    result, captured = run(shell, "import flowlib\nflowlib.parse('esle')")
    assert [type(e) for e in shown] == [NameError]
    assert "did you mean &#x27;else&#x27;?" in captured.outputs[0].data["text/html"]


def test_percent_tb_still_shows_the_traceback(shell):
    show_errors_briefly(shell)
    run(shell, "import flowlib\nflowlib.parse('partcipant A')")
    _, captured = run(shell, "%tb")
    assert "DiagramError" in captured.stdout + captured.stderr


def test_problems_html_lists_warnings_and_errors():
    _, problems = flowlib.parse_lenient("A -> B: hi\nesle\nB -> A: ok")
    html = problems_html(problems)
    assert html.count('class="flowlib-problem ') == 1 and "line 2, column 1" in html
    assert problems_html([]) == ""
