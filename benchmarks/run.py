"""``make bench``: flowlib against PlantUML on the same generated diagrams, in the same run.

Groups (one table each), then a targets section with PASS/FAIL per target:

1. parse, whole process as a user runs it: ``python -m flowlib inspect FILE`` vs ``plantuml -checkonly FILE``;
2. parse, warm in-process: flowlib's ``parse`` vs PlantUML's parse in a warmed JVM (ParseBench.java);
3. growth from 1k to 100k messages (is it linear?);
4. views: the seed step by step (sequence SVG, communication view), cold and warm;
5. render, whole process: ``python -m flowlib render FILE --view sequence -o out.svg`` vs ``plantuml -tsvg``;
6. the course: each notebook's Run All in a fresh kernel, and the whole nbval run;
7. a class on JupyterHub: memory per learner and time until the notebook is ready, 1 to 20 learners at once
   (benchmarks/hub.py; ``--quick``: 1 and 5);
8. the step player in Chromium: key press to the next painted frame on the course's largest players
   (benchmarks/browser.py), median and p90 against one frame at 60 Hz (16 ms).

Run ``python -m benchmarks --help`` for options (``--quick`` skips PlantUML's 10k SVG, ~16 s and ~5 GB).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from . import plantuml
from .generate import generate
from .measure import sample, sample_pair, time_calls, traced_memory

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
SEED = ROOT / "course" / "launch_course" / "content" / "launch-instance.puml"
PY = sys.executable

PARSE_SIZES = (1_000, 10_000, 100_000)
RENDER_SIZES = (2_000, 10_000)


# --------------------------------------------------------------------------- output


def table(title: str, header: list[str], rows: list[list]) -> None:
    """Print one aligned table (numbers right-aligned)."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(header)]
    print(f"\n{title}")
    print("  " + "  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(header, widths))))
    print("  " + "  ".join("-" * w for w in widths))
    for row in cells:
        print("  " + "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))


def _cell(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        if v >= 100:
            return f"{v:,.0f}"
        if v >= 10:
            return f"{v:.1f}"
        if v >= 0.1:
            return f"{v:.2f}"
        return f"{v:.3f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def ratio(slow: float | None, fast: float | None) -> float | None:
    return slow / fast if slow and fast else None


class Targets:
    """Collects target checks and prints them last."""

    def __init__(self):
        self.rows: list[list] = []

    def check(self, name: str, holds: bool | None, detail: str) -> None:
        verdict = "n/a" if holds is None else ("PASS" if holds else "FAIL")
        self.rows.append([name, verdict, detail])

    def print(self) -> int:
        table("Targets", ["target", "result", "numbers"], self.rows)
        return sum(1 for r in self.rows if r[1] == "FAIL")


# --------------------------------------------------------------------------- the diagrams


def diagrams(sizes) -> dict[int, Path]:
    """Generated diagrams in benchmarks/out/, rewritten only when their text changes."""
    OUT.mkdir(parents=True, exist_ok=True)
    paths = {}
    for n in sizes:
        path = OUT / f"generated-{n}.puml"
        text = generate(n)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        paths[n] = path
    return paths


def runs_for(n: int, base: int) -> int:
    """Repetitions for a file of ``n`` messages: ``base`` up to 10k (the size the targets name), then 3."""
    return max(3, base if n <= 10_000 else 3)


# --------------------------------------------------------------------------- 1. whole process parse


def whole_process_parse(files: dict[int, Path], args, targets: Targets, results: dict) -> None:
    rows = []
    for n, path in files.items():
        runs = runs_for(n, args.runs)
        flowlib_cmd = [PY, "-m", "flowlib", "inspect", str(path)]
        if args.plantuml:   # alternating runs: both see the same machine
            fl, pu = sample_pair(flowlib_cmd, plantuml.command("-checkonly", str(path)), runs, cwd=ROOT)
        else:
            fl, pu = sample(flowlib_cmd, runs, cwd=ROOT), None
        results.setdefault("whole", {})[n] = (fl, pu)
        rows.append([f"{n:,}", fl.seconds, fl.peak_mb, pu and pu.seconds, pu and pu.peak_mb,
                     ratio(pu and pu.seconds, fl.seconds), ratio(pu and pu.peak_mb, fl.peak_mb),
                     "" if fl.ok and (pu is None or pu.ok) else "ERROR"])
    table("1. Parse, whole process (median wall time in s, peak RSS in MB): "
          "python -m flowlib inspect FILE vs plantuml -checkonly FILE",
          ["messages", "flowlib s", "flowlib MB", "PlantUML s", "PlantUML MB", "x faster", "x less memory", ""],
          rows)
    fl, pu = results["whole"].get(10_000, (None, None))
    if fl and pu:
        r = ratio(pu.seconds, fl.seconds)
        targets.check("whole-process parse >= 10x faster at 10k", r >= 10,
                      f"{r:.1f}x ({fl.seconds:.3f} s vs PlantUML {pu.seconds:.2f} s)")
    else:
        targets.check("whole-process parse >= 10x faster at 10k", None, "not measured")


# --------------------------------------------------------------------------- 2. warm parse


def warm_parse(files: dict[int, Path], args, targets: Targets, results: dict) -> None:
    from flowlib import parse

    rows = []
    flow = {}
    java = {}
    for n, path in files.items():
        text = path.read_text(encoding="utf-8")
        runs = {1_000: 30, 10_000: 10}.get(n, 5) if not args.quick else 3
        # Half of flowlib's runs before PlantUML's and half after, so that both medians span the same
        # stretch of a machine whose speed drifts.
        times = time_calls(lambda: parse(text), warmup=2 if n < 100_000 else 1, runs=(runs + 1) // 2)
        if args.plantuml:
            warmup, java_runs = {1_000: (20, 15), 10_000: (6, 7)}.get(n, (2, 3))
            if args.quick:
                warmup, java_runs = max(2, warmup // 3), 3
            (java[n],) = plantuml.warm_parse([path], warmup=warmup, runs=java_runs)
        times += time_calls(lambda: parse(text), warmup=1, runs=runs // 2)
        peak, held = traced_memory(lambda: parse(text))
        flow[n] = dict(ms=statistics.median(times) * 1000, peak_mb=peak, held_mb=held)
        results.setdefault("warm_best", {})[n] = [min(times) * 1000]
    for n in files:
        f, j = flow[n], java.get(n)
        rows.append([f"{n:,}", f["ms"], f["ms"] * 1000 / n, f["peak_mb"], f["held_mb"],
                     j and j["median_ms"], j and j["median_ms"] * 1000 / n, j and j["retained_mb"],
                     ratio(j and j["median_ms"], f["ms"])])
    results["warm"] = (flow, java)
    table("2. Parse, warm in-process (median ms; memory: Python tracemalloc peak / held by the model, "
          "JVM heap held by the model after GC)",
          ["messages", "flowlib ms", "us/msg", "peak MB", "held MB", "PlantUML ms", "us/msg", "held MB",
           "x faster"], rows)
    if java:
        worst = min(ratio(java[n]["median_ms"], flow[n]["ms"]) for n in files)
        detail = ", ".join(f"{ratio(java[n]['median_ms'], flow[n]['ms']):.1f}x at {n // 1000}k" for n in files)
        targets.check("warm parse >= 3x faster (every size)", worst >= 3, detail)
    else:
        targets.check("warm parse >= 3x faster (every size)", None, "PlantUML not measured")
    if 100_000 in flow:
        f = flow[100_000]
        targets.check("100k messages: warm parse <= 1 s, peak <= 300 MiB", f["ms"] <= 1000 and f["peak_mb"] <= 300,
                      f"{f['ms']:,.0f} ms (best {min(results.get('warm_best', {}).get(100_000, [f['ms']])):,.0f} ms), "
                      f"peak {f['peak_mb']:.0f} MB")


# --------------------------------------------------------------------------- 3. growth


def growth(files: dict[int, Path], targets: Targets, results: dict) -> None:
    flow, java = results["warm"]
    sizes = sorted(files)
    rows = []
    for n in sizes:
        f = flow[n]
        whole = results.get("whole", {}).get(n, (None, None))[0]
        rows.append([f"{n:,}", f["ms"] * 1000 / n, f["peak_mb"] * 2**20 / n / 1024, f["held_mb"] * 2**20 / n / 1024,
                     whole and whole.seconds * 1e6 / n, java.get(n) and java[n]["median_ms"] * 1000 / n])
    table("3. Cost per message as diagrams grow (warm parse time, parse memory; whole process for reference)",
          ["messages", "flowlib us/msg", "peak KB/msg", "held KB/msg", "inspect us/msg", "PlantUML us/msg"], rows)
    steps = list(zip(sizes, sizes[1:]))
    if len(steps) < 1:
        return

    def growths(key):
        return [(flow[b][key] / b) / (flow[a][key] / a) for a, b in steps]

    for key, name in (("ms", "time"), ("peak_mb", "peak memory"), ("held_mb", "held memory")):
        g = growths(key)
        detail = ", ".join(f"{a // 1000}k->{b // 1000}k: x{x:.2f} per message" for (a, b), x in zip(steps, g))
        targets.check(f"linear {name} up to {sizes[-1] // 1000}k (per-message cost grows < 1.5x per 10x)",
                      max(g) < 1.5, detail)


# --------------------------------------------------------------------------- 4. views on the seed


def probe_runs(module: str, args: list[str], runs: int) -> list[dict]:
    """The JSON each of ``runs`` fresh ``python -m benchmarks.<module> ARGS`` processes prints (fewer if one fails)."""
    probes = []
    for _ in range(runs):
        done = subprocess.run([PY, "-m", f"benchmarks.{module}", *args], cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"    ! {module} probe failed: {done.stderr.strip().splitlines()[-1:]}")
            break
        probes.append(json.loads(done.stdout))
    return probes


def seed_views(args, targets: Targets, results: dict) -> None:
    probes = probe_runs("views", [str(SEED)], 3)
    if not probes:
        targets.check("warm highlighted step < 20 ms", None, "views probe failed")
        return

    def med(view, key):
        values = [p[view][key] for p in probes if key in p.get(view, {})]
        return statistics.median(values) if values else None

    pu = sample(plantuml.command("-tsvg", "-o", str(OUT / "plantuml-svg"), str(SEED)), 3) if args.plantuml else None
    rows = []
    for view in ("sequence", "communication"):
        error = probes[0].get(view, {}).get("error")
        rows.append([view, med(view, "cold_ms"), med(view, "warm_ms"), med(view, "warm_max_ms"), error or ""])
    table("4a. The seed (62 steps), one highlighted step at a time, in process (ms; median of 3 fresh processes)",
          ["view", "cold ms", "warm ms/step", "warm worst ms", ""], rows)
    rows = [["flowlib sequence_svg (in process)", med("sequence", "whole_cold_ms"), med("sequence", "whole_warm_ms"),
             None, None],
            ["PlantUML -tsvg (whole process)", None, None, pu and pu.seconds * 1000, pu and pu.peak_mb]]
    table("4b. The whole seed as an SVG", ["drawn by", "cold ms", "warm ms", "process ms", "peak MB"], rows)
    results["views"] = probes
    for view in ("sequence", "communication"):
        warm = med(view, "warm_ms")
        targets.check(f"warm highlighted step < 20 ms ({view})", None if warm is None else warm < 20,
                      "not measured" if warm is None else f"{warm:.2f} ms (cold {med(view, 'cold_ms'):.1f} ms)")
    whole = med("sequence", "whole_cold_ms")
    targets.check("whole-seed sequence SVG < 100 ms in process", None if whole is None else whole < 100,
                  "not measured" if whole is None else
                  f"{whole:.1f} ms cold, {med('sequence', 'whole_warm_ms'):.2f} ms warm"
                  + (f" (PlantUML -tsvg: {pu.seconds * 1000:,.0f} ms)" if pu else ""))


# --------------------------------------------------------------------------- 7. big diagrams

BIG_SIZES = (100_000, 300_000)


def big_diagrams(targets: Targets, results: dict) -> None:
    """Every table, view, export and player on 100k and 300k messages, each in a fresh process."""
    import tempfile

    from .big import VIEWS
    from .measure import USER_ENV, run_child

    files = diagrams(BIG_SIZES)
    rows, slowest, peak = [], 0.0, 0.0
    for n, path in files.items():
        for view in VIEWS:
            with tempfile.TemporaryDirectory() as tmp:
                report = Path(tmp) / "big.json"
                run = run_child([PY, "-m", "benchmarks.big", str(path), view, str(report)], cwd=ROOT, env=USER_ENV,
                                timeout=600)
                probe = json.loads(report.read_text()) if report.exists() else {}
            seconds = probe.get("view_s")
            rows.append([f"{n:,}", view, probe.get("parse_s"), seconds, run.peak_mb,
                         (probe.get("note") or "")[:70]])
            results.setdefault("big", []).append({"messages": n, "peak_mb": run.peak_mb, **probe})
            slowest = max(slowest, seconds if seconds is not None else float("inf"))
            peak = max(peak, run.peak_mb)
    table("7. Big diagrams: each call in a fresh process (parse, then the call; peak memory of the process)",
          ["messages", "call", "parse s", "call s", "peak MB", "what it says it left out"], rows)
    targets.check("every view returns within 10 s at 300k messages", slowest < 10, f"slowest call {slowest:.1f} s")
    targets.check("peak memory <= 1 GiB at 300k messages", peak <= 1024, f"{peak:,.0f} MB")


# --------------------------------------------------------------------------- 6. the notebooks


def course_notebooks(args, targets: Targets, results: dict) -> None:
    """Each notebook's Run All (median over fresh kernels) and one whole ``pytest --nbval notebooks``."""
    probes = probe_runs("notebooks", [], 1 if args.quick else 3)
    if not probes:
        targets.check("each notebook runs in < 5 s", None, "notebooks probe failed")
        return
    names = list(probes[0])
    times = {n: statistics.median(p[n]["run_all_s"] for p in probes) for n in names}
    kernel = {n: statistics.median(p[n]["kernel_start_s"] for p in probes) for n in names}
    start = time.perf_counter()
    nbval = subprocess.run([PY, "-m", "pytest", "notebooks", "-q", "-p", "no:cacheprovider"], cwd=ROOT,
                           capture_output=True, text=True)
    nbval_s = time.perf_counter() - start
    table(f"6. The course: Run All in a fresh kernel (median of {len(probes)}; kernel start apart)",
          ["notebook", "run all s", "kernel start s"], [[n, times[n], kernel[n]] for n in names])
    print(f"  pytest --nbval notebooks (whole process, {len(names)} notebooks): {nbval_s:.1f} s, "
          f"{'passed' if nbval.returncode == 0 else 'FAILED'}")
    results["notebooks"] = {"probes": probes, "nbval_s": nbval_s, "nbval_ok": nbval.returncode == 0}
    slowest = max(names, key=times.get)
    targets.check("each notebook runs in < 5 s", times[slowest] < 5,
                  f"slowest {slowest}: {times[slowest]:.2f} s; all {sum(times.values()):.1f} s together")
    targets.check("whole series passes nbval in < 30 s", nbval.returncode == 0 and nbval_s < 30,
                  f"{nbval_s:.1f} s" + ("" if nbval.returncode == 0 else " (nbval FAILED)"))


# --------------------------------------------------------------------------- 5. whole process render


def whole_process_render(args, targets: Targets, results: dict) -> None:
    files = diagrams(RENDER_SIZES)
    svg_dir = OUT / "svg"
    svg_dir.mkdir(exist_ok=True)
    rows = []
    for n, path in files.items():
        runs = 3 if n <= 2_000 else 1
        fl = sample([PY, "-m", "flowlib", "render", str(path), "--view", "sequence",
                     "-o", str(svg_dir / f"flowlib-{n}.svg")], runs, cwd=ROOT)
        skip = not args.plantuml or (args.quick and n >= 10_000)
        pu = None if skip else sample(plantuml.command("-tsvg", "-o", str(svg_dir), str(path)), runs, timeout=900)
        rows.append([f"{n:,}", fl.seconds, fl.peak_mb, pu and pu.seconds, pu and pu.peak_mb,
                     ratio(pu and pu.seconds, fl.seconds), ratio(pu and pu.peak_mb, fl.peak_mb),
                     "skipped (--quick)" if skip and args.plantuml else ("" if fl.ok else "ERROR")])
        name = f"{n // 1000}k"
        if pu:
            t, m = ratio(pu.seconds, fl.seconds), ratio(pu.peak_mb, fl.peak_mb)
            targets.check(f"render {name} >= 10x faster than plantuml -tsvg", fl.ok and t >= 10,
                          f"{t:.1f}x ({fl.seconds:.2f} s vs {pu.seconds:.1f} s)")
            targets.check(f"render {name} <= 1/10 of plantuml's peak memory", fl.ok and m >= 10,
                          f"{fl.peak_mb:.0f} MB vs {pu.peak_mb:,.0f} MB ({m:.1f}x less)")
        else:
            targets.check(f"render {name} vs plantuml -tsvg", None, "PlantUML skipped")
    table("5. Render a generated diagram, whole process (median s, peak RSS MB): "
          "python -m flowlib render FILE --view sequence -o out.svg vs plantuml -tsvg FILE",
          ["messages", "flowlib s", "flowlib MB", "PlantUML s", "PlantUML MB", "x faster", "x less memory", ""],
          rows)


# --------------------------------------------------------------------------- where the time goes


def profile(n: int = 10_000, top: int = 12) -> None:
    """cProfile of flowlib's parse and sequence SVG of a generated diagram: the functions that cost most."""
    import cProfile
    import pstats

    from flowlib import parse

    text = diagrams((n,))[n].read_text(encoding="utf-8")
    jobs = [("parse", lambda: parse(text))]
    try:
        from flowlib.views.svg import sequence_svg
    except ImportError:
        pass
    else:
        diagram = parse(text)
        jobs.append(("sequence_svg (whole diagram, cold)", lambda: sequence_svg(diagram)))
    for name, job in jobs:
        prof = cProfile.Profile()
        prof.runcall(job)
        stats = pstats.Stats(prof)
        rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
        total = stats.total_tt
        table(f"Profile: {name} of {n:,} messages ({total * 1000:.0f} ms under cProfile), by own time",
              ["function", "calls", "own ms", "own %", "with callees ms"],
              [[f"{Path(f).name}:{line}({fn})", nc, tt * 1000, 100 * tt / total, ct * 1000]
               for (f, line, fn), (cc, nc, tt, ct, _) in rows])


# --------------------------------------------------------------------------- 7. a class on JupyterHub


def hub_class(args, targets: Targets, results: dict) -> None:
    """Learners at once on a real JupyterHub (benchmarks/hub.py): memory per learner, seconds to a ready notebook."""
    from . import hub

    sizes = (1, 5) if args.quick else hub.SIZES
    if hub.classroom.find_proxy() is None:
        print("\n7. JupyterHub: skipped, configurable-http-proxy is missing (make bench installs it into .venv/chp)")
        targets.check("every learner's notebook ready within the spawn timeout", None, "proxy missing")
        return
    measured = hub.run(sizes)
    results["hub"] = measured
    table("7. " + hub.TITLE, hub.HEADER, hub.rows(measured))
    largest = measured[-1]
    slowest = max(largest["ready_s"])
    targets.check(f"{largest['learners']} learners at once: every notebook ready in < 180 s (the spawn timeout)",
                  slowest < 180, f"slowest {slowest:.0f} s; {max(largest['rss_mb']):.0f} MB RSS per learner at most")


# --------------------------------------------------------------------------- 8. the player in the browser


def browser_steps(args, targets: Targets, results: dict) -> None:
    """The step player's latency in Chromium (benchmarks/browser.py, in a child process: Playwright's own loop)."""
    from . import browser

    name = f"step player: median key press to painted frame <= {browser.TARGET_MS:.0f} ms (largest players)"
    steps = 40 if args.quick else 80
    probes = probe_runs("browser", ["--steps", str(steps), "--lab"], 1)
    probe = probes[0] if probes else {"error": "browser probe failed"}
    if probe.get("error"):
        print(f"\n8. The step player in the browser: skipped, {probe['error']}")
        targets.check(name, None, probe["error"])
        return
    results["browser"] = probe
    rows = []
    for player, p in probe["players"].items():
        size = f"{p['bytes'] / 1e6:.2f}" if p["bytes"] else None
        rows.append([player, p["frames"], size, len(p["samples_ms"]), p["median_ms"],
                     p["p90_ms"], p["max_ms"], "; ".join(p["errors"])[:60]])
    if probe.get("lab_error"):
        rows.append(["in JupyterLab", None, None, None, None, None, None, probe["lab_error"][:60]])
    table(f"8. The step player in Chromium {probe.get('chromium', '')} at 1366x900, on a static page running the "
          f"player's module and in JupyterLab after Run All: ms from a key press to the next painted frame "
          f"(load average {_load()})",
          ["player", "frames", "frames MB", "steps", "median ms", "p90 ms", "max ms", "page errors"], rows)
    worst = max(probe["players"].items(), key=lambda kv: kv[1]["median_ms"])
    errors = sum(len(p["errors"]) for p in probe["players"].values())
    detail = ", ".join(f"{k.split()[0]}{' lab' if 'JupyterLab' in k else ''}: median {p['median_ms']:.1f} ms"
                       for k, p in probe["players"].items())
    targets.check(name, worst[1]["median_ms"] <= browser.TARGET_MS and not errors,
                  detail + (f"; {errors} page errors" if errors else ""))


# --------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true",
                   help="fewer repetitions, and skip PlantUML's SVG of 10k messages (~16 s, ~5 GB)")
    p.add_argument("--runs", type=int, default=9, help="whole-process runs up to 10k messages (median; default 9)")
    p.add_argument("--sizes", default=",".join(map(str, PARSE_SIZES)),
                   help="message counts for the parse benchmarks (default 1000,10000,100000)")
    p.add_argument("--no-plantuml", dest="plantuml", action="store_false", help="time flowlib only")
    p.add_argument("--only", choices=["parse", "views", "render", "notebooks", "big", "hub", "browser"], help="run one part")
    p.add_argument("--json", metavar="FILE", help="also write the raw numbers as JSON")
    p.add_argument("--profile", action="store_true", help="also show where flowlib spends its time (cProfile)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.plantuml and (why := plantuml.missing()):
        print(f"benchmarks: {why}; timing flowlib alone (use --no-plantuml to silence this)")
        args.plantuml = False
    sizes = tuple(int(s) for s in args.sizes.split(","))
    started = time.perf_counter()
    print(f"flowlib benchmarks on {platform.node() or 'this machine'}: Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs" + (f", PlantUML {plantuml.version()} ({plantuml.JAR})" if args.plantuml
                                      else ", PlantUML skipped"))
    print("Times are medians of several runs; the machine may be shared, so compare within one run.")
    print(f"Load average at start: {_load()}")
    targets, results = Targets(), {}
    if args.only in (None, "parse"):
        files = diagrams(sizes)
        whole_process_parse(files, args, targets, results)
        warm_parse(files, args, targets, results)
        growth(files, targets, results)
    if args.only in (None, "views"):
        seed_views(args, targets, results)
    if args.only in (None, "render"):
        whole_process_render(args, targets, results)
    if args.only in (None, "notebooks"):
        course_notebooks(args, targets, results)
    if args.only in (None, "big"):
        big_diagrams(targets, results)
    if args.only in (None, "hub"):
        hub_class(args, targets, results)
    if args.only in (None, "browser"):
        browser_steps(args, targets, results)
    if args.profile:
        profile()
    failed = targets.print()
    print(f"\n{len(targets.rows)} targets, {failed} failed; the whole run took {time.perf_counter() - started:.0f} s; "
          f"load average at the end: {_load()} ({os.cpu_count()} CPUs).")
    if args.json:
        Path(args.json).write_text(json.dumps(_plain(results), indent=1, default=str), encoding="utf-8")
    return 0


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _plain(obj):
    """Results as JSON-friendly data."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if hasattr(obj, "runs"):
        return {"seconds": obj.seconds, "peak_mb": obj.peak_mb, "ok": obj.ok}
    return obj


if __name__ == "__main__":
    sys.exit(main())
