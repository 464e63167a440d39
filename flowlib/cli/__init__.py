"""The ``python -m flowlib`` command line: inspect, table, lint, render, diff.

Each command is a small function ``cmd_<name>(args, out) -> exit status`` that calls the library;
``main`` owns the error contract: a bad diagram prints ``FILE:LINE:COL: error: MESSAGE`` on stderr and
exits 1, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from flowlib.errors import DiagramError

TYPE_CHECKING = False  # typing's, without importing typing (3 ms at start); type checkers know the name
if TYPE_CHECKING:
    from typing import TextIO


def _read(path: str) -> str:
    """The text of ``path`` ("-" for stdin), with unreadable files reported as a DiagramError."""
    from flowlib.reading.source import decode, read_text

    if path == "-":
        return decode(sys.stdin.buffer.read(), path)
    return read_text(path)


def _load(path: str, args=None):
    from flowlib.reading import parse

    return parse(_read(path), file=path, block=getattr(args, "block", 0),
                 include_root=getattr(args, "include_root", None))


def _blocks_note(diagram, path: str) -> str | None:
    """A line saying that ``path`` holds several @startuml blocks and which one is shown, or None."""
    if diagram.block_count < 2:
        return None
    return (f"{path}: {diagram.block_count} @startuml blocks; this is block {diagram.block} "
            f"(--block N shows another, 0 to {diagram.block_count - 1})")


def cmd_inspect(args, out: TextIO) -> int:
    """Summarise each file, or with --json print one corpus-schema JSON object per line.

    >>> import io, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "hello.puml"
    >>> _ = path.write_text("title Greeting\\nAlice -> Bob: hello\\n")
    >>> out = io.StringIO()
    >>> cmd_inspect(build_parser().parse_args(["inspect", str(path)]), out)
    0
    >>> print(out.getvalue().splitlines()[2])
      messages:     1
    """
    if args.json:  # imported only when needed: inspect is timed as a whole process (make bench)
        import json

        from flowlib.writing.corpusjson import error_json, to_corpus_json

    status = 0
    for path in args.files:
        try:
            diagram = _load(path, args)
        except DiagramError as err:
            status = 1
            if args.json:
                out.write(json.dumps(error_json(err, path), ensure_ascii=False) + "\n")
            else:
                print(err.headline(), file=sys.stderr)
            continue
        if args.json:
            out.write(json.dumps(to_corpus_json(diagram, file=path), ensure_ascii=False) + "\n")
        else:
            out.write(_summary(diagram, path))
    return status


def _summary(diagram, path: str) -> str:
    lines = [f"{path}: {diagram.title or '(untitled)'}"]
    if diagram.block_count > 1:
        lines.append(f"  blocks:       {diagram.block_count} (this is block {diagram.block}; "
                     f"--block N shows another, 0 to {diagram.block_count - 1})")
    if diagram.themes:  # a view may ignore a theme's styling; the summary says it is there
        lines.append(f"  theme:        {', '.join(diagram.themes)}")
    lines.append(f"  participants: {len(diagram.participants)}")
    lines.append(f"  messages:     {len(diagram.messages)}")
    lines.append(f"  notes:        {len(diagram.notes)}")
    lines.append(f"  groups:       {len(diagram.groups)}")
    per_phase: dict[str, int] = {}  # one pass: phase_messages() per phase is quadratic on big diagrams
    for m in diagram.messages:
        if m.phase is not None:
            per_phase[m.phase] = per_phase.get(m.phase, 0) + 1
    if per_phase:
        counts = [f"{p} ({n})" for p, n in per_phase.items()]
        lines.append(f"  phases:       {', '.join(counts)}")
    return "\n".join(lines) + "\n"


def cmd_table(args, out: TextIO) -> int:
    """Print one table of a diagram as CSV.

    >>> import io, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "hello.puml"
    >>> _ = path.write_text("Alice -> Bob: hello\\n")
    >>> out = io.StringIO()
    >>> cmd_table(build_parser().parse_args(["table", "participants", str(path)]), out)
    0
    >>> print(out.getvalue().splitlines()[1])
    Alice,Alice,participant,,,1,1,1,0,1
    """
    from flowlib.views.tables import TABLES

    diagram = _load(args.file, args)
    frame = TABLES[args.name](diagram)
    frame.to_csv(out, index=args.name == "matrix", lineterminator="\n")
    return 0


def cmd_lint(args, out: TextIO) -> int:
    """List every problem in each file; exit 1 if any is an error.

    >>> import io, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "broken.puml"
    >>> _ = path.write_text("Alice -> Bob: hello\\nend\\n")
    >>> out = io.StringIO()
    >>> cmd_lint(build_parser().parse_args(["lint", str(path)]), out)
    1
    >>> "broken.puml:2:" in out.getvalue()
    True
    """
    from flowlib.analysis.lint import lint_text

    status = 0
    for path in args.files:
        try:
            problems = lint_text(_read(path), file=path, known_phases=args.phases, block=args.block,
                                 include_root=args.include_root)
        except DiagramError as err:  # unreadable file
            problems = [err]
        for problem in problems:
            out.write(problem.headline() + "\n")
            if problem.severity == "error":
                status = 1
    return status


def cmd_render(args, out: TextIO) -> int:
    """Draw a view of a diagram to a file (SVG, PNG, Mermaid or text).

    >>> import io, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "hello.puml"
    >>> _ = path.write_text("Alice -> Bob: hello\\n")
    >>> out = io.StringIO()
    >>> cmd_render(build_parser().parse_args(["render", str(path), "--format", "mermaid"]), out)
    0
    >>> out.getvalue().splitlines()[0]
    'sequenceDiagram'
    """
    from flowlib.cli.render import render_command

    diagram = _load(args.file, args)
    note = _blocks_note(diagram, args.file)
    if note:
        print(note, file=sys.stderr)
    return render_command(diagram, args, out)


def cmd_diff(args, out: TextIO) -> int:
    """Compare two flows and print what changed.

    >>> import io, pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "old.puml").write_text("Alice -> Bob: hello\\n")
    >>> _ = (folder / "new.puml").write_text("Alice -> Bob: hello\\nBob -> Alice: hi\\n")
    >>> args = build_parser().parse_args(["diff", str(folder / "old.puml"), str(folder / "new.puml")])
    >>> cmd_diff(args, io.StringIO())
    0
    """
    from flowlib.analysis.diff import diff_flows, load_equivalences

    equivalences = load_equivalences(args.equivalences) if args.equivalences else None
    result = diff_flows(_load(args.old, args), _load(args.new, args), equivalences)
    if args.format == "csv":
        from flowlib.views.diffview import diff_view

        diff_view(result).table().to_csv(out, index=False, lineterminator="\n")
    else:
        out.write(result.summary())
    return 0


def _block_number(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a block number (0 for the first @startuml block), got {text!r}")
    return int(text)


def _columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` finds it: ``$COLUMNS``, else stdout's terminal, else 80.

    >>> _columns() > 0
    True
    """
    try:
        columns = int(os.environ.get("COLUMNS", 0))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, sized without importing shutil (and with it bz2 and lzma, 2 ms of every start):
    argparse makes a formatter for every argument it adds, and its own imports shutil."""

    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)


class _ArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help uses :class:`_HelpFormatter` (its sub-commands' parsers are of this class too)."""

    def __init__(self, *args, formatter_class=_HelpFormatter, **kwargs):
        super().__init__(*args, formatter_class=formatter_class, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m flowlib``.

    >>> build_parser().parse_args(["lint", "flow.puml"]).command
    'lint'
    """
    parser = _ArgumentParser(prog="python -m flowlib", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # Every command reads diagrams, and a diagram's !include files may not leave its folder unless allowed.
    reading = _ArgumentParser(add_help=False)
    reading.add_argument("--include-root", metavar="DIR",
                         help="let !include read files anywhere under DIR (default: only under the diagram's folder)")

    def block_option(p):
        p.add_argument("--block", type=_block_number, default=0, metavar="N",
                       help="which @startuml block of the file to read (0, the first, by default)")

    p = sub.add_parser("inspect", parents=[reading], help="summarise diagrams, or print PlantUML-compatible JSON")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="one JSON object per file, in the corpus schema")
    block_option(p)
    p.set_defaults(func=cmd_inspect)

    p = sub.add_parser("table", parents=[reading], help="print a table as CSV")
    p.add_argument("name", choices=["messages", "participants", "activations", "phases", "matrix"])
    p.add_argument("file", metavar="FILE")
    block_option(p)
    p.set_defaults(func=cmd_table)

    p = sub.add_parser("lint", parents=[reading], help="list every problem and warning in diagrams")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--phases",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        metavar="A,B,...",
        help="known phase names: warn about any divider not among them",
    )
    block_option(p)
    p.set_defaults(func=cmd_lint)

    p = sub.add_parser("render", parents=[reading], help="draw a communication or sequence view")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--view", choices=["communication", "sequence"], default="sequence")
    p.add_argument("--phase", help="only this phase")
    p.add_argument("--highlight", type=int, metavar="STEP", help="make this step stand out")
    p.add_argument("--steps", metavar="A-B", help="only steps A to B")
    p.add_argument("--aggregate", action="store_true", default=None,
                   help="communication view: one edge per pair, with counts (the default above 300 messages)")
    p.add_argument("--format", choices=["svg", "png", "mermaid", "text", "dot"], help="default: from -o's suffix")
    p.add_argument("--numbers", choices=["diagram", "steps", "none"], default="diagram",
                   help="sequence view: number messages as the diagram's autonumber does (default), by step, "
                        "or not at all")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (default: stdout)")
    block_option(p)
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("diff", parents=[reading], help="compare two flows")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    p.add_argument("--format", choices=["text", "csv"], default="text")
    p.add_argument("--equivalences", metavar="YAML", help="participants that name one component (groups, relays)")
    p.set_defaults(func=cmd_diff)
    return parser


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status.

    >>> import io, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "hello.puml"
    >>> _ = path.write_text("Alice -> Bob: hello\\n")
    >>> main(["lint", str(path)], io.StringIO())
    0
    """
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        return args.func(args, out)
    except DiagramError as err:
        print(err.headline(), file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 1


def run(argv: list[str] | None = None) -> None:
    """``python -m flowlib`` and the ``flowlib`` command: :func:`main`, then exit with its status.

    The process ends here, and nothing it made needs the cyclic collector any more: frozen, the objects
    still alive are skipped by the collections Python runs while it shuts down (some 5 ms of inspecting a
    large diagram; make bench times it as a whole process). Memory is returned either way.

    >>> try:
    ...     run(["--help"])
    ... except SystemExit as done:
    ...     print("exit status", done.code)     # doctest: +ELLIPSIS
    usage: python -m flowlib [-h] COMMAND ...
    ...
    exit status 0
    """
    status = main(argv)
    import gc

    gc.freeze()
    raise SystemExit(status)

