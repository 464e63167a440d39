"""Driving one JupyterLab page from the tests: open a notebook, run it, read players and quizzes, time steps.

The page's own objects (``window.jupyterapp``, exposed by ``--LabApp.expose_app_in_browser``) do the
opening and running; the DOM is only read, except for real clicks and key presses on the widgets.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from playwright.sync_api import Page

# In-page helpers, installed before JupyterLab loads. A player's "current frame" is the one frame a reader
# sees: the player keeps its other frames in the DOM, laid out but hidden (content-visibility: hidden).
PAGE_JS = r"""
window.__e2e = {
  seen(e) {
    return e.checkVisibility ? e.checkVisibility({visibilityProperty: true}) : e.getClientRects().length > 0;
  },
  frame(player) {
    for (const f of player.querySelectorAll('.flow-frame')) {
      if (this.seen(f)) return f;
    }
    return null;
  },
  state(player) {
    const f = this.frame(player);
    if (!f) return null;
    const row = f.querySelector('table.flow-table tr.flow-current');
    const hl = f.querySelector('.flow-sequence g.msg.highlight');
    const nar = f.querySelector('.flow-narration');
    const range = player.querySelector('input.flow-range');
    return {
      step: f.dataset.step, position: Number(f.dataset.position),
      total: range ? Number(range.max) + 1 : null,
      row: row && row.dataset.step, highlight: hl && hl.dataset.step,
      narration: nar ? nar.textContent.replace(/\s+/g, ' ').trim() : null,
    };
  },
  player(index) { return document.querySelectorAll('.jp-Notebook .flow-player')[index]; },
  async open(path) {
    const app = window.jupyterapp;
    await this.closeAll();
    const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
    await panel.context.ready;
    await panel.sessionContext.ready;
    app.shell.activateById(panel.id);
    this.panel = panel;
    return panel.id;
  },
  async closeAll() {
    const app = window.jupyterapp;
    for (const w of Array.from(app.shell.widgets('main'))) {
      if (w.sessionContext) { try { await w.sessionContext.shutdown(); } catch (e) {} }
      w.dispose();
    }
    this.panel = null;
  },
  kernelIdle() {
    const k = this.panel && this.panel.sessionContext.session && this.panel.sessionContext.session.kernel;
    return !!k && k.status === 'idle';
  },
  async runAll() {
    await window.jupyterapp.commands.execute('notebook:run-all-cells');
  },
  cells() {
    // Each code cell: its index, whether it ran, its error and stderr outputs.
    const out = [];
    this.panel.content.widgets.forEach((cell, i) => {
      if (cell.model.type !== 'code') return;
      const outputs = cell.model.outputs.toJSON();
      out.push({
        index: i, count: cell.model.executionCount,
        source: cell.model.sharedModel.getSource().slice(0, 120),
        errors: outputs.filter(o => o.output_type === 'error').map(o => `${o.ename}: ${o.evalue}`),
        stderr: outputs.filter(o => o.output_type === 'stream' && o.name === 'stderr').map(o => o.text),
      });
    });
    return out;
  },
  shownErrors() {
    // What a learner would see as an error anywhere in the notebook, widget outputs included.
    const sel = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"],'
      + '.jp-RenderedText[data-mime-type*="error"]';
    return Array.from(this.panel.node.querySelectorAll(sel)).map(e => e.textContent.slice(0, 500));
  },
  choose(card, text) {
    for (const label of card.querySelectorAll('.flow-choices label')) {
      if (label.textContent.trim() === text) { label.querySelector('input').click(); return true; }
    }
    return false;
  },
  question(index) {
    const card = document.querySelectorAll('.jp-Notebook .flow-quiz .flow-question')[index];
    if (!card) return null;
    const prompt = card.querySelector('.flow-prompt');
    const fb = card.querySelector('.flow-feedback');
    return {
      prompt: prompt ? prompt.textContent.replace(/\s+/g, ' ').trim() : '',
      choices: Array.from(card.querySelectorAll('.flow-choices label')).map(l => l.textContent.trim()),
      correct: fb ? fb.dataset.correct || null : null,
      feedback: fb ? fb.textContent.trim() : null,
    };
  },
  armLatency(player) {
    // From the key press or pointer press to the first animation frame after the shown frame changed.
    const self = this;
    const lat = {t0: null, samples: [], last: (this.frame(player) || {dataset: {}}).dataset.step};
    const start = () => { lat.t0 = performance.now(); };
    document.addEventListener('keydown', start, true);
    document.addEventListener('pointerdown', start, true);
    const observer = new MutationObserver(() => {
      const f = self.frame(player);
      const step = f && f.dataset.step;
      if (step && step !== lat.last && lat.t0 !== null) {
        const t0 = lat.t0;
        lat.t0 = null;
        lat.last = step;
        // After the next paint: a message posted from the frame callback runs once that frame is painted.
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => lat.samples.push(performance.now() - t0);
          channel.port2.postMessage(null);
        });
      }
    });
    observer.observe(player, {subtree: true, childList: true, attributes: true});
    lat.disarm = () => {
      observer.disconnect();
      document.removeEventListener('keydown', start, true);
      document.removeEventListener('pointerdown', start, true);
    };
    this.lat = lat;
  },
};
"""


# Where the names of a player's head strip are: each one's text, whether it lies inside the diagram window
# (top to bottom), whether its middle is inside it sideways (a band may cut a head at its edge) and, if so,
# whether it is what the page shows there (nothing covers it); the window's scroll and the drawing's own heads.
HEADS_IN_SIGHT = """(player) => {
  const slot = Array.from(player.querySelectorAll('.flow-slot')).find(s => !s.classList.contains('flow-off'));
  const win = slot.querySelector('.flow-sequence'), strip = win.querySelector('.flow-heads');
  const w = win.getBoundingClientRect();
  const bottom = w.top + win.clientHeight, right = w.left + win.clientWidth;  // inside the scrollbars
  const names = Array.from(strip.querySelectorAll('text')).map(t => {
    const r = t.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    const across = x > w.left && x < right;
    const hit = across ? document.elementFromPoint(x, y) : null;
    return {text: t.textContent, inside: r.height > 0 && r.top >= w.top - 0.5 && r.bottom <= bottom + 0.5,
            across, onTop: !!hit && strip.contains(hit)};
  });
  const own = win.querySelector('svg.flowlib-sequence g.participant text').getBoundingClientRect();
  return {step: slot.querySelector('.flow-frame').dataset.step, names, scrolled: win.scrollTop,
          ownHeadsAbove: own.bottom < w.top, ends: strip.querySelectorAll('g.participant[stroke-width="2"]').length};
}"""


def heads_in_sight(player) -> dict:
    """Where the names of the shown frame's head strip are in ``player`` (a locator): see HEADS_IN_SIGHT."""
    return player.evaluate(HEADS_IN_SIGHT)


def hidden_heads(heads: dict) -> list[str]:
    """The names of a head strip a reader cannot see though they are in the window's width."""
    return [n["text"] for n in heads["names"] if n["across"] and not (n["inside"] and n["onTop"])]


@dataclass(frozen=True)
class PlayerState:
    """What a player shows: the frame's step and position, the marked table row, the highlighted arrow."""

    step: str
    position: int
    total: int | None
    row: str | None
    highlight: str | None
    narration: str | None


def player_state(page: Page, index: int = 0) -> PlayerState | None:
    raw = page.evaluate("i => { const p = __e2e.player(i); return p ? __e2e.state(p) : null; }", index)
    return None if raw is None else PlayerState(**raw)


def open_notebook(page: Page, path: str, *, timeout: float = 60_000) -> None:
    """Open ``path`` (relative to the server root) as the only notebook and wait for an idle kernel."""
    page.evaluate("p => __e2e.open(p)", path)
    page.wait_for_function("() => __e2e.kernelIdle()", timeout=timeout)


def run_all(page: Page, *, timeout: float = 90_000) -> list[dict]:
    """Run All, wait for the kernel to be idle again, and return each code cell's run record."""
    page.evaluate("() => __e2e.runAll()")
    page.wait_for_function("() => __e2e.kernelIdle()", timeout=timeout)
    return page.evaluate("() => __e2e.cells()")


def step_until_changed(page: Page, before: PlayerState, action, *, index: int = 0, timeout: float = 10_000) -> PlayerState:
    """Do ``action()`` (a click or key press) and wait until the player shows another frame."""
    action()
    page.wait_for_function(
        "([i, step]) => { const p = __e2e.player(i); const f = p && __e2e.frame(p); return f && f.dataset.step !== step; }",
        arg=[index, before.step],
        timeout=timeout,
    )
    after = player_state(page, index)
    assert after is not None
    return after


def measure_latency(page: Page, press, *, steps: int = 20, index: int = 0) -> list[float]:
    """Milliseconds from each of ``steps`` presses to the next painted frame; ``press(direction)`` steps
    forward (+1) or back (-1) and turns back at either end of the player."""
    page.evaluate("i => __e2e.armLatency(__e2e.player(i))", index)
    try:
        direction = +1
        for n in range(steps):
            state = player_state(page, index)
            assert state is not None and state.total
            if state.position >= state.total:
                direction = -1
            elif state.position <= 1:
                direction = +1
            press(direction)
            page.wait_for_function("n => __e2e.lat.samples.length > n", arg=n, timeout=10_000)
        return page.evaluate("() => __e2e.lat.samples")
    finally:
        page.evaluate("() => __e2e.lat && __e2e.lat.disarm()")


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def choose_failure(page: Page, scope: str, *, keyboard: bool = False) -> dict:
    """In the first what-if explorer under ``scope``, choose another failure (with the mouse's select, or
    ArrowDown on the focused select); return the frame shown before and after, and the select's label."""
    explorer = page.locator(f"{scope} .flow-whatif").first
    explorer.scroll_into_view_if_needed()
    select = explorer.locator("select.flow-whatif-select")
    stage = explorer.locator(".flow-whatif-stage")
    before = {"index": stage.get_attribute("data-index"), "text": stage.inner_text()}
    options = select.locator("option").all_inner_texts()
    assert len(options) >= 2, f"the explorer offers {options}"
    if keyboard:
        select.focus()
        page.keyboard.press("ArrowDown")
    else:
        select.select_option(str((int(before["index"] or 0) + 1) % len(options)))
    page.wait_for_function("([s, i]) => document.querySelector(s).dataset.index !== i",
                           arg=[f"{scope} .flow-whatif .flow-whatif-stage", before["index"]], timeout=5_000)
    after = {"index": stage.get_attribute("data-index"), "text": stage.inner_text()}
    label = explorer.evaluate("e => { const s = e.querySelector('select'); const l = e.querySelector(`label[for='${s.id}']`);"
                              " return {label: l && l.textContent, chosen: s.selectedOptions[0].textContent}; }")
    return {"before": before, "after": after, "options": options, **label}
