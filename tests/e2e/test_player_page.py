"""The step player's own module on a plain page (as the static site and the bench run it), in Chromium.

Functional checks only (``make bench`` times the steps): every key press shows exactly one frame, whose
highlighted arrow, marked table row and heading agree; frames made ahead of time while the page is idle
show the same as frames made on the spot; the Table view survives stepping; a step in an else branch
says so in the heading; nothing throws.
"""

from __future__ import annotations

import pytest

from benchmarks.browser import PROBE, page_html
from notebook_page import heads_in_sight, hidden_heads
from flowlib import parse
from flowlib.widgets.player import StepPlayer

pytestmark = pytest.mark.browser

DIAGRAM = "\n".join(
    ["participant Client", "participant Server", "participant Store"]
    + [f"Client -> Server: request {i}\nServer --> Client: reply {i}" for i in range(1, 4)]
    + ["alt the store answers", "Server -> Store: read", "Store --> Server: rows",
       "else timeout", "Server -> Server: give up", "end", "Server --> Client: done"]
)

STATE = """() => {
  const seen = e => e.checkVisibility({visibilityProperty: true});
  const frames = Array.from(document.querySelectorAll('.flow-frame')).filter(seen);
  const f = frames[0];
  const q = s => f && f.querySelector(s);
  const table = q('.flow-table-view');
  return {
    shown: frames.length, step: f && f.dataset.step,
    highlight: q('.flow-sequence g.msg.highlight') && q('.flow-sequence g.msg.highlight').dataset.step,
    row: q('tr.flow-current') && q('tr.flow-current').dataset.step,
    branch: q('.flow-branch') ? q('.flow-branch').textContent : null,
    height: f ? f.closest('.flow-slot').getBoundingClientRect().height : 0,
    table: !!table && seen(table),
    where: document.querySelector('.flow-where').textContent,
    ready: document.querySelectorAll('.flow-slot.flow-sized').length,
  };
}"""


# The shown slot's diagram window has scrolled and stayed put for one frame (a smooth scroll has ended).
SCROLLED_AND_STILL = """() => {
  const slot = Array.from(document.querySelectorAll('.flow-slot')).find(s => !s.classList.contains('flow-off'));
  const top = slot.querySelector('.flow-sequence').scrollTop, still = top > 0 && top === window.__e2eLastTop;
  window.__e2eLastTop = top;
  return still;
}"""


@pytest.fixture()
def player_page(static_page, tmp_path):
    player = StepPlayer(parse(DIAGRAM))
    path = tmp_path / "player.html"
    path.write_text(page_html("player", player), encoding="utf-8")
    errors: list[str] = []
    static_page.on("pageerror", lambda e: errors.append(str(e)))
    static_page.add_init_script(PROBE)
    static_page.goto(path.as_uri())
    static_page.wait_for_function("() => window.__player && window.__player.done")
    static_page.errors = errors
    static_page.frames_total = len(player.frames)
    return static_page


def _state(page) -> dict:
    return page.evaluate(STATE)


def _press(page, key: str, before: dict) -> dict:
    page.keyboard.press(key)
    page.wait_for_function(f"() => ({STATE})().step !== {before['step']!r}")
    return _state(page)


def _check(state: dict, step: int) -> None:
    assert state["shown"] == 1, state
    assert state["step"] == state["highlight"] == state["row"] == str(step), state
    assert state["height"] > 100, f"the shown frame has no room: {state}"
    if step in (7, 8, 9):
        assert state["branch"] == ("in branch 'else: timeout' of alt 'the store answers'" if step == 9
                                   else "in branch 'alt: if the store answers' of alt 'the store answers'"), state
    else:
        assert state["branch"] is None, state


def test_every_step_shows_one_frame_that_agrees_with_itself(player_page):
    page = player_page
    n = page.frames_total
    state = _state(page)
    _check(state, 1)
    page.focus(".flow-ui")
    for step in range(2, n + 1):  # straight away: some frames are made on the spot
        state = _press(page, "ArrowRight", state)
        _check(state, step)
    assert state["where"] == f"Step {n} of {n} (message {n})"
    page.wait_for_function(f"() => document.querySelectorAll('.flow-slot.flow-sized').length === {n}")
    for step in range(n - 1, 0, -1):  # every frame made now: they must show the same
        state = _press(page, "ArrowLeft", state)
        _check(state, step)
    assert page.errors == []


def test_the_table_view_survives_stepping(player_page):
    page = player_page
    page.click(".flow-tab[data-view='table']")
    state = _state(page)
    assert state["table"] and state["height"] > 100, state
    page.focus(".flow-ui")
    for step in range(2, 6):
        state = _press(page, "ArrowRight", state)
        assert state["table"] and state["row"] == str(step) and state["height"] > 50, state
    page.click(".flow-tab[data-view='sequence']")
    state = _state(page)
    _check(state, 5)
    assert page.errors == []


#: A long flow between four services: a frame shows a window of 24 messages, far taller than its window.
LONG = "\n".join(
    ['participant "Web <front> & co" as Web', "participant Api", "participant Queue", "participant Worker"]
    + [f"Web -> Api: call {i}\nApi -> Queue: put {i}\nQueue -> Worker: job {i}\nWorker --> Web: done {i}"
       for i in range(1, 16)]
)

def test_the_participant_names_stay_in_the_window_at_a_late_step(static_page, tmp_path):
    page = static_page
    diagram = parse(LONG)
    player = StepPlayer(diagram)
    path = tmp_path / "long.html"
    path.write_text(page_html("long player", player), encoding="utf-8")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector(".flow-frame")
    page.focus(".flow-ui")
    for _ in range(2):  # made on the spot, then made ahead of time and shown again: both keep the names in sight
        page.keyboard.press("End")
        page.wait_for_function("n => document.querySelector('.flow-where').textContent.startsWith(`Step ${n} `)",
                               arg=len(player.frames))
        page.wait_for_function(SCROLLED_AND_STILL)  # the window follows the arrow after the paint
        heads = heads_in_sight(page.locator(".flow-player"))
        assert heads["step"] == str(len(diagram.messages)), heads
        assert heads["scrolled"] > 0 and heads["ownHeadsAbove"], f"the window did not scroll down: {heads}"
        assert sorted(n["text"] for n in heads["names"]) == sorted(p.display for p in diagram.participants), heads
        assert all(n["across"] for n in heads["names"]), heads  # no band: the drawing fits sideways
        hidden = hidden_heads(heads)
        assert not hidden, f"participant names out of sight at the last step: {hidden} ({heads})"
        assert heads["ends"] == 2, heads  # the last arrow's two ends stand out in the strip too
        page.keyboard.press("Home")
        page.wait_for_function("() => document.querySelector('.flow-where').textContent.startsWith('Step 1 ')")
        page.wait_for_function(f"() => document.querySelectorAll('.flow-slot.flow-sized').length === {len(player.frames)}",
                               timeout=30_000)
    assert errors == []
