"""The static course site (``make site``): a page per notebook, nothing from another host, players that step.

The browser half opens the site from a local server in Chromium with every non-local request blocked.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from scripts.site import offline_problems, player_frames, remote_fetches, widget_state

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
DOCS = ROOT / "docs"


def _players(notebook: Path) -> list[list[str]]:
    """The frames of each step player a committed notebook shows, from its widget state."""
    nb = nbformat.read(notebook, as_version=4)
    state = widget_state(nb)
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            model = state.get(view["model_id"]) if view else None
            if model and "flow-player" in model["state"].get("_dom_classes", []):
                found.append(player_frames(model))
    return found


def test_a_page_per_notebook_and_an_index_linking_them(built_site):
    pages = {p.stem for p in built_site.glob("*.html")}
    assert pages == {p.stem for p in NOTEBOOKS} | {"index"}
    index = (built_site / "index.html").read_text()
    for notebook in NOTEBOOKS:
        assert f'href="{notebook.stem}.html"' in index
    # Links between notebooks lead to pages, not to .ipynb files the site does not have.
    for page in built_site.glob("*.html"):
        assert not re.search(r'href="(?!https?:)[^"]*\.ipynb', page.read_text()), page.name


def test_nothing_is_loaded_from_another_host(built_site):
    assert offline_problems(built_site) == []
    for page in built_site.glob("*.html"):
        remote, links = remote_fetches(page.read_text())
        assert remote == [], page.name
        # Outbound links (OpenStack documentation) are allowed: they are clicked, never fetched.
        assert all(link.startswith("https://") for link in links), (page.name, links)


def test_the_check_catches_what_a_stock_nbconvert_export_loads():
    """The same check on nbconvert's own lab export finds its CDN scripts: the check can fail."""
    from nbconvert import HTMLExporter

    stock, _ = HTMLExporter(template_name="lab").from_filename(str(NOTEBOOKS[0]))
    remote = remote_fetches(stock)[0]
    assert any("require" in r for r in remote), remote
    page = '<a href="https://docs.openstack.org/">docs</a><img src="//cdn.example/x.png"><link href="http://x/y.css">'
    remote, links = remote_fetches(page)
    assert len(remote) == 2 and links == ["https://docs.openstack.org/"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_player_keeps_all_its_frames_and_the_diagrams_are_there(built_site, notebook):
    players = _players(notebook)
    page = (built_site / f"{notebook.stem}.html").read_text()
    blocks = re.findall(r'<div class="site-fallback"><ol class="site-frames">(.*?)</ol></div>', page, re.S)
    assert len(blocks) == len(players)
    for frames, block in zip(players, blocks):
        shown = re.findall(r'<li class="site-frame" data-index="(\d+)">', block)
        assert shown == [str(i) for i in range(len(frames))]
        # Each frame keeps its step, marked row and narration (what a reader without JavaScript reads).
        assert block.count('class="flow-current"') == len(frames)
        assert block.count('class="flow-narration"') == len(frames)
    assert "application/vnd.jupyter.widget" not in page, "a widget was left for a widget manager that is not there"
    # Every diagram the notebook shows is on the page: a communication view as an image, a sequence view as
    # the HTML that fits it to the page (its SVG inline, with its text alternative).
    nb = nbformat.read(notebook, as_version=4)
    outputs = [o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])]
    images = sum("image/svg+xml" in d and "text/html" not in d for d in outputs)
    fitted = sum("image/svg+xml" in d and "flowlib-figures" in str(d.get("text/html", "")) for d in outputs)
    assert images + fitted == sum("image/svg+xml" in d for d in outputs)
    assert page.count("<img alt=") >= images and page.count('class="flowlib-figures"') >= fitted


# ------------------------------------------------------------------------------------------ browser


def _site_state(page, index: int = 0) -> dict:
    return page.evaluate(
        """i => {
          const p = document.querySelectorAll('.site-widget .flow-player')[i];
          // The frame a reader sees: the player keeps the others laid out but hidden (content-visibility).
          const seen = e => e.checkVisibility ? e.checkVisibility({visibilityProperty: true}) : e.getClientRects().length > 0;
          const f = Array.from(p.querySelectorAll('.flow-frame')).find(seen);
          const row = f && f.querySelector('tr.flow-current');
          const hl = f && f.querySelector('.flow-sequence g.msg.highlight');
          const nar = f && f.querySelector('.flow-narration');
          return {step: f && f.dataset.step, row: row && row.dataset.step, highlight: hl && hl.dataset.step,
                  narration: nar && nar.textContent, where: p.querySelector('.flow-where').textContent,
                  visible: Array.from(p.querySelectorAll('.flow-frame')).filter(seen).length};
        }""",
        index,
    )


def _site_quiz_checks(page, name: str) -> None:
    from launch_course import load_course

    course = load_course()
    card = page.locator(".site-widget .flow-quiz .flow-question").first
    card.scroll_into_view_if_needed()
    question = next(q for q in course.questions if q.id == card.get_attribute("data-question"))
    right = question.answer(course.diagram_for(question))
    wrong = next(c for c in question.choices if c != right)
    for choice, verdict in ((wrong, "false"), (right, "true")):
        card.evaluate("(c, t) => { for (const l of c.querySelectorAll('.flow-choices label'))"
                      " if (l.textContent.trim() === t) l.querySelector('input').click(); }", choice)
        card.locator(".flow-check").click()
        assert card.locator(".flow-feedback").get_attribute("data-correct") == verdict
    progress = page.locator(".site-widget .flow-progress").first.inner_text()
    assert re.search(r"answered right: 1 of", progress), progress


def _phase_page(built_site) -> str:
    """The first phase page (a notebook with a player, after the overview)."""
    for notebook in NOTEBOOKS[1:] or NOTEBOOKS:
        if _players(notebook):
            return f"{notebook.stem}.html"
    pytest.fail("no notebook has a step player")


@pytest.mark.browser
def test_a_phase_page_offline_shows_its_diagrams_and_its_player_steps(built_site, site_server, static_page, out_dir):
    page = static_page
    name = _phase_page(built_site)
    page.goto(f"{site_server}/{name}")
    page.wait_for_selector(".site-widget.site-js .flow-player")
    # The diagrams outside the player are drawn (images from data: URIs, or inline SVG fitted to the page),
    # each with its text alternative (alt text; an SVG's <desc>, its steps, or its aria-label).
    diagrams = page.evaluate(
        """() => [
          ...Array.from(document.querySelectorAll('.jp-RenderedSVG img'))
             .map(i => ({ok: i.complete && i.naturalWidth > 0, alt: i.alt.length})),
          ...Array.from(document.querySelectorAll('.jp-OutputArea-output .flowlib-figure > svg'))
             .map(s => ({ok: s.getBoundingClientRect().width > 0,
                         alt: ((s.querySelector(':scope > desc') || {}).textContent || s.getAttribute('aria-label') || '').length})),
        ]"""
    )
    assert diagrams and all(d["ok"] and d["alt"] > 0 for d in diagrams), diagrams
    start = _site_state(page)
    assert start["visible"] == 1 and start["step"] == start["row"] == start["highlight"], start
    player = page.locator(".site-widget .flow-player").first
    player.scroll_into_view_if_needed()
    state = start
    for n in range(2, 5):
        player.locator(".flow-next").click()
        after = _site_state(page)
        assert after["step"] != state["step"] and after["step"] == after["row"] == after["highlight"], after
        assert after["narration"] != state["narration"] and after["where"].startswith(f"Step {n} of")
        state = after
    # The slider and the arrow keys step too.
    player.locator("input.flow-range").focus()
    page.keyboard.press("ArrowLeft")
    assert _site_state(page)["where"].startswith("Step 3 of")
    player.locator(".flow-ui").focus()
    page.keyboard.press("ArrowRight")
    assert _site_state(page)["where"].startswith("Step 4 of")
    player.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(out_dir / f"site-{Path(name).stem}.png"))
    # The quiz checks on the page, and a right answer counts in the progress card.
    _site_quiz_checks(page, name)
    if os.environ.get("E2E_DOCS"):
        shutil.copy(out_dir / f"site-{Path(name).stem}.png", DOCS / "browser-site-player.png")
    assert page.blocked == [], "the site asked for something outside 127.0.0.1"


@pytest.mark.browser
def test_the_what_if_explorer_switches_failures_on_the_page(built_site, site_server, static_page, out_dir):
    from notebook_page import choose_failure

    pages = [p for p in NOTEBOOKS if "what_if_explorer(" in p.read_text()]
    assert pages, "no notebook shows a what-if explorer"
    page = static_page
    page.goto(f"{site_server}/{pages[0].stem}.html")
    page.wait_for_selector(".site-widget.site-js .flow-whatif select")
    by_mouse = choose_failure(page, ".site-widget")
    assert by_mouse["after"]["text"] != by_mouse["before"]["text"] and by_mouse["label"].strip() == "What goes wrong:"
    by_key = choose_failure(page, ".site-widget", keyboard=True)
    assert by_key["after"]["index"] == str(int(by_key["before"]["index"]) + 1), by_key
    # It fits the page: nothing in it is wider than the explorer.
    wide = page.locator(".site-widget .flow-whatif").first.evaluate(
        "e => Array.from(e.querySelectorAll('*')).filter(c => c.getBoundingClientRect().right > e.getBoundingClientRect().right + 1)"
        ".map(c => c.tagName + '.' + c.className).slice(0, 5)")
    assert wide == [], wide
    page.screenshot(path=str(out_dir / "site-whatif.png"))
    assert page.blocked == []


@pytest.mark.browser
def test_without_javascript_the_steps_read_one_after_another(built_site, site_server, chromium):
    name = _phase_page(built_site)
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site_server}/{name}")
        shown = page.evaluate(
            """() => { const p = document.querySelector('.site-widget .site-frames');
                 return {frames: p.querySelectorAll('.site-frame').length,
                         visible: Array.from(p.querySelectorAll('.site-frame')).filter(e => e.getClientRects().length).length,
                         controls: document.querySelectorAll('.flow-controls').length}; }"""
        )
        assert shown["frames"] >= 2 and shown["visible"] == shown["frames"] and shown["controls"] == 0, shown
    finally:
        context.close()


def test_site_command_line_builds_one_notebook(tmp_path, capsys):
    from scripts.site import main

    first = NOTEBOOKS[0].stem
    assert main([first, "--out", str(tmp_path / "s")]) == 0
    assert sorted(p.name for p in (tmp_path / "s").glob("*.html")) == sorted(["index.html", f"{first}.html"])
    assert "no server or network needed" in capsys.readouterr().out
    assert offline_problems(tmp_path / "s") == []


@pytest.mark.browser
def test_the_site_works_from_file_urls(built_site, static_page):
    """Copied to a USB stick and opened from disk, no server: the player still steps."""
    page = static_page
    page.goto((built_site / _phase_page(built_site)).as_uri())
    page.wait_for_selector(".site-widget.site-js .flow-player")
    page.locator(".site-widget .flow-player").first.locator(".flow-next").click()
    assert _site_state(page)["where"].startswith("Step 2 of")
    assert page.blocked == []
