"""Which group frame (``alt``, ``else``, ``opt``, ``loop``, ``par``, ...) and which branch of it each message sits in.

:func:`message_groups` walks the diagram's :class:`~flowlib.model.GroupStart`, :class:`~flowlib.model.GroupElse`
and :class:`~flowlib.model.GroupEnd` events once. The table, the text list and the player all word a branch
with :func:`group_text`, :func:`branch_text`, :func:`branch_marker` and :func:`branch_phrase`, so that a reader
of any view hears the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from flowlib.analysis.memo import per_diagram
from flowlib.analysis.wording import label_lines, one_line
from flowlib.model import Diagram, GroupElse, GroupEnd, GroupStart, Message


@dataclass(frozen=True, slots=True)
class Branch:
    """One level of nesting around a message: a group and the branch of it the message is in.

    kind: the group's keyword (:data:`flowlib.model.GROUP_KINDS`).
    title: the group's title as written (the keyword itself, or ``X`` for ``group X [Y]``), stripped.
    label: the group's label (the text after the keyword: an ``alt``'s first condition), or None.
    branch: 0 for the branch the group line opens, 1 for the first ``else``, and so on.
    branch_label: the label of that branch: the group's label for branch 0, the ``else`` line's text after;
        None when the line gives none.
    branches: how many branches the group has (1 + its ``else`` lines).
    index: the group's position in :attr:`flowlib.model.Diagram.groups`. level: its nesting depth (0 outermost).
    """

    kind: str
    title: str
    label: str | None
    branch: int
    branch_label: str | None
    branches: int
    index: int
    level: int


@dataclass(frozen=True, slots=True)
class MessageGroup:
    """Where one message sits: ``path`` holds the groups around it, outermost first; ``inner`` is the last."""

    path: tuple[Branch, ...]

    @property
    def inner(self) -> Branch:
        return self.path[-1]


def _one_line(text: str | None) -> str:
    """A group's title or label on one line, as PlantUML shows it (``\\n`` escapes read as line breaks)."""
    return one_line(label_lines(text or ""))


@per_diagram
def message_groups(diagram: Diagram) -> tuple[MessageGroup | None, ...]:
    """For each message, in step order, the groups around it (None for a message outside every group).

    A group the diagram leaves open (no ``end``) holds every message after its start. Events that do not
    match the open groups (an ``else`` or ``end`` of a group already closed) are skipped.

    >>> from flowlib import parse
    >>> d = parse("A -> B: hi\\nalt ok\\nB -> A: fine\\nelse failure\\nB -> A: no\\nend")
    >>> [g and (g.inner.kind, g.inner.branch, g.inner.branch_label) for g in message_groups(d)]
    [None, ('alt', 0, 'ok'), ('alt', 1, 'failure')]
    """
    out: list[MessageGroup | None] = []
    stack: list[Branch] = []
    groups = diagram.groups
    for event in diagram.events:
        if isinstance(event, Message):
            out.append(MessageGroup(tuple(stack)) if stack else None)
        elif isinstance(event, GroupStart):
            summary = groups[event.index] if 0 <= event.index < len(groups) else None
            branches = 1 + (len(summary.else_labels) if summary is not None else 0)
            stack.append(Branch(event.kind, _one_line(event.title) or event.kind, event.label, 0, event.label,
                                branches, event.index, event.level))
        elif isinstance(event, GroupElse):
            at = next((i for i in range(len(stack) - 1, -1, -1) if stack[i].index == event.index), None)
            if at is not None:
                del stack[at + 1:]  # groups opened in the previous branch and never closed end here
                top = stack[at]
                stack[at] = Branch(top.kind, top.title, top.label, top.branch + 1, event.label, top.branches,
                                   top.index, top.level)
        elif isinstance(event, GroupEnd):
            at = next((i for i in range(len(stack) - 1, -1, -1) if stack[i].index == event.index), None)
            if at is not None:
                del stack[at:]
    return tuple(out)


def group_text(branch: Branch) -> str:
    """The group as a reader names it: its keyword (or a ``group``'s title) and its label.

    >>> group_text(Branch("alt", "alt", "reschedule", 1, "failure", 2, 0, 0))
    'alt reschedule'
    """
    head = branch.title if branch.kind == "group" else branch.kind
    label = _one_line(branch.label)
    return f"{head} {label}" if label else head


def branch_text(branch: Branch) -> str:
    """The branch a message is in: ``alt: if ok`` for an ``alt``'s first branch, ``else: failure`` for an
    ``else`` (``else`` when it has no label), ``loop: 3 times``, ``opt: cached``, ``par`` ...

    >>> branch_text(Branch("alt", "alt", "ok", 0, "ok", 2, 0, 0)), branch_text(Branch("alt", "alt", "ok", 1, None, 2, 0, 0))
    ('alt: if ok', 'else')
    """
    label = _one_line(branch.branch_label)
    if branch.branch:
        return f"else: {label}" if label else "else"
    head = branch.title if branch.kind == "group" else branch.kind
    if branch.kind == "alt" and label:
        label = f"if {label}"
    return f"{head}: {label}" if label else head


def branch_marker(where: MessageGroup | None) -> str:
    """The marks a text list puts after a step: each group around it, outermost first, as ``[branch]``
    ("" outside every group).

    >>> from flowlib import parse
    >>> d = parse("loop each host\\nalt ok\\nA -> B\\nelse failure\\nB -> A\\nend\\nend")
    >>> [branch_marker(g) for g in message_groups(d)]
    ['[loop: each host] [alt: if ok]', '[loop: each host] [else: failure]']
    """
    if where is None:
        return ""
    return " ".join(f"[{branch_text(b)}]" for b in where.path)


def branch_phrase(where: MessageGroup | None) -> str:
    """The innermost group in a sentence: ``in branch 'else: failure' of alt 'reschedule'`` for a group of
    several branches, ``in loop 'each host'`` for one of a single branch ("" outside every group).

    >>> from flowlib import parse
    >>> d = parse("alt reschedule\\nA -> B\\nelse failure\\nB -> A\\nend\\nloop each host\\nA -> B\\nend")
    >>> [branch_phrase(g) for g in message_groups(d)]
    ["in branch 'alt: if reschedule' of alt 'reschedule'", "in branch 'else: failure' of alt 'reschedule'", "in loop 'each host'"]
    """
    if where is None:
        return ""
    b = where.inner
    head = b.title if b.kind == "group" else b.kind
    label = _one_line(b.label)
    group = f"{head} '{label}'" if label else head
    if b.branches > 1:
        return f"in branch '{branch_text(b)}' of {group}"
    return f"in {group}"
