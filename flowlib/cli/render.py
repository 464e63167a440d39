"""``python -m flowlib render``: one view of a diagram to a file or stdout, as SVG, PNG, Mermaid, text or DOT.

Bad options (an unknown phase, a malformed ``--steps``, a step the filters leave out) print one
``python -m flowlib render: error: ...`` line and exit 2, as argparse does; a missing program (``dot``,
an SVG-to-PNG converter) prints what to install and exits 1. Never a traceback.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from typing import TextIO

from flowlib.model import Diagram
from flowlib.analysis.select import check_highlight, check_steps, select_messages
from flowlib.views.text import step_list

_PROG = "python -m flowlib render"

#: Output format for each file suffix.
SUFFIX_FORMATS = {
    ".svg": "svg",
    ".png": "png",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".txt": "text",
    ".dot": "dot",
    ".gv": "dot",
}


class _Usage(Exception):
    """A bad option: exit 2."""


class _Missing(Exception):
    """A program the output needs is not installed: exit 1."""


def output_format(args) -> str:
    """The format asked for: ``--format``, else from ``-o``'s suffix, else SVG.

    >>> import argparse
    >>> output_format(argparse.Namespace(format=None, output="flow.png"))
    'png'
    """
    if args.format:
        return args.format
    if args.output:
        suffix = os.path.splitext(args.output)[1].lower()
        if suffix in SUFFIX_FORMATS:
            return SUFFIX_FORMATS[suffix]
        raise _Usage(f"cannot tell the format from {args.output!r}: use --format svg|png|mermaid|text|dot")
    return "svg"


def _svg_to_png(svg: str) -> bytes:
    """PNG bytes from SVG text, with whichever converter is installed (rsvg-convert, cairosvg, inkscape, Chromium)."""
    tool = shutil.which("rsvg-convert")
    if tool:
        return subprocess.run([tool, "-f", "png"], input=svg.encode(), capture_output=True, check=True).stdout
    try:
        import cairosvg
    except ImportError:
        pass
    else:
        return cairosvg.svg2png(bytestring=svg.encode())
    tool = shutil.which("inkscape")
    if tool:
        done = subprocess.run(
            [tool, "--pipe", "--export-type=png", "--export-filename=-"], input=svg.encode(), capture_output=True,
            check=True,
        )
        return done.stdout
    browser = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    if browser:
        return _screenshot(browser, svg)
    raise _Missing(
        "no SVG-to-PNG converter found: install one (`sudo apt install librsvg2-bin`, `brew install librsvg` "
        "or `pip install cairosvg`), or write SVG with -o OUT.svg"
    )


def _screenshot(browser: str, svg: str) -> bytes:
    """PNG of the SVG drawn by a headless Chromium, at the SVG's own size."""
    import tempfile

    size = re.search(r'<svg\b[^>]*?\bwidth="([\d.]+)(pt|px)?"[^>]*?\bheight="([\d.]+)(pt|px)?"', svg)
    scale = 4 / 3 if size and size[2] == "pt" else 1
    width, height = (round(float(size[1]) * scale), round(float(size[3]) * scale)) if size else (1200, 800)
    with tempfile.TemporaryDirectory() as tmp:
        page, shot = os.path.join(tmp, "view.svg"), os.path.join(tmp, "view.png")
        with open(page, "w", encoding="utf-8") as fh:
            fh.write(svg)
        command = [
            browser, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
            f"--window-size={width},{height}", f"--screenshot={shot}", "file://" + page,
        ]
        subprocess.run(command, capture_output=True, check=True, timeout=120)
        with open(shot, "rb") as fh:
            return fh.read()


def _draw(diagram: Diagram, args, fmt: str, steps) -> str | bytes:
    """The output of one view in one format."""
    filters = dict(phase=args.phase, steps=steps, highlight=args.highlight)
    if fmt == "text":
        return step_list(diagram, **filters)
    if args.view == "communication":
        import graphviz

        from flowlib.views.graph import INSTALL_HINT, GraphvizTimeout, communication_view

        # A file has no page to fit: one layout (left to right), the same in DOT, SVG and PNG.
        view = communication_view(diagram, aggregate=args.aggregate, max_width=None, **filters)
        if fmt == "dot":
            return view.source
        if fmt == "mermaid":
            return view.mermaid()
        try:
            return view.svg() if fmt == "svg" else view.pipe(format="png")
        except graphviz.ExecutableNotFound:
            raise _Missing(f"{INSTALL_HINT} Or write --format mermaid, dot or text.") from None
        except GraphvizTimeout as err:
            raise _Missing(str(err).replace("aggregate=True", "--aggregate")) from None
    if args.aggregate:
        raise _Usage("--aggregate applies to --view communication only")
    if fmt == "dot":
        raise _Usage("--format dot applies to --view communication only")
    if fmt == "mermaid":
        from flowlib.views.mermaid import to_mermaid

        return to_mermaid(diagram, **filters).source
    try:
        from flowlib.views.svg import sequence_svg
    except ImportError:
        raise _Missing("the sequence view (flowlib.views.svg) is not part of this checkout") from None
    svg = sequence_svg(diagram, numbers=getattr(args, "numbers", "diagram"), **filters).source
    return svg if fmt == "svg" else _svg_to_png(svg)


def render_command(diagram: Diagram, args, out: TextIO) -> int:
    """Run ``render`` for a parsed diagram: write the view to ``args.output`` or ``out``; the exit status.

    >>> import io
    >>> from flowlib.cli import build_parser
    >>> from flowlib.reading import parse
    >>> out = io.StringIO()
    >>> render_command(parse("Alice -> Bob: hello"), build_parser().parse_args(["render", "flow.puml", "--format", "text"]), out)
    0
    >>> out.getvalue()
    '  1. Alice -> Bob: hello [request]\\n'
    """
    try:
        fmt = output_format(args)
        steps = check_steps(diagram, args.steps) if args.steps else None
        shown = select_messages(diagram, phase=args.phase, steps=steps)  # check filters before any work
        check_highlight(diagram, args.highlight, shown)
        if fmt == "png" and not args.output:
            raise _Usage("PNG output needs a file: -o OUT.png")
        result = _draw(diagram, args, fmt, steps)
    except (ValueError, _Usage) as err:
        print(f"{_PROG}: error: {err}", file=sys.stderr)
        return 2
    except _Missing as err:
        print(f"{_PROG}: error: {err}", file=sys.stderr)
        return 1
    except subprocess.TimeoutExpired as err:
        print(f"{_PROG}: error: {os.path.basename(err.cmd[0])} took longer than {err.timeout:g} s", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as err:
        detail = (err.stderr or b"").decode(errors="replace").strip().splitlines()
        print(f"{_PROG}: error: {err.cmd[0]} failed: {detail[-1] if detail else err.returncode}", file=sys.stderr)
        return 1
    if args.output:
        try:
            if isinstance(result, bytes):
                with open(args.output, "wb") as fh:
                    fh.write(result)
            else:
                with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
                    fh.write(result)
        except OSError as exc:
            print(f"{_PROG}: error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 1
    else:
        out.write(result if result.endswith("\n") else result + "\n")
    return 0
