"""A class on JupyterHub: memory per learner and time until the notebook is ready, for 1 to 20 learners at once.

    python -m benchmarks.hub [--learners 1,5,10,20] [--json out.json]
    python -m benchmarks --only hub            # the same, as a group of make bench (--quick: 1 and 5)

For each class size a fresh hub (deploy/jupyterhub_config.py, benchmarks/classroom.py) is started and every
learner, all at once, logs in, pulls the course with the README's nbgitpuller link and runs a phase
notebook in their own kernel. Measured per learner:

- *ready*: seconds from the login to the notebook's setup cell done (server started, course pulled,
  kernel started, ``import launch_course`` run): when a learner can start working;
- *ran all*: seconds until every cell has run;
- memory of the learner's single-user server plus kernel after the notebook ran: RSS (what a container's
  memory limit counts, shared libraries included; the kernel's part apart: each more notebook a learner
  keeps open adds about that much) and PSS (shared pages split between the processes that map them:
  what one more learner costs on one shared machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from . import classroom

ROOT = classroom.ROOT
NOTEBOOK = "01-auth"
LINK = ("https://HUB/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2FOWNER%2FREPO&branch=main"
        f"&urlpath=lab%2Ftree%2FREPO%2Fnotebooks%2F{NOTEBOOK}.ipynb")
SIZES = (1, 5, 10, 20)


async def _learner(hub, name: str, link: str) -> dict:
    async with classroom.Learner(hub, name) as learner:
        await learner.pull(link)
        notebook = await learner.open_notebook(f"REPO/notebooks/{NOTEBOOK}.ipynb")
        await learner.run_notebook(notebook)
        return dict(learner.times)  # the kernel stays up: memory is measured with it running


def _memory(hub) -> tuple[dict, float]:
    """({learner: {"rss": MB, "pss": MB, "kernel_rss": MB}} for server + kernel, hub + proxy RSS in MB)."""
    import psutil

    per_user: dict[str, dict[str, float]] = {}
    overhead = 0.0
    hub_proc = psutil.Process(hub.process.pid)
    for proc in [hub_proc, *hub.descendants()]:
        try:
            info = proc.memory_full_info()
            user = _owner(proc, hub_proc)
            kernel = any("ipykernel" in part for part in proc.cmdline())
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss, pss = info.rss / 2**20, getattr(info, "pss", info.rss) / 2**20
        if user is None:
            overhead += rss
            continue
        totals = per_user.setdefault(user, {"rss": 0.0, "pss": 0.0, "kernel_rss": 0.0})
        totals["rss"] += rss
        totals["pss"] += pss
        if kernel:
            totals["kernel_rss"] += rss
    return per_user, overhead


def _owner(proc, hub_proc) -> str | None:
    """The learner a process belongs to (its single-user server's JUPYTERHUB_USER), or None for the hub's own."""
    while proc is not None and proc.pid != hub_proc.pid:
        try:
            user = proc.environ().get("JUPYTERHUB_USER")
        except Exception:
            user = None
        if user:
            return user
        proc = proc.parent()
    return None


def measure(n: int, folder: Path) -> dict:
    """One class of ``n`` learners on a fresh hub: times and memory per learner, and the hub's own memory."""
    remote = classroom.course_remote(folder)
    branch = classroom.git("rev-parse", "--abbrev-ref", "HEAD", cwd=ROOT).strip()
    hub = classroom.start_hub(folder / "hub", pythonpath=f"{ROOT}:{ROOT / 'course'}")
    try:
        link = classroom.pull_link(LINK, hub.url, remote, branch)
        names = [f"learner{i:02d}" for i in range(1, n + 1)]
        start = time.perf_counter()

        async def everyone():
            return await asyncio.gather(*(_learner(hub, name, link) for name in names))

        times = asyncio.run(everyone())
        wall = time.perf_counter() - start
        memory, hub_rss = _memory(hub)
    finally:
        hub.stop()
    return {
        "learners": n,
        "wall_s": wall,
        "ready_s": [t["first_cell"] for t in times],
        "ran_all_s": [t["ran_all"] for t in times],
        "server_s": [t["server_ready"] for t in times],
        "rss_mb": [m["rss"] for m in memory.values()],
        "pss_mb": [m["pss"] for m in memory.values()],
        "kernel_rss_mb": [m["kernel_rss"] for m in memory.values()],
        "hub_rss_mb": hub_rss,
    }


def rows(results: list[dict]) -> list[list]:
    """One table row per class size: medians and maxima."""
    out = []
    for r in results:
        out.append([r["learners"], statistics.median(r["rss_mb"]), max(r["rss_mb"]),
                    statistics.median(r["kernel_rss_mb"]), statistics.median(r["pss_mb"]), r["hub_rss_mb"], statistics.median(r["server_s"]), statistics.median(r["ready_s"]),
                    max(r["ready_s"]), max(r["ran_all_s"])])
    return out


HEADER = ["learners", "RSS MB", "max RSS MB", "kernel MB", "PSS MB", "hub+proxy MB", "server s", "ready s", "max ready s",
          "all ran s"]
TITLE = ("JupyterHub, learners at once: per learner (single-user server + kernel, after the notebook ran) "
         "and seconds from login (medians; max = the slowest learner)")


def run(sizes=SIZES) -> list[dict]:
    """Measure each class size in turn, each on its own hub in a temporary folder."""
    if classroom.find_proxy() is None:
        raise SystemExit("configurable-http-proxy is missing: make bench installs it into .venv/chp (npm)")
    results = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix=f"bench-hub-{n}-") as tmp:
            results.append(measure(n, Path(tmp)))
    return results


def main(argv: list[str] | None = None) -> int:
    from .run import table

    p = argparse.ArgumentParser(prog="python -m benchmarks.hub", description=__doc__.splitlines()[0])
    p.add_argument("--learners", default=",".join(map(str, SIZES)), help="class sizes, comma-separated")
    p.add_argument("--json", help="also write the raw numbers here")
    args = p.parse_args(argv)
    results = run(tuple(int(s) for s in args.learners.split(",")))
    table(TITLE, HEADER, rows(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
