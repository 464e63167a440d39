"""Probe run in a fresh process: how long the views take for one diagram, cold then warm, as JSON.

    python -m benchmarks.views FILE   ->  {"sequence": {...}, "communication": {...}}

cold: the first call after import and parse (no layout cached); warm: every other highlighted step.
"""

from __future__ import annotations

import json
import statistics
import sys
import time


def _probe(draw, steps: list[int]) -> dict:
    start = time.perf_counter()
    draw(steps[0])
    cold = time.perf_counter() - start
    warm = []
    for step in steps[1:]:
        start = time.perf_counter()
        draw(step)
        warm.append(time.perf_counter() - start)
    return {"cold_ms": cold * 1000, "warm_ms": statistics.median(warm) * 1000,
            "warm_max_ms": max(warm) * 1000, "steps": len(steps)}


def main(argv: list[str]) -> int:
    from flowlib import parse
    from flowlib.views import svg
    from flowlib.views.graph import communication_view, dot_available
    from flowlib.views.svg import sequence_svg
    from launch_course import service_groups  # clusters by service when the course knows every participant

    with open(argv[0], encoding="utf-8") as fh:
        diagram = parse(fh.read(), file=argv[0])
    steps = [m.step for m in diagram.messages]

    # The sequence view, drawn by flowlib alone.
    start = time.perf_counter()
    sequence_svg(diagram)
    whole_cold = time.perf_counter() - start
    # A different view of the same diagram (a window) is cold again: its layout is not cached.
    result = {"sequence": {"whole_cold_ms": whole_cold * 1000}}
    whole = []
    for _ in range(5):
        svg._CACHE.clear()  # warm interpreter, but the layout drawn again (not a cache hit)
        start = time.perf_counter()
        sequence_svg(diagram)
        whole.append(time.perf_counter() - start)
    result["sequence"]["whole_warm_ms"] = statistics.median(whole) * 1000
    window = (1, len(steps))
    result["sequence"].update(_probe(lambda s: sequence_svg(diagram, steps=window, highlight=s), steps))

    # The communication view, laid out by Graphviz.
    if not dot_available():
        result["communication"] = {"error": "Graphviz's dot is missing"}
    else:
        groups = service_groups(diagram)
        result["communication"] = _probe(lambda s: communication_view(diagram, groups=groups, highlight=s).svg(), steps)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
