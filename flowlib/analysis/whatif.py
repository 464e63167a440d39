"""What if a component fails: which messages fail, which never happen, which phases cannot complete.

Rule 1: the messages are played in diagram order; each participant is one thread of work. A message
gets one status (:data:`STATUSES`) by the first rule that applies:

1. ``fails`` when its sender is down;
2. ``never`` when its sender is *blocked* (rule 2), when it *missed* the first request or cast it
   was sent (that message failed on the way, so it lacks what it needed), or when the last request
   or cast it received, which set it to work, failed or never happened. Answers set nobody to work
   (rule 2 handles a missing one).
   A participant that receives nothing before it first speaks acts on its own (the client, a timer,
   a worker watching a queue);
3. ``fails`` when its receiver is down, when it travels through a component that is down (a
   scenario's ``carries``), when it is a failing condition (a scenario's ``messages``), or when it is
   a request to a participant that is blocked or missed its first message (nobody answers);
4. otherwise it happens (``ok``).

Rule 2 (blocking): the sender of a failed synchronous request waits for an answer that never comes
and is *blocked*: it sends nothing more. So is a participant whose pending request goes unanswered
because the reply fails or never happens. Casts (``rpc.cast``, ``->>``), replies and notifications
block nobody.

Rule 3 (failure paths): an ``alt`` with ``else`` branches is a failure path the diagram knows. When a
message of its first branch fails while its sender is up, the sender handles the error instead of
blocking: the rest of the first branch never happens and one else branch is ``taken`` (the scenario's
``branch``, or the first). Else branches not taken are ``not_taken``; if the first branch merely never
happens, the whole ``alt`` never happens.

Rule 4 (recovery): a failure path taken either *recovers* or ends that part of the flow. It recovers
when every one of its steps happens and the flow goes on after the ``end``: at least one participant
of the first branch speaks again after it, and the first message each such participant sends there
happens (as after a retry on another server, when the work goes on there). Otherwise (no server left to
try, a timeout) nothing carries on what the first branch started. The steps of a recovered first
branch that failed or never happened are made good by the failure path: they keep their status, but
their phase can still complete. A phase *cannot complete* when one of its steps fails or never
happens and is not made good that way.

This module computes; its tables, HTML and drawings are in :mod:`flowlib.views.impact`, the explorer
in :mod:`flowlib.widgets.whatif`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flowlib.analysis.arrows import arrow_kind
from flowlib.reading.yamlfile import load_yaml, require
from flowlib.analysis.wording import diagram_name
from flowlib.errors import DiagramError
from flowlib.model import Diagram, GroupElse, GroupEnd, GroupStart, Message

__all__ = [
    "STATUSES",
    "Scenario",
    "StepStatus",
    "Impact",
    "load_scenarios",
    "what_if",
]

#: Message statuses, in report order.
STATUSES = ("ok", "fails", "never", "taken", "not_taken")

_CAST = re.compile(r"\bcast\b|\brpc\.cast\b|\bnotif", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Scenario:
    """One failure scenario, as :func:`load_scenarios` reads it.

    id: a short unique name. component: what fails, as a person names it. participants: codes that are
    down. carries: a regular expression; messages whose label matches travel through the component and
    fail with it. messages: regular expressions for messages that fail (a condition rather than a
    component). branch: the else label to take when the failure sends the flow into an ``alt``'s else
    branch. state: the final state of what the flow was building. user_sees: what its user sees.
    then: how it went in an earlier version of the flow. references: pages that document it.

    >>> Scenario("queue", "The queue", participants=("Queue",)).is_condition
    False
    """

    id: str
    component: str
    participants: tuple[str, ...] = ()
    carries: str | None = None
    messages: tuple[str, ...] = ()
    branch: str | None = None
    state: str = ""
    user_sees: str = ""
    then: str | None = None
    references: tuple[str, ...] = ()
    line: int = 0

    @property
    def is_condition(self) -> bool:
        """True for a failing condition (``messages`` only, such as "no host has room"), False for a
        component that goes down."""
        return bool(self.messages) and not self.participants and not self.carries


@dataclass(frozen=True, slots=True)
class StepStatus:
    """The fate of one step: ``status`` in :data:`STATUSES` and why (empty for ``ok``)."""

    step: int
    status: str
    reason: str = ""


@dataclass(frozen=True)
class Impact:
    """What a failure does to a flow (see :func:`what_if`).

    taken_branches: the else labels of the failure paths taken; recovered_branches: those after which
    the flow goes on (rule 4); recovered_steps: the steps that failed or never happened in the first
    branches those failure paths make good.
    """

    diagram: Diagram
    failed: tuple[str, ...]
    scenarios: tuple[Scenario, ...]
    steps: tuple[StepStatus, ...]
    blocked: tuple[tuple[str, int], ...] = ()
    taken_branches: tuple[str, ...] = ()
    recovered_branches: tuple[str, ...] = ()
    recovered_steps: tuple[int, ...] = ()
    _by_step: dict = field(default=None, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_step", {s.step: s for s in self.steps})

    def status(self, step: int) -> str:
        """The status of ``step``.

        >>> from flowlib import parse
        >>> what_if(parse("Alice -> Bob: hi"), "Bob").status(1)
        'fails'
        """
        return self._by_step[step].status

    def reason(self, step: int) -> str:
        """Why ``step`` has its status ("" when it happens).

        >>> from flowlib import parse
        >>> what_if(parse("Alice -> Bob: hi"), "Bob").reason(1)
        'Bob is down'
        """
        return self._by_step[step].reason

    def steps_with(self, *statuses: str) -> tuple[int, ...]:
        """The steps having one of ``statuses``, in order.

        >>> from flowlib import parse
        >>> what_if(parse("Alice -> Bob: hi\\nAlice -> Carol: hi"), "Carol").steps_with("ok")
        (1,)
        """
        unknown = set(statuses) - set(STATUSES)
        if unknown:
            raise ValueError(f"unknown status {sorted(unknown)[0]!r}; expected one of {', '.join(STATUSES)}")
        return tuple(s.step for s in self.steps if s.status in statuses)

    @property
    def failing_steps(self) -> tuple[int, ...]:
        """Steps that are attempted and fail."""
        return self.steps_with("fails")

    @property
    def never_steps(self) -> tuple[int, ...]:
        """Steps that never happen because of the failure."""
        return self.steps_with("never")

    @property
    def taken_steps(self) -> tuple[int, ...]:
        """Steps of the failure paths (else branches) the failure sends the flow into."""
        return self.steps_with("taken")

    @property
    def highlighted_steps(self) -> tuple[int, ...]:
        """The steps a view should mark: those that fail or never happen."""
        return self.steps_with("fails", "never")

    @property
    def incomplete_phases(self) -> tuple[str, ...]:
        """Phases with at least one step that fails or never happens and that no recovering failure path
        makes good (:attr:`recovered_steps`), in diagram order."""
        bad = set(self.highlighted_steps) - set(self.recovered_steps)
        phases: dict[str, None] = {}
        for m in self.diagram.messages:
            if m.step in bad and m.phase is not None:
                phases.setdefault(m.phase, None)
        return tuple(phases)

    @property
    def completes(self) -> bool:
        """True when every step happens as normal: no failure, no failure path."""
        return not self.steps_with("fails", "never", "taken")

    @property
    def user_sees(self) -> str:
        """What the user sees, from the scenarios (empty without one)."""
        return "\n\n".join(s.user_sees for s in self.scenarios if s.user_sees)

    @property
    def state(self) -> str:
        """The final state of what the flow builds, from the scenarios (empty without one)."""
        return "; ".join(s.state for s in self.scenarios if s.state)

    @property
    def title(self) -> str:
        """ "What if Store fails", "What if A and B fail", "What if no server has room (Full)".

        >>> from flowlib import parse
        >>> what_if(parse("Alice -> Bob: hi"), "Bob").title
        'What if Bob fails'
        """
        return _title(self)

    @property
    def paths_text(self) -> str:
        """The failure paths taken, ``;``-separated, each marked when the flow goes on after it."""
        return _paths_text(self)

    def counts(self) -> dict[str, int]:
        """Number of steps of each status, every status present, in :data:`STATUSES` order.

        >>> from flowlib import parse
        >>> what_if(parse("Alice -> Bob: hi"), "Bob").counts()["fails"]
        1
        """
        return {status: sum(1 for s in self.steps if s.status == status) for status in STATUSES}

    def summary(self) -> str:
        """A readable report: what failed, counts, incomplete phases, each affected step, what the user sees.

        >>> from flowlib import parse
        >>> print(what_if(parse("Alice -> Bob: hi"), "Bob").summary().splitlines()[0])
        What if Bob fails: (untitled)
        """
        return "".join(_summary_lines(self))


# ---------------------------------------------------------------------------------------------------
# Loading scenarios


def load_scenarios(path) -> tuple[Scenario, ...]:
    """Read failure scenarios from a YAML file (a ``scenarios`` list), checking keys, types and regexes.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "failures.yaml"
    >>> _ = path.write_text("scenarios:\\n  - id: store\\n    component: The store\\n"
    ...                     "    participants: [Store]\\n    state: lost\\n    user_sees: an error\\n")
    >>> [s.component for s in load_scenarios(path)]
    ['The store']
    """
    file = str(path)
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise DiagramError("expected a mapping with a 'scenarios' list", file=file, line=1)
    entries = require(data, "scenarios", list, file, "file")
    known = set(Scenario.__slots__) - {"line"}
    result = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise entries.error("each scenario must be a mapping", index)
        sid = require(entry, "id", str, file, "scenario")
        where = f"scenario {sid!r}"
        extra = set(entry) - known
        if extra:
            raise entry.error(f"{where}: unknown key {sorted(extra)[0]!r}", sorted(extra)[0], of_key=True)
        if sid in seen:
            raise entry.error(f"{where}: duplicate id", "id")
        seen.add(sid)
        for key in ("component", "state", "user_sees"):
            require(entry, key, str, file, where)
        for key in ("participants", "messages", "references"):
            if key in entry:
                require(entry, key, list, file, where)
        for key in ("carries", "branch", "then"):
            if key in entry and entry[key] is not None:
                require(entry, key, str, file, where)
        for pattern in [entry.get("carries")] + list(entry.get("messages", [])):
            if pattern is None:
                continue
            try:
                re.compile(pattern)
            except re.error as exc:
                raise entry.error(f"{where}: bad regular expression {pattern!r}: {exc}") from None
        if not (entry.get("participants") or entry.get("carries") or entry.get("messages")):
            raise entry.error(f"{where}: needs participants, carries or messages")
        result.append(
            Scenario(
                id=sid,
                component=entry["component"],
                participants=tuple(str(p) for p in entry.get("participants", [])),
                carries=entry.get("carries"),
                messages=tuple(str(p) for p in entry.get("messages", [])),
                branch=entry.get("branch"),
                state=entry["state"],
                user_sees=" ".join(entry["user_sees"].split()),
                then=" ".join(entry["then"].split()) if entry.get("then") else None,
                references=tuple(str(r) for r in entry.get("references", [])),
                line=entry.line,
            )
        )
    return tuple(result)


# ---------------------------------------------------------------------------------------------------
# The computation


def _key(name: str) -> str:
    return re.sub(r"[\s_-]+", "-", name.strip().casefold())


def _resolve(diagram: Diagram, failed, scenarios) -> tuple[set[str], list[Scenario]]:
    """Participant codes that are down, and the scenarios named, for the names in ``failed``."""
    names = [failed] if isinstance(failed, str) else sorted(failed, key=str)  # a set has no stable order
    codes_by_key = {_key(p.code): p.code for p in diagram.participants}
    codes_by_key.update({_key(p.display): p.code for p in diagram.participants if p.display})
    by_name = {}
    for s in scenarios:
        by_name.setdefault(_key(s.id), s)
        by_name.setdefault(_key(s.component), s)
    down: set[str] = set()
    chosen: list[Scenario] = []
    for name in names:
        key = _key(str(name))
        if key in codes_by_key:
            down.add(codes_by_key[key])
            for s in scenarios:  # a participant also brings in its scenario's story, when it has one
                if any(_key(p) == key for p in s.participants) and s not in chosen:
                    chosen.append(s)
                    break
        elif key in by_name:
            scenario = by_name[key]
            if scenario not in chosen:
                chosen.append(scenario)
        else:
            choices = sorted({p.code for p in diagram.participants} | {s.id for s in scenarios})
            raise ValueError(f"unknown component {name!r}: expected a participant or a scenario ({', '.join(choices)})")
    for s in chosen:
        down.update(codes_by_key[_key(p)] for p in s.participants if _key(p) in codes_by_key)
    return down, chosen


def _is_request(m: Message) -> bool:
    """A message whose sender waits for an answer: a request arrow that is not a cast or a notification."""
    return arrow_kind(m) in ("request", "self") and not _CAST.search(m.label)


@dataclass
class _Alt:
    """Play state of one alt with else branches."""

    else_labels: tuple
    branch: int = 0
    diverted: bool = False
    diverted_at: int = 0
    taken: int | None = None
    last_step: int = 0  # the last step inside the alt, in any branch
    first_branch: set = field(default_factory=set)  # participants of the first branch
    skipped: list = field(default_factory=list)  # steps of the first branch lost to the diversion
    taken_steps: list = field(default_factory=list)  # steps of the else branch taken


def what_if(diagram: Diagram, failed, scenarios=None) -> Impact:
    """What happens to ``diagram`` when ``failed`` fails (the module's rules).

    failed: a participant code, a scenario id or component name (see :func:`load_scenarios`), or a set
    of them. scenarios: the scenarios to draw on (default: :func:`load_scenarios`). An empty set gives
    the normal run: every step ``ok`` but else branches, ``not_taken``.

    >>> from flowlib import parse
    >>> d = parse("@startuml\\nA -> B: ask\\nB -> C: ask\\nC --> B: answer\\nB --> A: answer\\n@enduml")
    >>> [s.status for s in what_if(d, "C", ()).steps]
    ['ok', 'fails', 'fails', 'never']
    """
    scenarios = () if scenarios is None else tuple(scenarios)
    down, chosen = _resolve(diagram, failed, scenarios)
    carries = [re.compile(s.carries, re.IGNORECASE) for s in chosen if s.carries]
    conditions = [re.compile(p, re.IGNORECASE) for s in chosen for p in s.messages]
    wanted_branch = next((s.branch for s in chosen if s.branch), None)

    alts: dict[int, _Alt] = {}
    stack: list[int] = []  # group indexes, innermost last
    statuses: dict[int, StepStatus] = {}
    blocked: dict[str, int] = {}
    starved: dict[str, int] = {}  # participant -> step of the first message it was sent, which it missed
    contacted: set[str] = set()
    trigger: dict[str, tuple[str, int]] = {}  # participant -> (status, step) of the last message it was sent
    pending: dict[tuple[str, str], int] = {}  # (asker, asked) -> step of a request waiting for its answer
    taken_labels: list[str] = []

    def block(who: str | None, step: int) -> None:
        if who is not None and who not in down and who not in blocked:
            blocked[who] = step

    for event in diagram.events:
        if isinstance(event, GroupStart):
            stack.append(event.index)
            group = diagram.groups[event.index]
            if group.kind == "alt" and group.else_labels:
                alts[event.index] = _Alt(group.else_labels)
            continue
        if isinstance(event, GroupElse):
            if event.index in alts:
                alts[event.index].branch += 1
            continue
        if isinstance(event, GroupEnd):
            if stack and stack[-1] == event.index:
                stack.pop()
            continue
        if not isinstance(event, Message):
            continue
        m = event
        src, dst = m.source, m.target
        to_other = dst is not None and dst != src
        for index in stack:  # what rule 4 needs to know about each enclosing alt
            alt = alts.get(index)
            if alt is None:
                continue
            alt.last_step = m.step
            if alt.branch == 0:
                alt.first_branch.update(p for p in (src, dst) if p is not None)
            elif alt.branch == alt.taken:
                alt.taken_steps.append(m.step)

        # Rule 3: which branch of each enclosing alt is this message on?
        gate = None
        in_taken = False
        for index in stack:
            alt = alts.get(index)
            if alt is None:
                continue
            if alt.branch == 0 and alt.diverted:
                gate = StepStatus(m.step, "never", f"the error at step {alt.diverted_at} sent the flow into an else branch")
                alt.skipped.append(m.step)
                break
            if alt.branch > 0 and alt.taken != alt.branch:
                gate = StepStatus(m.step, "not_taken", "an else branch this run does not take")
                break
            if alt.branch > 0:
                in_taken = True
        if gate is not None:
            statuses[m.step] = gate
            if gate.status == "never" and to_other and arrow_kind(m) != "reply":
                trigger[dst] = ("never", m.step)  # the receiver was not set to work
            continue

        # Rule 1: the message's status, by the first rule that applies.
        cause = trigger.get(src) if src is not None else None
        missed = False  # True when the receiver does not get the message
        if src in down:
            status, reason, missed = "fails", f"{src} is down", True
        elif src in blocked:
            status, reason = "never", f"{src} is blocked since step {blocked[src]}"
        elif src in starved:
            status, reason = "never", f"{src} never got step {starved[src]}, the first message it was sent"
        elif not in_taken and cause is not None and cause[0] in ("fails", "never"):
            status = "never"
            reason = f"step {cause[1]}, which set {src} to work, {'failed' if cause[0] == 'fails' else 'never happened'}"
        elif dst in down:
            status, reason, missed = "fails", f"{dst} is down", True
        elif any(p.search(m.label) for p in carries):
            status, missed = "fails", True
            reason = "it travels through " + ", ".join(s.component for s in chosen if s.carries)
        elif any(p.search(m.label) for p in conditions):
            status = "fails"
            reason = "the failing condition: " + ", ".join(s.component for s in chosen if s.messages)
        elif _is_request(m) and to_other and (dst in blocked or dst in starved):
            status, reason = "fails", f"no answer: {dst} is {'blocked' if dst in blocked else 'missing what it needs'}"
        else:
            status, reason = ("taken" if in_taken else "ok"), ""

        # Rule 3 (diversion) or rule 2 (blocking) for a failure the sender sees.
        if status == "fails" and src not in down:
            alt_index = next(
                (i for i in reversed(stack) if i in alts and alts[i].branch == 0 and not alts[i].diverted), None
            )
            if alt_index is not None:
                alt = alts[alt_index]
                alt.diverted, alt.diverted_at = True, m.step
                alt.skipped.append(m.step)
                alt.taken = _choose_branch(alt.else_labels, wanted_branch)
                label = alt.else_labels[alt.taken - 1] or f"else branch {alt.taken}"
                taken_labels.append(label)
                reason += f"; handled: the flow takes the else branch \u201c{label}\u201d"
            elif _is_request(m):
                block(src, m.step)
        if status in ("fails", "never") and to_other and src is not None and (dst, src) in pending:
            block(dst, m.step)  # it was waiting for this answer
        if status in ("ok", "taken") and to_other and src is not None:
            pending.pop((dst, src), None)
            if _is_request(m):
                pending[(src, dst)] = m.step
        if to_other and arrow_kind(m) != "reply":  # an answer sets nobody to work; rule 2 covers a missing one
            if dst not in contacted:
                contacted.add(dst)
                if missed:
                    starved[dst] = m.step
            trigger[dst] = (status, m.step)
        statuses[m.step] = StepStatus(m.step, status, reason)

    steps = tuple(statuses[m.step] for m in diagram.messages)
    recovered_labels, recovered_steps = [], []
    for alt in alts.values():
        if alt.diverted and _recovers(alt, diagram, statuses):
            recovered_labels.append(alt.else_labels[alt.taken - 1] or f"else branch {alt.taken}")
            recovered_steps += alt.skipped
    order = {p.code: i for i, p in enumerate(diagram.participants)}
    return Impact(
        diagram,
        tuple(sorted(down, key=lambda c: order.get(c, len(order)))),
        tuple(chosen),
        steps,
        tuple(sorted(blocked.items(), key=lambda kv: (kv[1], order.get(kv[0], 0)))),
        tuple(taken_labels),
        tuple(recovered_labels),
        tuple(sorted(recovered_steps)),
    )


def _recovers(alt: _Alt, diagram: Diagram, statuses: dict[int, StepStatus]) -> bool:
    """Rule 4: True when the failure path taken in ``alt`` happens in full and the flow goes on after it."""
    if any(statuses[s].status in ("fails", "never") for s in alt.taken_steps):
        return False
    later = [m for m in diagram.messages if m.step > alt.last_step and statuses[m.step].status != "not_taken"]
    carrying_on = []
    for who in alt.first_branch:
        first = next((m for m in later if m.source == who), None)
        if first is not None:
            carrying_on.append(statuses[first.step].status)
    return bool(carrying_on) and all(status in ("ok", "taken") for status in carrying_on)


def _choose_branch(else_labels: tuple, wanted: str | None) -> int:
    """The 1-based else branch whose label contains ``wanted`` (case-insensitive), else the first."""
    if wanted:
        for number, label in enumerate(else_labels, start=1):
            if label and wanted.casefold() in label.casefold():
                return number
    return 1


# ---------------------------------------------------------------------------------------------------
# Text


def _summary_lines(impact: Impact) -> list[str]:
    from flowlib.analysis.wording import message_text

    lines = [f"{_title(impact)}: {diagram_name(impact.diagram, title_first=True)}\n"]
    lines.append(f"  down in this diagram: {', '.join(impact.failed) or '(no participant)'}\n")
    lines.append("  steps: " + ", ".join(f"{n} {k}" for k, n in impact.counts().items()) + "\n")
    if impact.taken_branches:
        lines.append("  failure path taken: " + _paths_text(impact) + "\n")
    lines.append(f"  phases that cannot complete: {', '.join(impact.incomplete_phases) or 'none'}\n")
    for status in ("fails", "taken", "never"):
        for step in impact.steps_with(status):
            m = impact.diagram.messages[step - 1]
            why = impact.reason(step)
            lines.append(f"  {status:<6} #{step:<3} {message_text(m)}{f'  [{why}]' if why else ''}\n")
    if impact.state:
        lines.append(f"  final state: {impact.state}\n")
    if impact.user_sees:
        lines.append(f"  the user sees: {impact.user_sees}\n")
    return lines


#: First words of a condition that read in lower case after "What if" (never a component's name).
_FUNCTION_WORDS = {"a", "an", "the", "no", "nobody", "nothing", "every", "some", "all", "none"}


def _as_clause(text: str) -> str:
    """A condition as it reads after "What if": "The chosen server cannot start" -> "the chosen server
    cannot start"; a leading name ("Bob does not answer Alice") keeps its capital."""
    first = text.split(" ", 1)[0]
    return text[0].lower() + text[1:] if first.casefold() in _FUNCTION_WORDS else text


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _title(impact: Impact) -> str:
    """ "What if Store fails", "What if A and B fail", "What if no server has room (Full)"."""
    display = {p.code: p.display or p.code for p in impact.diagram.participants}
    covered = {_key(p) for s in impact.scenarios for p in s.participants}
    things = [s.component for s in impact.scenarios if not s.is_condition]
    things += [display.get(code, code) for code in impact.failed if _key(code) not in covered]
    parts = [f"{_join(things)} {'fails' if len(things) == 1 else 'fail'}"] if things else []
    parts += [_as_clause(s.component) for s in impact.scenarios if s.is_condition]
    return f"What if {_join(parts)}" if parts else "What if nothing fails"


def _paths_text(impact: Impact) -> str:
    recovered = set(impact.recovered_branches)
    return "; ".join(f"{label} (the flow goes on after it)" if label in recovered else label
                     for label in impact.taken_branches)
