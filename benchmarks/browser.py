"""Step latency of the course's largest players in Chromium: key press to the next painted frame.

``python -m benchmarks.browser [--steps N] [--trace FILE] [--lab]`` builds the players the notebooks show
(07's whole launch, 62 frames; 08's player of today's network phase), each on a static page that runs the
player's own ES module over its frames (as the static site does: no kernel, no network), opens it in
Chromium (/usr/bin/chromium, or $CHROMIUM) at 1366x900 with Playwright, presses ArrowRight N times (turning
back at the ends) and prints JSON: per player, every sample in ms, the median and p90. With ``--lab`` it
also runs notebooks/07-capstone.ipynb and 08-then-and-now.ipynb in a throwaway JupyterLab (the browser
tests' server, file browser open) and times the largest player of each the same way.

A sample runs from the keydown (captured before the player sees it) to the first task after the next
animation frame (a message posted from a requestAnimationFrame callback runs once that frame is painted).
Each press waits for its sample before the next, so presses never queue, and comes after a random pause
(40 to 90 ms, the same sequence every run), at any moment of the display's frame cycle, as a learner's does.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1366, "height": 900}
#: One frame at 60 Hz: the target for the median step.
TARGET_MS = 16.0

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body {{ margin: 0; padding: 8px 16px; font-family: sans-serif; }} main {{ max-width: 1000px; }}</style>
<style>{css}</style></head>
<body><main><h1>{title}</h1><div id="player"></div></main>
<script type="application/json" id="state">{state}</script>
<script type="module">
{module}
const state = JSON.parse(document.getElementById("state").textContent);
const listeners = {{}};
const model = {{
  get: (k) => state[k],
  set: (k, v) => {{ const old = state[k]; state[k] = v; if (old !== v) (listeners["change:" + k] || []).forEach((f) => f()); }},
  on: (e, f) => {{ (listeners[e] = listeners[e] || []).push(f); }},
  off: (e, f) => {{ listeners[e] = (listeners[e] || []).filter((g) => g !== f); }},
  save_changes() {{}}, send() {{}},
}};
const el = document.getElementById("player");
window.__player = {{ done: false }};
__flowPlayer.render({{ model, el }});
window.__player.done = true;
</script></body></html>
"""

#: In-page timing, installed before the page loads.
PROBE = r"""
window.__lat = {t0: null, samples: [], pending: false};
document.addEventListener('keydown', () => {
  const lat = window.__lat;
  lat.t0 = performance.now();
  lat.pending = true;
  // After the player's keydown handler (bubbling, on its root): wait for the next frame to be painted.
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { lat.samples.push(performance.now() - lat.t0); lat.pending = false; };
    channel.port2.postMessage(null);
  });
}, true);
"""


def players():
    """(name, StepPlayer) for the largest players of the course, built as the notebooks build them."""
    from flowlib import StepPlayer
    from launch_course import PHASE_COLORS, load_course, reference_narration, service_groups

    course = load_course()
    diagram = course.diagram
    capstone = StepPlayer(diagram, narration=course.narration_with_glossary, lane=course.observation,
                          groups=service_groups(diagram), colors=PHASE_COLORS)
    now = course.today
    today = StepPlayer(now, steps=range(59, 75), narration=reference_narration(now),
                       lane=lambda step: course.observation(step, flow="today"), colors=PHASE_COLORS)
    return [("07 capstone (whole launch)", capstone), ("08 today's network", today)]


def page_html(title: str, player) -> str:
    """A standalone page that draws ``player`` with its own ES module and stylesheet."""
    module = player._esm.replace("export default { render };", "window.__flowPlayer = { render };")
    state = {"frames": list(player.frames), "steps": list(player.steps), "index": 0,
             "interval": player.interval, "title": player.title, "notice": player.notice}
    data = json.dumps(state).replace("</", "<\\/")
    return PAGE.format(title=html.escape(title), css=player._css, state=data, module=module)


def measure(page, steps: int) -> list[float]:
    """``steps`` ArrowRight presses (ArrowLeft back from the last frame), one sample each."""
    page.focus(".flow-ui")
    n = page.evaluate("() => Number(document.querySelector('input.flow-range').max) + 1")
    position, direction = 0, +1
    pause = random.Random(1366)
    for i in range(steps):
        if position >= n - 1:
            direction = -1
        elif position <= 0:
            direction = +1
        # A learner's key press comes at any moment of the display's 16.7 ms cycle: a random pause first,
        # so the presses do not lock onto the frame that painted the last sample (which would make every
        # sample wait for almost a whole frame, whatever the player does).
        page.wait_for_timeout(pause.uniform(40, 90))
        page.keyboard.press("ArrowRight" if direction > 0 else "ArrowLeft")
        page.wait_for_function("n => window.__lat.samples.length > n && !window.__lat.pending", arg=i,
                               timeout=10_000, polling=25)
        position += direction
    return page.evaluate("() => window.__lat.samples")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    at = (len(ordered) - 1) * q
    low = int(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def run(steps: int = 80, trace: str | None = None) -> dict:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"error": "Playwright is missing (pip install -e '.[test]')"}
    if not Path(CHROMIUM).exists():
        return {"error": f"{CHROMIUM} is missing"}
    out: dict = {"target_ms": TARGET_MS, "players": {}}
    built = players()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        out["chromium"] = browser.version
        try:
            for name, player in built:
                path = Path(tmp) / "player.html"
                path.write_text(page_html(name, player), encoding="utf-8")
                context = browser.new_context(viewport=VIEWPORT)
                page = context.new_page()
                page.add_init_script(PROBE)
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(path.as_uri())
                page.wait_for_function("() => window.__player && window.__player.done", timeout=30_000)
                page.wait_for_timeout(300)  # let the first frame settle, and idle work start
                if trace:
                    browser.start_tracing(page=page, path=f"{trace}-{len(out['players'])}.json", screenshots=False)
                started = time.perf_counter()
                samples = measure(page, steps)
                if trace:
                    browser.stop_tracing()
                shown = page.evaluate("() => document.querySelector('.flow-where').textContent")
                out["players"][name] = {
                    "frames": len(player.frames), "bytes": sum(len(f) for f in player.frames),
                    "samples_ms": samples, "median_ms": statistics.median(samples),
                    "p90_ms": percentile(samples, 0.9), "max_ms": max(samples),
                    "seconds": time.perf_counter() - started, "shown_at_end": shown, "errors": errors,
                }
                context.close()
        finally:
            browser.close()
    return out


def lab(steps: int = 80, notebooks=("07-capstone", "08-then-and-now")) -> dict:
    """The largest player of each notebook after Run All in a throwaway JupyterLab (tests/e2e's server)."""
    import shutil
    import sys as _sys

    from playwright.sync_api import sync_playwright

    root = Path(__file__).resolve().parents[1]
    _sys.path.insert(0, str(root / "tests" / "e2e"))
    from lab_server import start_lab
    from notebook_page import PAGE_JS, open_notebook, run_all

    out: dict = {}
    pause = random.Random(900)
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        shutil.copytree(root / "notebooks", course / "notebooks",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        server = start_lab(course, Path(tmp) / "state")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                page = browser.new_context(viewport=VIEWPORT).new_page()
                page.add_init_script(PAGE_JS + PROBE)
                page.set_default_timeout(60_000)
                page.goto(server.url("lab"))
                page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started !== undefined",
                                       timeout=90_000)
                page.evaluate("() => window.jupyterapp.restored.then(() => true)")
                page.evaluate("() => window.jupyterapp.shell.activateById('filebrowser')")
                for name in notebooks:
                    open_notebook(page, f"notebooks/{name}.ipynb", timeout=120_000)
                    run_all(page, timeout=180_000)
                    page.wait_for_selector(".jp-Notebook .flow-player .flow-frame")
                    sizes = page.evaluate("() => Array.from(document.querySelectorAll('.jp-Notebook .flow-player'))"
                                          ".map(p => Number((p.querySelector('input.flow-range') || {max: -1}).max) + 1)")
                    at = max(range(len(sizes)), key=lambda i: sizes[i])
                    player = page.locator(".jp-Notebook .flow-player").nth(at)
                    player.evaluate("e => e.scrollIntoView({block: 'start'})")
                    page.wait_for_timeout(5000)  # a learner reads the first frame before pressing a key
                    page.evaluate("() => { window.__lat.samples = []; }")
                    position, direction = 0, +1
                    for i in range(steps):
                        direction = -1 if position >= sizes[at] - 1 else +1 if position <= 0 else direction
                        player.locator(".flow-ui").focus()
                        page.wait_for_timeout(pause.uniform(40, 90))
                        page.keyboard.press("ArrowRight" if direction > 0 else "ArrowLeft")
                        page.wait_for_function("n => window.__lat.samples.length > n && !window.__lat.pending",
                                               arg=i, timeout=10_000, polling=25)
                        position += direction
                    samples = page.evaluate("() => window.__lat.samples")
                    out[f"{name} in JupyterLab"] = {
                        "frames": sizes[at], "bytes": None, "samples_ms": samples,
                        "median_ms": statistics.median(samples), "p90_ms": percentile(samples, 0.9),
                        "max_ms": max(samples), "errors": [],
                    }
                browser.close()
        finally:
            server.stop()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.browser", description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=80, help="key presses per player (default 80)")
    parser.add_argument("--trace", metavar="PREFIX", help="also write a Chromium trace per player (PREFIX-N.json)")
    parser.add_argument("--lab", action="store_true", help="also time the players in JupyterLab after Run All")
    args = parser.parse_args(argv)
    result = run(args.steps, args.trace)
    if args.lab and not result.get("error"):
        try:
            result["players"].update(lab(args.steps))
        except Exception as e:  # noqa: BLE001 - reported in the table, the static numbers stand
            result["lab_error"] = f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"
    json.dump(result, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
