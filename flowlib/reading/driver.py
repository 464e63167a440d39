"""The parse driver: the command table run over a diagram's logical lines; parse, parse_lenient and parse_file.

Rule 2: PlantUML 1.2020.02 is the reference, also for what it refuses. ``shared/tools/puml-oracle``
prints its parse of any file; the corpus tests compare the two.

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
from flowlib.reading.blocks import block_lines
from flowlib.reading.builder import Builder
from flowlib.reading.commands import EARLY_WORDS, Single, candidates
from flowlib.reading.diagnosis import KIND_PHRASES, guess_other_kind, why_not
from flowlib.reading.lineerror import LineError, column_of, located_error
from flowlib.reading.lines import logical_lines
from flowlib.reading.patterns import SIMPLE_ARROW

__all__ = ["parse", "parse_file", "parse_lenient"]


def _block_text(lines: list[str]) -> str:
    """The text of a multi-line block: common indentation removed, trailing blanks kept."""
    body = [line.rstrip("\r\n") for line in lines]
    indents = [len(s) - len(s.lstrip()) for s in body if s.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(s[cut:] if s.strip() else "" for s in body)


def _run(text: str, file: str | None, lenient: bool, block: int = 0) -> tuple[Diagram, tuple[DiagramError, ...]]:
    # A parse allocates many small objects and no reference cycles: pausing the cyclic collector
    # keeps large diagrams linear in time (it would otherwise rescan the growing model again and again).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse_text(text, file, lenient, block)
    finally:
        if collecting:
            gc.enable()


def _parse_text(text: str, file: str | None, lenient: bool, block_index: int = 0
                ) -> tuple[Diagram, tuple[DiagramError, ...]]:
    if not isinstance(text, str):
        raise TypeError(f"parse() needs text (str), not {type(text).__name__}")
    if text.startswith("\ufeff"):
        text = text[1:]  # a UTF-8 byte order mark, as editors on Windows write it
    errors: list[DiagramError] = []
    builder = Builder(file)
    try:
        block, block_count = block_lines(text, file, block_index)
    except DiagramError as err:
        return builder.diagram(), (err,)
    stream = logical_lines(block, errors, file, joined="\\" in text)
    i = 0
    n = len(stream)
    first_failure: tuple[int, str] | None = None
    while i < n:
        number, line, raw = stream[i]
        if not line:
            i += 1
            continue
        builder.line = number
        builder.raw = raw
        i += 1
        try:
            if line[0] == "!":
                if re.match(r"!include\w*\s*<[^>]*>\s*$", line, re.I):
                    continue  # PlantUML's standard library (sprites, macros): nothing a sequence needs
                if line.lower().startswith("!include"):
                    raise LineError(f"cannot include {line.split(None, 1)[1] if ' ' in line else ''}: "
                                     "flowlib does not resolve !include")
                raise LineError(f"unsupported preprocessor directive {line.split()[0]}: flowlib knows !define, "
                                 "!definelong, !$variable =, !if/!ifdef/!else/!endif, !undef, !pragma and !theme")
            # (an arrow has a '-': other lines skip the regex)
            m = SIMPLE_ARROW.fullmatch(line) if "-" in line else None
            if m is not None and m.group(1).lower() not in EARLY_WORDS:
                do_simple_arrow(builder, m)
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
                    command.action(builder, m, _block_text([r for _, _, r in stream[first:i - 1]]))
                break
            else:
                if first_failure is None:
                    first_failure = (number, line)
                message, column = why_not(line)
                raise LineError(message, column)
        except LineError as err:
            column = column_of(raw) + err.column - 1
            errors.append(located_error(err.message, file, number, column, raw))
            if not lenient:
                break
    if first_failure is not None:
        kind = guess_other_kind([s for _, s, _ in stream])
        if kind is not None:
            number, line = first_failure
            raw_by_number = dict(block)
            err = located_error(f"this looks like {KIND_PHRASES[kind]}, not a sequence diagram", file, number,
                                column_of(raw_by_number[number]), raw_by_number[number])
            errors = [err] + [e for e in errors if e.line != number]
    # A group left open at the end is accepted, as PlantUML does (its end_line stays 0).
    diagram = builder.diagram(block_count, block_index)
    if not diagram.participants and not errors:
        last, raw = block[-1] if block else (1, "")
        errors.append(DiagramError("empty diagram: no participant and no message", file=file, line=last,
                                   column=column_of(raw), source_line=raw))
    return diagram, tuple(errors)


def parse(text: str, *, file: str | None = None, block: int = 0) -> Diagram:
    """Parse sequence-diagram text into a :class:`Diagram`; raise :class:`DiagramError` at the first problem.

    block: which ``@startuml`` block to read (0-based) when the text holds several; the diagram's
    ``block_count`` says how many there are.

    >>> parse("A -> B").messages[0].target
    'B'
    >>> two = "@startuml\\nA -> B\\n@enduml\\n@startuml\\nC -> D\\n@enduml"
    >>> d = parse(two, block=1)
    >>> d.block_count, d.block, d.messages[0].source
    (2, 1, 'C')
    """
    diagram, errors = _run(text, file, lenient=False, block=block)
    if errors:
        raise errors[0]
    return diagram


def parse_lenient(text: str, *, file: str | None = None, block: int = 0
                  ) -> tuple[Diagram, tuple[DiagramError, ...]]:
    """Parse what can be parsed; return the diagram and every problem found, in line order.

    >>> diagram, problems = parse_lenient("A -> B\\nWeb-app -> B\\nB -> C")
    >>> len(diagram.messages), problems[0].line
    (2, 2)
    """
    return _run(text, file, lenient=True, block=block)


def parse_file(path, *, block: int = 0) -> Diagram:
    """Read and parse a ``.puml`` file (UTF-8), its ``block``-th ``@startuml`` block; errors name the file.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "hello.puml"
    >>> _ = path.write_text("@startuml\\nAlice -> Bob: hello\\n@enduml\\n")
    >>> parse_file(path).messages[0].label
    'hello'
    """
    from flowlib.reading.source import read_text

    return parse(read_text(path), file=str(path), block=block)
