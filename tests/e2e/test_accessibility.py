"""axe-core's accessibility rules on what the course shows: every page of the static site, and every notebook
run in JupyterLab at 1366x900. No serious or critical violation in the course's own output.

axe-core comes from npm (``scripts/ensure-axe``; ``make test`` sets ``AXE_DIR``) and is injected into the
page from disk: nothing is fetched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from axe import blocking, report, run_axe, widget_states
from notebook_page import open_notebook, run_all

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: The course's own output in JupyterLab: what its Markdown cells render and what its code cells print.
COURSE_OUTPUT = [".jp-Notebook .jp-MarkdownOutput", ".jp-Notebook .jp-OutputArea-output"]


def _site_pages() -> list[str]:
    return ["index"] + [p.stem for p in NOTEBOOKS]


@pytest.mark.parametrize("name", _site_pages())
def test_a_site_page_has_no_serious_accessibility_violation(name, built_site, site_server, static_page):
    """The whole page: the site is all the course's (its template, the notebook's cells, the widgets); then
    the first player's other views and the first quiz question's feedback."""
    page = static_page
    page.goto(f"{site_server}/{name}.html")
    if name != "index":
        page.wait_for_selector(".site-widget.site-js", state="attached")
    found = run_axe(page)
    for part in widget_states(page, ".site-widget"):
        found += run_axe(page, include=[part])
    print("\n" + report(f"{name}.html", found))
    assert not blocking(found), report(f"{name}.html: serious or critical", blocking(found))
    assert page.blocked == []


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_a_notebook_run_in_jupyterlab_has_no_serious_accessibility_violation(notebook, lab_page):
    """Scope: the course answers for its own output, the rendered Markdown cells and the code cells' outputs
    (its diagrams, tables, players, quizzes, panels), after Run All. JupyterLab's own chrome (menus, the file
    browser, the cell editors, the toolbar) is JupyterLab's to fix: what axe finds there is printed for the
    record, never failed on. Checked as Run All leaves the page, then with the first player's other views and
    the first quiz question's feedback shown."""
    page = lab_page
    open_notebook(page, f"notebooks/{notebook.name}")
    cells = run_all(page)
    assert cells and all(c["count"] is not None for c in cells), "Run All did not reach every cell"
    page.wait_for_selector(".jp-Notebook .jp-OutputArea-output")
    ours = run_axe(page, include=COURSE_OUTPUT)
    for part in widget_states(page, ".jp-Notebook"):
        ours += run_axe(page, include=[part])
    print("\n" + report(f"{notebook.stem}, the course's output", ours))
    chrome = run_axe(page, exclude=COURSE_OUTPUT)
    print(report(f"{notebook.stem}, JupyterLab's own chrome (not failed on)", chrome, shown=1))
    assert not blocking(ours), report(f"{notebook.stem}: serious or critical", blocking(ours))
