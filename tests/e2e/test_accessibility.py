"""axe-core's accessibility rules on every page of the static site: no serious or critical violation.

The notebooks in JupyterLab are checked where tests/e2e/test_browser.py runs each of them
(``axe.check_course_output``): one Run All a notebook.

axe-core comes from npm (``scripts/ensure-axe``; ``make test`` sets ``AXE_DIR``) and is injected into the
page from disk: nothing is fetched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from axe import blocking, report, run_axe, widget_states

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


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
