"""Probe run in a fresh process: one API call on a big diagram, timed, as JSON written to a file.

    python -m benchmarks.big FILE VIEW OUT.json   ->  {"view": ..., "parse_s": ..., "view_s": ..., "note": ...}

Each call must return within seconds on 300,000 messages, drawing a window or a summary that says what it
left out (issue 12); the parent (``run.py``, ``--only big``) measures the process's peak memory.
"""

from __future__ import annotations

import json
import sys
import time


def _views(diagram) -> dict:
    """View name -> a call returning (what it produced, a note on what it left out)."""
    import flowlib
    from flowlib.analysis.lint import lint
    from flowlib.views.tables import messages_table, style_messages

    middle = len(diagram.messages) // 2

    def player():
        from flowlib.widgets.player import StepPlayer

        p = StepPlayer(diagram)
        return p, "frames for %d steps" % len(p.frames)

    def graph():
        view = flowlib.communication_view(diagram)
        return view.svg(), view.plan.note

    return {
        "messages_table": lambda: (messages_table(diagram), ""),
        "style_messages().to_html()": lambda: (style_messages(messages_table(diagram)).to_html(), "window of rows"),
        "step_list": lambda: (flowlib.step_list(diagram), ""),
        "sequence_svg": lambda: (s := flowlib.sequence_svg(diagram), s.title),
        "sequence_svg(highlight=middle)": lambda: (s := flowlib.sequence_svg(diagram, highlight=middle), s.title),
        "to_mermaid": lambda: (flowlib.to_mermaid(diagram).source, ""),
        "communication_view().svg()": graph,
        "StepPlayer": player,
        "lint": lambda: (lint(diagram), ""),
    }


VIEWS = ("messages_table", "style_messages().to_html()", "step_list", "sequence_svg", "sequence_svg(highlight=middle)",
         "to_mermaid", "communication_view().svg()", "StepPlayer", "lint")


def main(argv: list[str]) -> int:
    from flowlib import parse

    path, view, out = argv
    start = time.perf_counter()
    with open(path, encoding="utf-8") as fh:
        diagram = parse(fh.read(), file=path)
    parsed = time.perf_counter() - start
    call = _views(diagram)[view]
    start = time.perf_counter()
    _, note = call()
    seconds = time.perf_counter() - start
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"view": view, "parse_s": parsed, "view_s": seconds, "note": note}, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
