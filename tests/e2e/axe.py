"""axe-core in the browser tests: its rules run inside the page, on a part of it, and what they find is read back.

``make test`` installs axe-core with ``scripts/ensure-axe`` (npm, into a cache outside the checkout) and sets
``AXE_DIR``; without it the accessibility tests skip and say how to get it. The page fetches nothing:
``axe.min.js`` is injected from disk with ``page.add_script_tag(path=...)``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

#: Impacts that fail a test: axe's "serious" and "critical" (its other two are "moderate" and "minor").
BLOCKING = ("serious", "critical")


def axe_script() -> Path:
    """axe.min.js under ``$AXE_DIR``; skips the test when the variable is absent (``make test`` sets it)."""
    folder = os.environ.get("AXE_DIR")
    if not folder:
        pytest.skip("AXE_DIR is not set: run scripts/ensure-axe and export AXE_DIR=$(scripts/ensure-axe) (make test does)")
    script = Path(folder) / "node_modules" / "axe-core" / "axe.min.js"
    assert script.is_file(), f"AXE_DIR={folder} holds no node_modules/axe-core/axe.min.js: run scripts/ensure-axe"
    return script


@dataclass(frozen=True)
class Violation:
    """One axe rule broken on the page: the rule, its impact, what it asks, and where (CSS selectors, with the
    offending HTML and axe's own explanation of the first few nodes)."""

    rule: str
    impact: str
    help: str
    nodes: tuple[tuple[str, str, str], ...]

    def describe(self, shown: int = 5) -> str:
        """The rule, then where it is broken: the first ``shown`` nodes (selector, HTML, what to fix)."""
        lines = [f"{self.impact}: {self.rule} ({self.help}), {len(self.nodes)} node(s)"]
        for target, html, why in self.nodes[:shown]:
            lines.append(f"    {target}: {html[:160]}")
            if why:  # axe's "Fix any of the following:" then what to fix
                lines.append(f"      {' '.join(why.split())[:240]}")
        return "\n".join(lines)


def run_axe(page, include: list[str] | None = None, exclude: list[str] | None = None) -> list[Violation]:
    """axe-core's violations on ``page``, limited to the elements matching ``include`` (the whole document if
    None) less those matching ``exclude``; axe is injected once per page load."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe_script()))
    context = {"include": include or ["html"], "exclude": exclude or []}
    found = page.evaluate(
        """async context => {
          const result = await axe.run(context, {resultTypes: ['violations']});
          return result.violations.map(v => ({
            rule: v.id, impact: v.impact || 'minor', help: v.help,
            nodes: v.nodes.map(n => [n.target.join(' '), n.html, n.failureSummary || '']),
          }));
        }""",
        context,
    )
    return [Violation(v["rule"], v["impact"], v["help"], tuple(tuple(n) for n in v["nodes"])) for v in found]


def blocking(violations: list[Violation]) -> list[Violation]:
    """The serious and critical ones.

    >>> blocking([Violation("a", "minor", "", ()), Violation("b", "serious", "", ())])[0].rule
    'b'
    """
    return [v for v in violations if v.impact in BLOCKING]


def report(title: str, violations: list[Violation], shown: int = 5) -> str:
    """A readable list, one rule a paragraph with its first ``shown`` nodes.

    >>> print(report("page", [Violation("image-alt", "critical", "Images must have alternative text",
    ...                                 (("img", "<img>", "Fix: add alt"),))]))
    page: 1 axe rule(s) broken
    critical: image-alt (Images must have alternative text), 1 node(s)
        img: <img>
          Fix: add alt
    """
    if not violations:
        return f"{title}: no axe violation"
    return "\n".join([f"{title}: {len(violations)} axe rule(s) broken", *(v.describe(shown) for v in violations)])


_NEXT_PAINT = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"

_SHOW_VIEW = """([scope, view]) => {
  const button = document.querySelector(`${scope} .flow-player .flow-tabs button[data-view="${view}"]`);
  if (button) button.click();
  return !!button;
}"""

_CHECK_FIRST_QUESTION = """scope => {
  const card = document.querySelector(`${scope} .flow-quiz .flow-question`);
  const choice = card && card.querySelector('.flow-choices input');
  if (!choice) return false;
  choice.click();
  card.querySelector('.flow-check').click();
  return true;
}"""


def widget_states(page, scope: str):
    """Put the first player and quiz under ``scope`` (a CSS selector) through what a learner makes them show,
    yielding, in each state, what to check: the selector of the part that changed.

    The states: the player's table view, its communication view (then back to the diagram), and the first
    quiz question checked with its first choice (its feedback shown). A page without them yields nothing.
    """
    for view in ("table", "communication"):
        if page.evaluate(_SHOW_VIEW, [scope, view]):
            page.evaluate(_NEXT_PAINT)
            yield f"{scope} .flow-player"
    page.evaluate(_SHOW_VIEW, [scope, "sequence"])
    if page.evaluate(_CHECK_FIRST_QUESTION, scope):
        page.wait_for_selector(f"{scope} .flow-quiz .flow-feedback")
        yield f"{scope} .flow-quiz"


#: The course's own output in JupyterLab: what its Markdown cells render and what its code cells print.
COURSE_OUTPUT = [".jp-Notebook .jp-MarkdownOutput", ".jp-Notebook .jp-OutputArea-output"]


def check_course_output(page, name: str) -> None:
    """Fail on any serious or critical violation in the course's output of the notebook open in JupyterLab.

    Scope: the course answers for its own output, the rendered Markdown cells and the code cells' outputs
    (its diagrams, tables, players, quizzes, panels), as the page is, then with the first player's other
    views and the first quiz question's feedback shown. JupyterLab's own chrome (menus, the file browser, the
    cell editors, the toolbar) is JupyterLab's to fix: what axe finds there is printed for the record, never
    failed on.
    """
    page.wait_for_selector(".jp-Notebook .jp-OutputArea-output")
    ours = run_axe(page, include=COURSE_OUTPUT)
    for part in widget_states(page, ".jp-Notebook"):
        ours += run_axe(page, include=[part])
    print("\n" + report(f"{name}, the course's output", ours))
    chrome = run_axe(page, exclude=COURSE_OUTPUT)
    print(report(f"{name}, JupyterLab's own chrome (not failed on)", chrome, shown=1))
    assert not blocking(ours), report(f"{name}: serious or critical", blocking(ours))
