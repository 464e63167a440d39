"""Warnings about a diagram that parses but probably does not say what its author meant."""

from __future__ import annotations

from typing import Iterable

from flowlib.analysis.arrows import activations, arrow_kind
from flowlib.errors import DiagramError
from flowlib.model import Diagram, Message


def _warning(diagram: Diagram, message: str, line: int | None, column: int | None = None) -> DiagramError:
    return DiagramError(message, file=diagram.file, line=line, column=column, severity="warning")


def _ends(m: Message) -> str:
    source = repr(m.source) if m.source is not None else "the edge"
    target = repr(m.target) if m.target is not None else "the edge"
    return f"from {source} to {target}"


def lint(diagram: Diagram, *, known_phases: Iterable[str] | None = None) -> list[DiagramError]:
    """Warnings (severity "warning") about a parsed diagram, in line order.

    Checks: activations never closed or closed without being opened; replies and other messages
    without a label; participants that take part in one message or none; dividers whose name is not
    in ``known_phases`` (when given; compared without case); messages before the first divider of a
    diagram that has dividers; phases without messages; a phase name opened a second time; groups
    never closed with ``end`` (PlantUML draws no frame for them); a diagram without any message.
    Each warning carries the line (and, for messages, the column) of the element it is about.

    >>> from flowlib import parse
    >>> [w.message for w in lint(parse("A -> B: hi\\nB --> A"))]
    ["reply from 'B' to 'A' has no label"]
    """
    found: list[DiagramError] = []

    for bar in activations(diagram):
        if bar.end_step is None:
            found.append(_warning(diagram, f"activation of {bar.participant!r} is never closed", bar.start_line))
        elif bar.start_step is None:
            found.append(
                _warning(diagram, f"deactivate of {bar.participant!r} without a matching activate", bar.end_line)
            )

    for m in diagram.messages:
        if m.label.strip():
            continue
        what = "reply" if arrow_kind(m) == "reply" else "message"
        found.append(_warning(diagram, f"{what} {_ends(m)} has no label", m.line, m.column))

    uses: dict[str, list[int]] = {}
    for m in diagram.messages:
        for code in dict.fromkeys(c for c in (m.source, m.target) if c is not None):
            uses.setdefault(code, []).append(m.step)
    for p in diagram.participants:
        steps = uses.get(p.code, [])
        if len(steps) == 1:
            found.append(_warning(diagram, f"participant {p.code!r} takes part in only one message (step {steps[0]})", p.line))
        elif not steps:
            found.append(_warning(diagram, f"participant {p.code!r} takes part in no message", p.line))

    for g in diagram.groups:
        if not g.end_line:
            what = g.kind if g.title.strip().lower() == g.kind else f"{g.kind} {g.title.strip()!r}"
            found.append(_warning(diagram, f"{what} is never closed: add 'end' after its last message "
                                           "(PlantUML draws no frame for it)", g.line))

    if diagram.participants and not diagram.messages:
        found.append(_warning(diagram, "empty diagram: participants but no message", diagram.participants[0].line))

    dividers = diagram.dividers
    if known_phases is not None:
        known_phases = [name.strip() for name in known_phases]
        known = {name.casefold() for name in known_phases}
        listed = ", ".join(known_phases) or "none"
        for d in dividers:
            if d.name.casefold() not in known:
                found.append(_warning(diagram, f"unknown phase {d.name!r} (known phases: {listed})", d.line))

    if dividers:
        outside = [m for m in diagram.messages if m.phase is None]
        if outside:
            first = outside[0]
            what = f"{len(outside)} messages" if len(outside) > 1 else "this message"
            verb = "belong" if len(outside) > 1 else "belongs"
            found.append(
                _warning(diagram, f"{what} before the first divider {verb} to no phase", first.line, first.column)
            )
        opened: dict[str, int] = {}
        holding = {m.phase for m in diagram.messages}
        for d in dividers:
            if d.name in opened:
                found.append(_warning(diagram, f"phase {d.name!r} starts again (first at line {opened[d.name]})", d.line))
            else:
                opened[d.name] = d.line
                if d.name not in holding:
                    found.append(_warning(diagram, f"phase {d.name!r} has no messages", d.line))

    found.sort(key=lambda w: (w.line or 0, w.column or 0))
    return found


def lint_text(
    text: str, *, file: str | None = None, known_phases: Iterable[str] | None = None, block: int = 0,
    include_root=None
) -> list[DiagramError]:
    """Every problem in diagram text: parse errors (severity "error") and :func:`lint` warnings, in line order.

    Each item names file, line and column and carries its source line, so ``str(item)`` shows it with a
    caret. Warnings about lines without a column point at the line's first non-blank character.
    block: which ``@startuml`` block to check; a text with several gets a warning saying how many.

    >>> [w.message for w in lint_text("Alice -> Bob")]
    ["participant 'Alice' takes part in only one message (step 1)", "participant 'Bob' takes part in only one message (step 1)", "message from 'Alice' to 'Bob' has no label"]
    """
    from flowlib.reading import parse_lenient

    try:
        diagram, errors = parse_lenient(text, file=file, block=block, include_root=include_root)
    except DiagramError as err:
        return [err]
    lines = text.splitlines()
    problems = []
    for e in errors:
        if e.column is None and e.line is not None:  # every problem gets a column
            source = e.source_line if e.source_line is not None else (
                lines[e.line - 1] if 0 < e.line <= len(lines) else "")
            e = DiagramError(e.message, file=e.file, line=e.line, column=len(source) - len(source.lstrip()) + 1,
                             source_line=e.source_line if e.source_line is not None else source or None,
                             severity=e.severity)
        problems.append(e)
    warnings = lint(diagram, known_phases=known_phases)
    if diagram.block_count > 1:
        starts = [n for n, line in enumerate(lines, 1) if line.lstrip().lower().startswith("@startuml")]
        at = starts[block] if block < len(starts) else 1
        warnings.append(_warning(diagram, f"this text holds {diagram.block_count} @startuml blocks: this is "
                                          f"block {block} (choose another with --block N, or block=N)", at))
    for w in warnings:
        source = lines[w.line - 1] if w.line and w.line <= len(lines) else None
        column = w.column
        if column is None and source is not None:
            column = len(source) - len(source.lstrip()) + 1
        problems.append(
            DiagramError(w.message, file=file, line=w.line, column=column, source_line=source, severity=w.severity)
        )
    problems.sort(key=lambda p: (p.line or 0, p.column or 0, p.severity != "error"))
    return problems
