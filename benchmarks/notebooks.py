"""Probe: how long each course notebook takes to run in a fresh kernel, as JSON (kernel start not counted).

    python -m benchmarks.notebooks [NOTEBOOK...]   ->  {"01-auth": {"run_all_s": 1.9, "kernel_start_s": 0.8}, ...}

This is Restart-and-Run-All as a learner does it: the kernel is started (timed apart), then every cell
runs in order; the notebook is not written back.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def run_all(path: Path) -> dict:
    """Seconds to start a kernel and to run every cell of ``path`` in it."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.perf_counter()
    with client.setup_kernel():
        started = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        done = time.perf_counter()
    return {"kernel_start_s": started - start, "run_all_s": done - started}


def main(argv: list[str]) -> int:
    os.environ.pop("COURSE_SOLUTIONS", None)  # the learner edition, as nbval runs it
    paths = [Path(a) for a in argv] or sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    print(json.dumps({p.stem: run_all(p) for p in paths}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
