"""Compare two flows: participants added and removed, messages added, removed, re-routed or changed.

Rule 1: messages are compared only within the same phase. Two messages *match* when their ends are
the same participants (up to an equivalence map, :func:`load_equivalences`) or share one of them,
and their labels are alike (:func:`label_similarity`: difflib ratios on normalised labels). Each
message matches at most one other; the best-scoring pairs are taken first (ties by step), so the
result never depends on dictionary order.

Rule 2: the kind of a match:
- ``unchanged``: same ends, same direction, same normalised label;
- ``changed``: same ends and direction (same source, same target), the label differs;
- ``rerouted``: the same intent by another path: the source or the target kept (or a relay such as
  a message queue, which stands for whoever is on its other side), the other end replaced, and a
  similarity of at least :data:`REROUTED_MIN`; or both ends replaced and a nearly identical label
  (:data:`MOVED_MIN`);
- an old message matching nothing is ``removed``, a new one ``added``.

This module computes; its tables, HTML and side-by-side drawings are in :mod:`flowlib.views.diffview`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from flowlib.reading.yamlfile import load_yaml, require
from flowlib.errors import DiagramError
from flowlib.model import Diagram, Message
from flowlib.analysis.wording import diagram_name, count_noun, message_text

__all__ = [
    "KINDS",
    "PARTICIPANT_KINDS",
    "Equivalences",
    "ParticipantChange",
    "MessageChange",
    "FlowDiff",
    "diff_flows",
    "load_equivalences",
    "normalise_label",
    "label_similarity",
]

#: Message change kinds, in report order.
KINDS = ("unchanged", "changed", "rerouted", "removed", "added")

#: Participant change kinds: kept under the same name, replaced by an equivalent one, or not.
PARTICIPANT_KINDS = ("same", "equivalent", "removed", "added")

#: Thresholds on :func:`label_similarity` (see Rule 2).
REROUTED_MIN = 0.4
MOVED_MIN = 0.8

#: Words that carry no intent; dropped before labels are compared.
_STOP = frozenset("a an the to of for and or with on in into by from at as is are its it this that".split())


def normalise_key(name: str) -> str:
    """A participant name compared loosely: case folded, ``_`` and blanks read as ``-``.

    >>> normalise_key("Order-Service") == normalise_key("order_service")
    True
    """
    return re.sub(r"[\s_-]+", "-", name.strip().casefold())


def normalise_label(label: str) -> str:
    """A label reduced to its words: lower case, punctuation and little words dropped.

    >>> normalise_label("[rpc.cast] to request new order")
    'rpc cast request new order'
    """
    words = re.findall(r"[a-z0-9]+", label.casefold())
    return " ".join(w for w in words if w not in _STOP)


def label_similarity(a: str, b: str) -> float:
    """How alike two labels are, from 0 to 1: the mean of difflib's ratio on their normalised text
    (letters, which credits "order" ~ "orders") and on their word lists (which does not let
    scattered letters add up). Equal normalised labels, two empty ones included, give 1.0.

    >>> label_similarity("[rpc.cast] place order", "rpc.cast to place the order")
    1.0
    """
    na, nb = normalise_label(a), normalise_label(b)
    if na == nb:
        return 1.0
    chars = difflib.SequenceMatcher(None, na, nb, autojunk=False).ratio()
    words = difflib.SequenceMatcher(None, na.split(), nb.split(), autojunk=False).ratio()
    return (chars + words) / 2


# ---------------------------------------------------------------------------------------------------
# The equivalence map


@dataclass(frozen=True, slots=True)
class Equivalences:
    """Participant codes that name one component (``groups``: name and member codes), and the relays
    (codes of participants that only carry messages between others, such as a message queue).

    >>> eq = Equivalences((("store", ("Store", "Cache")),), relays=("Queue",))
    >>> eq.canonical("cache"), eq.is_relay("queue")
    ('store', True)
    """

    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    relays: tuple[str, ...] = ()
    _canon: dict = field(default=None, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self):
        canon = {}
        for name, members in self.groups:
            for member in members:
                canon[normalise_key(member)] = normalise_key(name)
        object.__setattr__(self, "_canon", canon)

    def canonical(self, code: str | None) -> str | None:
        """The group name of ``code``, or its own normalised name when it is in no group."""
        if code is None:
            return None
        key = normalise_key(code)
        return self._canon.get(key, key)

    def group_of(self, code: str) -> str | None:
        """The group name ``code`` belongs to, or None."""
        return self._canon.get(normalise_key(code))

    def is_relay(self, code: str | None) -> bool:
        """True when ``code`` names a relay."""
        return code is not None and normalise_key(code) in {normalise_key(r) for r in self.relays}


def load_equivalences(path) -> Equivalences:
    """Read an equivalence file (``groups``: name and members; ``relays``); a code in two groups is an error.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "eq.yaml"
    >>> _ = path.write_text("groups:\\n  - name: store\\n    members: [Store, Cache]\\nrelays: [Queue]\\n")
    >>> load_equivalences(path).groups
    (('store', ('Store', 'Cache')),)
    """
    data = load_yaml(path)
    file = str(path)
    groups = require(data, "groups", list, file, "file") if isinstance(data, dict) else None
    if groups is None:
        raise DiagramError("expected a mapping with a 'groups' list", file=file, line=1)
    relays = data.get("relays", [])
    if not isinstance(relays, list):
        raise data.error("'relays' must be a list of participant codes", "relays")
    seen: dict[str, str] = {}
    result = []
    for entry in groups:
        name = require(entry, "name", str, file, "group")
        members = require(entry, "members", list, file, f"group {name!r}")
        for member in members:
            key = normalise_key(str(member))
            if key in seen:
                raise entry.error(f"group {name!r}: {member!r} is already in group {seen[key]!r}")
            seen[key] = name
        result.append((name, tuple(str(m) for m in members)))
    return Equivalences(tuple(result), tuple(str(r) for r in relays))


# ---------------------------------------------------------------------------------------------------
# The result


@dataclass(frozen=True, slots=True)
class ParticipantChange:
    """How one component fares: ``kind`` in :data:`PARTICIPANT_KINDS`, its codes in each flow."""

    kind: str
    old: tuple[str, ...]
    new: tuple[str, ...]
    group: str | None = None


@dataclass(frozen=True, slots=True)
class MessageChange:
    """One row of the diff: ``kind`` in :data:`KINDS`, the old and/or new step, their text, and the
    label similarity of a matched pair (None for an added or removed message)."""

    kind: str
    phase: str | None
    old_step: int | None
    new_step: int | None
    old: str | None
    new: str | None
    similarity: float | None = None


@dataclass(frozen=True)
class FlowDiff:
    """The differences between flow ``old`` and flow ``new`` (see :func:`diff_flows`)."""

    old: Diagram
    new: Diagram
    participants: tuple[ParticipantChange, ...]
    messages: tuple[MessageChange, ...]

    @property
    def participants_added(self) -> tuple[str, ...]:
        """Codes of new participants with no counterpart in the old flow."""
        return tuple(c for p in self.participants if p.kind == "added" for c in p.new)

    @property
    def participants_removed(self) -> tuple[str, ...]:
        """Codes of old participants with no counterpart in the new flow."""
        return tuple(c for p in self.participants if p.kind == "removed" for c in p.old)

    @property
    def phases(self) -> tuple[str | None, ...]:
        """The phases of the two flows, old order first, then new phases in their order."""
        seen: dict = {}
        for change in self.messages:
            seen.setdefault(change.phase, None)
        return tuple(seen)

    def counts(self, phase: str | None = ...) -> dict[str, int]:
        """Number of messages of each kind (all phases, or one), every kind present, in :data:`KINDS` order."""
        rows = self.messages if phase is ... else self.phase(phase)
        return {kind: sum(1 for c in rows if c.kind == kind) for kind in KINDS}

    def phase(self, name: str | None) -> tuple[MessageChange, ...]:
        """The rows of one phase, in diff order."""
        key = _phase_key(name)
        return tuple(c for c in self.messages if _phase_key(c.phase) == key)

    def kind(self, kind: str) -> tuple[MessageChange, ...]:
        """The rows of one kind, in diff order."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
        return tuple(c for c in self.messages if c.kind == kind)

    def summary(self, *, phases: bool = True) -> str:
        """A readable report: participant changes, counts, then (with ``phases``) every change phase by phase.

        >>> from flowlib import parse
        >>> print(diff_flows(parse("Alice -> Bob: hi"), parse("Alice -> Bob: hi"), {}).summary(phases=False))
        old: (untitled) (2 participants, 1 message)
        new: (untitled) (2 participants, 1 message)
        participants: 2 same, 0 equivalent, 0 removed, 0 added
        messages: 1 unchanged, 0 changed, 0 rerouted, 0 removed, 0 added
        <BLANKLINE>
        """
        return "".join(_summary_lines(self, phases))

    def phase_summary(self, phase: str | None) -> str:
        """The counts and the changes of one phase, as text.

        >>> from flowlib import parse
        >>> d = diff_flows(parse("== go ==\\nAlice -> Bob: hi"), parse("== go ==\\nAlice -> Bob: hello"), {})
        >>> print(d.phase_summary("go").splitlines()[0])
        == go == (1 changed)
        """
        return "".join(_phase_lines(self, phase))

    def step_kinds(self, side: str) -> dict[int, str]:
        """step -> kind of its change, for the ``"old"`` or ``"new"`` flow (unchanged steps left out).

        >>> from flowlib import parse
        >>> d = diff_flows(parse("Alice -> Bob: hi"), parse("Alice -> Bob: hello there"), {})
        >>> d.step_kinds("new")
        {1: 'changed'}
        """
        if side not in ("old", "new"):
            raise ValueError("side must be 'old' or 'new'")
        kinds = {}
        for change in self.messages:
            step = change.old_step if side == "old" else change.new_step
            if step is not None and change.kind != "unchanged":
                kinds[step] = change.kind
        return kinds


# ---------------------------------------------------------------------------------------------------
# The comparison


def diff_flows(old: Diagram, new: Diagram, equivalences: Equivalences | Mapping | None = None) -> FlowDiff:
    """Compare two flows (see the module's rules).

    equivalences: an :class:`Equivalences` (see :func:`load_equivalences`), a plain mapping
    ``{group name: [codes]}``, or None for none (participants then match by name only).

    >>> from flowlib import parse
    >>> a = parse("@startuml\\n== go ==\\nA -> Q: ask B\\nB -> Q: read\\n@enduml")
    >>> b = parse("@startuml\\n== go ==\\nA -> B: ask B\\n@enduml")
    >>> [c.kind for c in diff_flows(a, b, {}).messages]
    ['rerouted', 'removed']
    """
    eq = _equivalences(equivalences)
    participants = _participant_changes(old, new, eq)
    pairs = _match(old, new, eq)
    return FlowDiff(old, new, participants, _ordered(old, new, pairs))


def _equivalences(value) -> Equivalences:
    if value is None:
        return Equivalences()
    if isinstance(value, Equivalences):
        return value
    return Equivalences(tuple((str(k), tuple(str(m) for m in v)) for k, v in value.items()))


def _participant_changes(old: Diagram, new: Diagram, eq: Equivalences) -> tuple[ParticipantChange, ...]:
    new_keys = {normalise_key(p.code): p.code for p in new.participants}
    old_keys = {normalise_key(p.code): p.code for p in old.participants}
    changes: list[ParticipantChange] = []
    placed_new: set[str] = set()
    for p in old.participants:
        key = normalise_key(p.code)
        if key in new_keys:
            changes.append(ParticipantChange("same", (p.code,), (new_keys[key],), eq.group_of(p.code)))
            placed_new.add(new_keys[key])
            continue
        group = eq.group_of(p.code)
        partners = tuple(
            q.code for q in new.participants
            if group is not None and eq.group_of(q.code) == group and normalise_key(q.code) not in old_keys
        )
        if partners:
            changes.append(ParticipantChange("equivalent", (p.code,), partners, group))
            placed_new.update(partners)
        else:
            changes.append(ParticipantChange("removed", (p.code,), (), group))
    for q in new.participants:
        if q.code not in placed_new:
            changes.append(ParticipantChange("added", (), (q.code,), eq.group_of(q.code)))
    return tuple(changes)


def _phase_key(phase: str | None) -> str | None:
    return phase.strip().casefold() if phase is not None else None


@dataclass(frozen=True, slots=True)
class _Pair:
    kind: str
    old: Message
    new: Message
    similarity: float


def _classify(a: Message, b: Message, eq: Equivalences) -> tuple[str, float, float] | None:
    """(kind, score, similarity) of a possible match, or None when the two cannot match."""
    ends_a = (eq.canonical(a.source), eq.canonical(a.target))
    ends_b = (eq.canonical(b.source), eq.canonical(b.target))
    ratio = label_similarity(a.label, b.label)
    if ends_a == ends_b and not eq.is_relay(a.target) and not eq.is_relay(a.source):
        if normalise_label(a.label) == normalise_label(b.label):
            return "unchanged", 4.0, 1.0
        return "changed", 2.0 + ratio, ratio
    kept = any(
        x == y or eq.is_relay(u) or eq.is_relay(v)
        for x, y, u, v in zip(ends_a, ends_b, (a.source, a.target), (b.source, b.target))
    )
    if kept and ratio >= REROUTED_MIN:
        return "rerouted", 1.0 + ratio, ratio
    if ratio >= MOVED_MIN:
        return "rerouted", ratio, ratio
    return None


def _match(old: Diagram, new: Diagram, eq: Equivalences) -> list[_Pair]:
    candidates = []
    by_phase: dict = {}
    for b in new.messages:
        by_phase.setdefault(_phase_key(b.phase), []).append(b)
    for a in old.messages:
        for b in by_phase.get(_phase_key(a.phase), ()):
            found = _classify(a, b, eq)
            if found is not None:
                kind, score, ratio = found
                candidates.append((-score, a.step, b.step, kind, ratio, a, b))
    candidates.sort(key=lambda c: c[:3])
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs = []
    for _, step_a, step_b, kind, ratio, a, b in candidates:
        if step_a in used_old or step_b in used_new:
            continue
        used_old.add(step_a)
        used_new.add(step_b)
        pairs.append(_Pair(kind, a, b, round(ratio, 3)))
    return pairs


def _ordered(old: Diagram, new: Diagram, pairs: list[_Pair]) -> tuple[MessageChange, ...]:
    """Rows phase by phase (old phases first); within a phase in new-flow order, each removed old
    message placed after the row of the old message before it."""
    phase_rank: dict = {}
    for m in (*old.messages, *new.messages):
        phase_rank.setdefault(_phase_key(m.phase), len(phase_rank))
    matched_old = {p.old.step: p for p in pairs}
    matched_new = {p.new.step: p for p in pairs}
    rows = []
    for b in new.messages:
        pair = matched_new.get(b.step)
        if pair is None:
            change = MessageChange("added", b.phase, None, b.step, None, message_text(b))
        else:
            a = pair.old
            change = MessageChange(pair.kind, b.phase, a.step, b.step, message_text(a), message_text(b),
                                   pair.similarity)
        rows.append(((phase_rank[_phase_key(b.phase)], float(b.step), 0, b.step), change))
    anchor = 0.0  # new step of the last matched old message seen, within its phase
    current = object()
    for a in old.messages:
        if _phase_key(a.phase) != current:
            current = _phase_key(a.phase)
            anchor = 0.0
        pair = matched_old.get(a.step)
        if pair is not None:
            anchor = float(pair.new.step) if _phase_key(pair.new.phase) == current else anchor
            continue
        change = MessageChange("removed", a.phase, a.step, None, message_text(a), None)
        rows.append(((phase_rank[current], anchor, 1, a.step), change))
    rows.sort(key=lambda r: r[0])
    return tuple(change for _, change in rows)


# ---------------------------------------------------------------------------------------------------
# Text

_SIGNS = {"unchanged": "=", "changed": "~", "rerouted": ">", "removed": "-", "added": "+"}


def _row_text(change: MessageChange) -> str:
    sign = _SIGNS[change.kind]
    if change.kind == "added":
        return f"  {sign} {change.kind:<9}       #{change.new_step:<3} {change.new}\n"
    if change.kind == "removed":
        return f"  {sign} {change.kind:<9} #{change.old_step:<3}       {change.old}\n"
    head = f"  {sign} {change.kind:<9} #{change.old_step:<3} #{change.new_step:<3} "
    if change.kind == "unchanged":
        return head + f"{change.new}\n"
    return head + f"{change.old}\n{'':<30}=> {change.new}\n"


def _phase_lines(diff: FlowDiff, phase) -> list[str]:
    counts = ", ".join(f"{n} {k}" for k, n in diff.counts(phase).items() if n)
    lines = [f"== {phase if phase is not None else '(no phase)'} == ({counts})\n"]
    lines += [_row_text(c) for c in diff.phase(phase) if c.kind != "unchanged"]
    return lines


def _summary_lines(diff: FlowDiff, phases: bool = True) -> list[str]:
    lines = [
        f"old: {diagram_name(diff.old)} ({count_noun(len(diff.old.participants), 'participant')}, "
        f"{count_noun(len(diff.old.messages), 'message')})\n",
        f"new: {diagram_name(diff.new)} ({count_noun(len(diff.new.participants), 'participant')}, "
        f"{count_noun(len(diff.new.messages), 'message')})\n",
    ]
    pcounts = {k: sum(1 for p in diff.participants if p.kind == k) for k in PARTICIPANT_KINDS}
    lines.append("participants: " + ", ".join(f"{n} {k}" for k, n in pcounts.items()) + "\n")
    for p in diff.participants:
        if p.kind == "equivalent":
            lines.append(f"  ~ {', '.join(p.old)} => {', '.join(p.new)} ({p.group})\n")
    if diff.participants_removed:
        lines.append(f"  - removed: {', '.join(diff.participants_removed)}\n")
    if diff.participants_added:
        lines.append(f"  + added:   {', '.join(diff.participants_added)}\n")
    lines.append("messages: " + ", ".join(f"{n} {k}" for k, n in diff.counts().items()) + "\n")
    for phase in diff.phases if phases else ():
        lines += _phase_lines(diff, phase)
    return lines
