"""The parse driver: the command table run over a diagram's logical lines; parse, parse_lenient and parse_file.

Rule 2: PlantUML 1.2026.8 is the reference, also for what it refuses (docs/plantuml-versions.md says
where 1.2020.02 differs). ``shared/tools/puml-oracle`` prints its parse of any file; the corpus tests
compare the two.

    >>> d = parse("@startuml\\nA -> B: hello\\n@enduml\\n")
    >>> d.messages[0].source, d.messages[0].target, d.messages[0].label
    ('A', 'B', 'hello')
"""

from __future__ import annotations

import gc
import re

from flowlib.errors import DiagramError
from flowlib.model import Diagram
from flowlib.reading.actions import do_simple_arrow
from flowlib.reading.blocks import Block, find_block
from flowlib.reading.builder import Builder
from flowlib.reading.commands import EARLY_WORDS, Single, candidates
from flowlib.reading.lineerror import LineError, column_of, file_of, located_error
from flowlib.reading.lines import Options, has_continuation, is_plain, logical_lines
from flowlib.reading.patterns import SIMPLE_ARROW

TYPE_CHECKING = False  # typing's, without importing typing (3 ms at start); type checkers know the name
if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["parse", "parse_file", "parse_lenient"]


def _block_text(lines: list[str]) -> str:
    """The text of a multi-line block: common indentation removed, trailing blanks kept."""
    body = [line.rstrip("\r\n") for line in lines]
    indents = [len(s) - len(s.lstrip()) for s in body if s.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(s[cut:] if s.strip() else "" for s in body)


#: A parse that made this many events moves its model to the collector's oldest generation (see _run).
PROMOTED_FROM = 5_000


def _run(text: str, file: str | None, lenient: bool, options: Options, block: int = 0
         ) -> tuple[Diagram, tuple[DiagramError, ...]]:
    # A parse allocates many small objects and no reference cycles: pausing the cyclic collector
    # keeps large diagrams linear in time (it would otherwise rescan the growing model again and again).
    collecting = gc.isenabled()
    gc.disable()
    large = False
    try:
        diagram, errors = _parse_text(text, file, lenient, options, block)
        large = len(diagram.events) >= PROMOTED_FROM
        return diagram, errors
    finally:
        if collecting:
            if large and not gc.get_freeze_count():
                # A large model goes straight to the oldest generation (freeze then unfreeze moves every
                # tracked object there and scans none): the next young collection would scan it all
                # (some 2 ms at 10k messages) to find nothing. Skipped if the program froze objects itself.
                gc.freeze()
                gc.unfreeze()
            gc.enable()



def _dot_blame(block: Block, stream, number, raw) -> tuple[int, str]:
    """The line PlantUML 1.2026 blames for a DOT graph inside ``@startuml``: its ``@enduml`` when the graph
    is the block's first statement (PlantUML reads the whole block as DOT and fails at its end), else
    ``number`` (the line where reading it as a sequence diagram failed).
    """
    first = next((s for _, s, _ in stream if s), "")
    if not block or _DOT_START.match(first) is None:
        return number, raw
    end = block.last + 1
    lines = block.lines
    if end <= len(lines) and lines[end - 1].lstrip().lower().startswith("@end"):
        return end, lines[end - 1]
    return number, raw


_DOT_START = re.compile(r"(?:strict\s+)?(?:di)?graph\b[^{]*\{", re.I)


def _parse_text(text: str, file: str | None, lenient: bool, options: Options, block_index: int = 0
                ) -> tuple[Diagram, tuple[DiagramError, ...]]:
    if not isinstance(text, str):
        raise TypeError(f"parse() needs text (str), not {type(text).__name__}")
    if text.startswith("\ufeff"):
        text = text[1:]  # a UTF-8 byte order mark, as editors on Windows write it
    if "\u2013" in text:
        text = text.replace("\u2013", "-")   # 1.2026 reads an en dash as a hyphen, everywhere: 'A \u2013> B' is 'A -> B' 
    errors: list[DiagramError] = []
    builder = Builder(file)
    try:
        block = find_block(text, file, block_index)
    except DiagramError as err:
        return builder.diagram(), (err,)
    stream = logical_lines(block.numbered(), errors, file, joined=has_continuation(text), options=options, percent="%" in text,
                           plain=is_plain(text))
    included = options.used      # lines may come from included files: each element records its file
    preprocessed = len(errors)
    i = 0
    n = len(stream)
    first_failure: tuple[int, str] | None = None
    simple_arrow, early_words = SIMPLE_ARROW.fullmatch, EARLY_WORDS    # (locals: read on every line)
    while i < n:
        number, line, raw = stream[i]
        i += 1
        if not line:
            continue
        if included:
            builder.line = int(number)
            builder.source = file_of(number)
        else:
            builder.line = number
        builder.raw = raw
        try:
            # (an arrow has a '-': other lines skip the regex)
            if "-" in line:
                m = simple_arrow(line)
                if m is not None and do_simple_arrow(builder, m, early_words):
                    continue
            for command in candidates(line):
                if type(command) is Single:
                    m = command.pattern.match(line)
                    if m is None:
                        continue
                    command.action(builder, m)
                    break
                m = command.start.match(line)
                if m is None:
                    continue
                first = i
                depth = 1
                while i < n:
                    inner = stream[i][1]
                    if command.nested and inner.endswith("{"):
                        depth += 1
                    elif command.end.match(inner):
                        depth -= 1
                        if depth == 0 or not command.nested:
                            break
                    i += 1
                else:
                    i = first  # lenient mode goes on with the lines after the opening one
                    raise LineError(f"this {command.name} is never closed: add '{command.closing}' after its text")
                i += 1
                if not command.raw and (command.keep_empty or i - 1 > first):
                    # The block's lines as written: indentation and blank lines are part of the text.
                    try:
                        command.action(builder, m, _block_text([r for _, _, r in stream[first:i - 1]]))
                    except LineError as err:
                        # PlantUML runs a block when it reads its last line, and blames that line.
                        number, _, raw = stream[i - 1]
                        err.column = 1
                        raise
                break
            else:
                from flowlib.reading.diagnosis import why_not   # (only a refused line needs it)

                if first_failure is None:
                    first_failure = (number, line, raw)
                message, column = why_not(line)
                raise LineError(message, column)
        except LineError as err:
            column = column_of(raw) + err.column_in(line) - 1
            errors.append(located_error(err.message, file_of(number) or file, int(number), column, raw))
            if not lenient:
                break
    if first_failure is not None:
        from flowlib.reading.diagnosis import KIND_PHRASES, guess_other_kind, unclosed_activity

        texts = [s for _, s, _ in stream]
        kind = guess_other_kind(texts)
        if kind is not None:
            number, line, raw = first_failure
            raw = block.raw(number, raw) if not included else raw
            message = f"this looks like {KIND_PHRASES[kind]}, not a sequence diagram"
            if kind == "PSystemDot" and not included:
                number, raw = _dot_blame(block, stream, number, raw)
            elif kind == "activity" and (at := unclosed_activity(texts)) is not None:
                number, line, raw = stream[at]   # where PlantUML's own activity parser fails
                message += f" (and its activity '{line}' is never closed: PlantUML 1.2026 ends one with ';')"
            err = located_error(message, file_of(number) or file, int(number), column_of(raw), raw)
            # The preprocessor's problems (a missing include...) come first, as in PlantUML.
            first = [e for e in errors[:preprocessed] if not getattr(e, "offline", False)]
            offline = [e for e in errors[:preprocessed] if getattr(e, "offline", False)]
            errors = first + [err] + offline + [e for e in errors[preprocessed:] if e.line != number]
    # A group left open at the end is accepted, as PlantUML does (its end_line stays 0).
    diagram = builder.diagram(block.count, block_index, options.themes)
    if not diagram.participants and not errors:
        last, raw = block.last_line() or (1, "")
        errors.append(DiagramError("empty diagram: no participant and no message", file=file, line=last,
                                   column=column_of(raw), source_line=raw))
    return diagram, tuple(errors)


def parse(text: str, *, file: str | None = None, block: int = 0, include_root=None,
          today: datetime | None = None) -> Diagram:
    """Parse sequence-diagram text into a :class:`Diagram`; raise :class:`DiagramError` at the first problem.

    block: which ``@startuml`` block to read (0-based) when the text holds several; the diagram's
    ``block_count`` says how many there are. ``!include`` files resolve from the folder of ``file`` (the
    current folder without one) and may not leave ``include_root`` (default: that folder). ``today`` is
    the date ``%date()`` gives (default: now).

    >>> parse("A -> B").messages[0].target
    'B'
    >>> two = "@startuml\\nA -> B\\n@enduml\\n@startuml\\nC -> D\\n@enduml"
    >>> d = parse(two, block=1)
    >>> d.block_count, d.block, d.messages[0].source
    (2, 1, 'C')
    """
    diagram, errors = _run(text, file, lenient=False, options=Options(file, include_root, today), block=block)
    if errors:
        raise errors[0]
    return diagram


def parse_lenient(text: str, *, file: str | None = None, block: int = 0, include_root=None, today: datetime | None = None
                  ) -> tuple[Diagram, tuple[DiagramError, ...]]:
    """Parse what can be parsed; return the diagram and every problem found, in line order.

    >>> diagram, problems = parse_lenient("A -> B\\nWeb-app -> B\\nB -> C")
    >>> len(diagram.messages), problems[0].line
    (2, 2)
    """
    return _run(text, file, lenient=True, options=Options(file, include_root, today), block=block)


def parse_file(path, *, block: int = 0, include_root=None, today: datetime | None = None) -> Diagram:
    """Read and parse a ``.puml`` file (UTF-8), its ``block``-th ``@startuml`` block; errors name the file
    (or the included file they are in).

    Its ``!include`` files may not leave its folder unless ``include_root`` names a wider one.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "hello.puml"
    >>> _ = path.write_text("@startuml\\nAlice -> Bob: hello\\n@enduml\\n")
    >>> parse_file(path).messages[0].label
    'hello'
    """
    from flowlib.reading.source import read_text

    return parse(read_text(path), file=str(path), block=block, include_root=include_root, today=today)
