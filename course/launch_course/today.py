"""Then and now as data: the code behind each step of today's flow, and the bug hunt on the 2014 one.

data/today-references.yaml names, for every step of data/launch-instance-today.puml, the code or the
documentation that performs it; data/bughunt.yaml gives a verdict on every step of the 2014 diagram.
Both key their entries by step and repeat the step's message, which :func:`check_steps` compares
with the diagram, so that an edit of a diagram cannot leave an entry pointing at the wrong step.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flowlib.reading.yamlfile import load_yaml, require

from launch_course.course import label_protocol
from launch_course.files import content_path
from flowlib.analysis.wording import message_text
from flowlib.errors import DiagramError
from flowlib.model import Diagram
from flowlib.views.palette import text_color
from flowlib.analysis.wording import count_noun
from flowlib.views.display import Displayable
from flowlib.views.html import renderer

__all__ = [
    "VERDICTS",
    "PROJECTS",
    "StepReferences",
    "Verdict",
    "BugHuntResult",
    "load_references",
    "load_bughunt",
    "check_reference",
    "check_steps",
    "check_bughunt",
    "reference_url",
    "StepNarration",
    "reference_narration",
    "references_table",
]

#: Verdicts of the bug hunt; the learner should flag the last two.
VERDICTS = ("ok", "outdated", "wrong")

#: Projects a code reference may name (their repositories live at opendev.org/openstack/<project>).
PROJECTS = (
    "nova", "neutron", "cinder", "glance", "keystone", "keystonemiddleware", "keystoneauth", "placement",
    "os-brick", "os-vif", "oslo.messaging",
)

render = renderer("launch_course")  # the course's templates/*.html.j2, autoescaping on

_CODE_REF = re.compile(
    r"""(?P<project>[a-z][a-z.-]*)          # project, e.g. nova, os-brick, oslo.messaging
        :(?P<path>[a-z_][\w./-]*\.py)       # file in that repository
        ::(?P<symbol>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)   # Class, function or Class.method
    """,
    re.VERBOSE,
)
_DOC_REF = re.compile(r"https://[a-z0-9.-]+\.[a-z]{2,}(/[^\s<>\"]*)?")


def check_reference(ref: str) -> str | None:
    """None when ``ref`` is well formed, else what is wrong with it.

    >>> check_reference("nova:nova/conductor/manager.py::ComputeTaskManager._bury_in_cell0") is None
    True
    >>> check_reference("nova/conductor/manager.py:1561")
    "not a code reference (<project>:<path>.py::<symbol>) or an https:// URL: 'nova/conductor/manager.py:1561'"
    """
    if ref.startswith("https://"):
        return None if _DOC_REF.fullmatch(ref) else f"not a well-formed URL: {ref!r}"
    match = _CODE_REF.fullmatch(ref)
    if match is None:
        return f"not a code reference (<project>:<path>.py::<symbol>) or an https:// URL: {ref!r}"
    if match["project"] not in PROJECTS:
        return f"unknown project {match['project']!r} in {ref!r}; expected one of {', '.join(PROJECTS)}"
    if ".." in match["path"] or match["path"].startswith("/"):
        return f"the path must stay inside the repository: {ref!r}"
    return None


def reference_url(ref: str) -> str:
    """A browsable URL for a reference: documentation as is, code in its opendev repository.

    >>> reference_url("os-vif:vif_plug_ovs/ovs.py::OvsPlugin.plug")
    'https://opendev.org/openstack/os-vif/src/branch/master/vif_plug_ovs/ovs.py'
    """
    match = _CODE_REF.fullmatch(ref)
    if match is None:
        return ref
    return f"https://opendev.org/openstack/{match['project']}/src/branch/master/{match['path']}"


@dataclass(frozen=True, slots=True)
class StepReferences:
    """Where one step of today's flow happens: its message and its references."""

    step: int
    message: str
    refs: tuple[str, ...]
    line: int = 0


@dataclass(frozen=True, slots=True)
class Verdict:
    """The bug hunt's verdict on one 2014 step (see data/bughunt.yaml)."""

    step: int
    message: str
    verdict: str
    why: str
    refs: tuple[str, ...]
    today: tuple[int, ...] = ()
    line: int = 0
    called: tuple[str, ...] = ()

    @property
    def out_of_date(self) -> bool:
        """True when the learner should flag this step."""
        return self.verdict != "ok"


def _entries(path, key: str) -> tuple[str, Mapping]:
    path = content_path(path)
    file = str(path)
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise DiagramError(f"expected a mapping with a {key!r} mapping", file=file, line=1)
    entries = require(data, key, dict, file, "file")
    for step in entries:
        if not isinstance(step, int) or step < 1:
            raise entries.error(f"{key}: keys must be step numbers, not {step!r}", step, of_key=True)
    return file, entries


def _refs(entry, file: str, where: str) -> tuple[str, ...]:
    refs = require(entry, "refs", list, file, where)
    if not refs:
        raise entry.error(f"{where}: needs at least one reference", "refs")
    for ref in refs:
        problem = check_reference(str(ref))
        if problem:
            raise entry.error(f"{where}: {problem}")
    return tuple(str(r) for r in refs)


def load_references(path=None) -> dict[int, StepReferences]:
    """Read data/today-references.yaml (or ``path``): step -> :class:`StepReferences`, refs checked.

    >>> load_references()[28].refs[0]
    'nova:nova/conductor/manager.py::ComputeTaskManager._bury_in_cell0'
    """
    file, entries = _entries(path if path is not None else "today-references.yaml", "references")
    result = {}
    for step, entry in sorted(entries.items()):
        where = f"step {step}"
        message = require(entry, "message", str, file, where)
        result[step] = StepReferences(step, message, _refs(entry, file, where), entry.line)
    return result


def load_bughunt(path=None) -> dict[int, Verdict]:
    """Read data/bughunt.yaml (or ``path``): 2014 step -> :class:`Verdict`.

    >>> load_bughunt()[4].verdict
    'outdated'
    """
    file, entries = _entries(path if path is not None else "bughunt.yaml", "verdicts")
    result = {}
    for step, entry in sorted(entries.items()):
        where = f"step {step}"
        verdict = require(entry, "verdict", str, file, where)
        if verdict not in VERDICTS:
            raise entry.error(f"{where}: verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}", "verdict")
        today = entry.get("today", [])
        if not isinstance(today, list) or not all(isinstance(s, int) for s in today):
            raise entry.error(f"{where}: 'today' must be a list of step numbers", "today")
        called = entry.get("called", [])
        if not isinstance(called, list) or not all(isinstance(c, str) and c.strip() for c in called):
            raise entry.error(f"{where}: 'called' must be a list of names", "called")
        result[step] = Verdict(
            step, require(entry, "message", str, file, where), verdict,
            " ".join(require(entry, "why", str, file, where).split()), _refs(entry, file, where),
            tuple(today), entry.line, tuple(c.strip() for c in called),
        )
    return result


def check_steps(entries: Mapping[int, object], diagram: Diagram, file: str = "") -> list[str]:
    """Problems between entries keyed by step (with a ``message``) and the diagram: missing steps,
    extra steps, and messages that differ. An empty list means they agree.

    >>> from flowlib import parse
    >>> check_steps({}, parse("Alice -> Bob: hi"))
    [': no entry for step 1 (Alice -> Bob: hi)']
    """
    problems = []
    steps = {m.step: m for m in diagram.messages}
    for step in sorted(set(steps) - set(entries)):
        problems.append(f"{file}: no entry for step {step} ({message_text(steps[step])})")
    for step in sorted(set(entries) - set(steps)):
        problems.append(f"{file}: step {step} is not in the diagram")
    for step in sorted(set(entries) & set(steps)):
        want, have = message_text(steps[step]), entries[step].message
        if want != have:
            problems.append(f"{file}: step {step} says {have!r} but the diagram has {want!r}")
    return problems


@dataclass(frozen=True)
class BugHuntResult(Displayable):
    """The check of a learner's flags against the verdicts.

    found, false_alarms: the flagged steps that are out of date, and those still right, each with its
    verdict. missed: the out-of-date steps not flagged; their verdicts are shown only when ``reveal``
    is true, otherwise ``missed_by_phase`` gives a hint (how many per phase). unknown: whole numbers
    that are not steps of the diagram; invalid: the flags that are not whole numbers at all (as the
    learner wrote them), which the feedback explains.
    """

    flagged: tuple[int, ...]
    found: tuple[Verdict, ...]
    missed: tuple[Verdict, ...]
    false_alarms: tuple[Verdict, ...]
    unknown: tuple[int, ...] = ()
    missed_by_phase: tuple[tuple[str, int], ...] = ()
    reveal: bool = False
    invalid: tuple[str, ...] = ()

    @property
    def score(self) -> str:
        """``"found/total"`` of the out-of-date steps."""
        return f"{len(self.found)}/{len(self.found) + len(self.missed)}"

    @property
    def perfect(self) -> bool:
        """True when every out-of-date step is flagged and nothing else."""
        return not (self.missed or self.false_alarms or self.unknown or self.invalid)

    def _sections(self):
        missed = self.missed if self.reveal else ()
        # Titles in text colours with 4.5:1 contrast on white, of the same hues as the views' fills.
        return (("Found", self.found, text_color("#009E73")), ("Still right", self.false_alarms, text_color("#E69F00")),
                ("Missed", missed, text_color("#D62728")))

    def _hint(self) -> str:
        if not self.missed or self.reveal:
            return ""
        where = ", ".join(f"{phase} {n}" for phase, n in self.missed_by_phase)
        return f"Still to find: {len(self.missed)} ({where})."

    def _alarms_text(self) -> str:
        n = len(self.false_alarms)
        return f"{count_noun(n, 'flagged step')} {'is' if n == 1 else 'are'} still right"

    def _invalid_note(self) -> str:
        if not self.invalid:
            return ""
        return (f"Not step numbers: {', '.join(self.invalid)}. Flag the 2014 steps you think are out of "
                f"date by their numbers, as whole numbers in a list, for example flagged = [4, 9] "
                f"(a single step works too: flagged = 4).")

    def text(self) -> str:
        """The feedback as plain text, each verdict with its reason and first reference."""
        lines = [self._invalid_note()] if self.invalid else []
        lines.append(f"You found {self.score} out-of-date steps; {self._alarms_text()}.")
        if self.unknown:
            lines.append(f"Not steps of the 2014 diagram: {', '.join(map(str, self.unknown))}.")
        if self._hint():
            lines.append(self._hint())
        for title, rows, _ in self._sections():
            if rows:
                lines.append(f"{title}:")
                lines += [f"  #{v.step} {v.message} [{v.verdict}] {v.why} ({v.refs[0]})" for v in rows]
        return "\n".join(lines) + "\n"

    def _mime_types(self) -> dict:
        return {"text/html": self._repr_html_, "text/plain": self.text}

    def _repr_html_(self) -> str:
        return render("bughunt.html.j2", r=self, url=reference_url)

    def __str__(self) -> str:
        return self.text()


def _flags(flagged) -> tuple[list[int], list[str]]:
    """The step numbers in ``flagged`` (one number, or any collection of them) and, as written, the
    entries that are not whole numbers: a learner's typo becomes feedback, never a traceback."""
    def is_step(x) -> bool:
        return isinstance(x, numbers.Integral) and not isinstance(x, bool)

    if is_step(flagged):
        return [int(flagged)], []
    if isinstance(flagged, (str, bytes)) or not isinstance(flagged, Iterable):
        return [], [_shown(flagged)]
    steps, invalid = [], []
    try:
        for entry in flagged:
            if is_step(entry):
                steps.append(int(entry))
            else:
                invalid.append(_shown(entry))
    except Exception:  # an iterable that breaks on the way: report it whole
        return steps, invalid + [_shown(flagged)]
    return steps, invalid


def _shown(entry) -> str:
    text = repr(entry)
    return text if len(text) <= 40 else text[:37] + "..."


def check_bughunt(flagged: Iterable[int] | int, verdicts: Mapping[int, Verdict] | None = None, *,
                  diagram: Diagram | None = None, reveal: bool = False) -> BugHuntResult:
    """Compare the steps a learner flagged as out of date with the verdicts (default: data/bughunt.yaml).

    flagged: step numbers of the 2014 diagram, in a list (or any collection), or a single number.
    Entries that are not whole numbers are reported in the feedback (``invalid``) with an example of
    what is expected, never raised. Flagged steps get their verdict, reason and reference. Missed
    steps are counted per phase of ``diagram`` (default: the 2014 diagram), and listed with their
    verdicts only when ``reveal`` is true.

    >>> result = check_bughunt([4, 5, 9])
    >>> len(result.found), len(result.false_alarms)
    (3, 0)
    >>> check_bughunt(["x"]).text().splitlines()[0][:60]
    "Not step numbers: 'x'. Flag the 2014 steps you think are out"
    """
    verdicts = load_bughunt() if verdicts is None else verdicts
    if diagram is None:
        from flowlib import parse_file

        diagram = parse_file(content_path("launch-instance.puml"))
    steps, invalid = _flags(flagged)
    chosen = sorted(set(steps))
    unknown = tuple(s for s in chosen if s not in verdicts)
    found = tuple(verdicts[s] for s in chosen if s in verdicts and verdicts[s].out_of_date)
    alarms = tuple(verdicts[s] for s in chosen if s in verdicts and not verdicts[s].out_of_date)
    missed = tuple(v for s, v in sorted(verdicts.items()) if v.out_of_date and s not in chosen)
    phase_of = {m.step: m.phase or "(no phase)" for m in diagram.messages}
    by_phase: dict[str, int] = {}
    for v in missed:
        by_phase[phase_of.get(v.step, "(no phase)")] = by_phase.get(phase_of.get(v.step, "(no phase)"), 0) + 1
    return BugHuntResult(tuple(chosen), found, missed, alarms, unknown, tuple(by_phase.items()), reveal,
                         tuple(invalid))


# ---------------------------------------------------------------------------------------------------
# Today's steps in the player and in tables


@dataclass(frozen=True, slots=True)
class StepNarration:
    """What a step player shows for a step of today's flow (the fields of a course narration)."""

    what: str
    why: str = ""
    protocol: str = ""
    if_it_fails: str = ""
    now: str = ""


#: How the step player explains each protocol that :func:`launch_course.course.label_protocol` names.
_PROTOCOL_NOTES = {
    "RPC cast": "RPC cast (fire and forget, over the message queue)",
    "RPC call": "RPC call (waits for the reply, over the message queue)",
    "REST": "REST (HTTP)",
}


def _protocol(label: str) -> str:
    """The protocol of a label (the rule of :func:`flowlib.analysis.arrows.protocol_tag`), explained; "" if none."""
    name = label_protocol(label)
    return _PROTOCOL_NOTES.get(name, name or "")


def reference_narration(diagram: Diagram, refs: Mapping[int, StepReferences] | None = None) -> dict[int, StepNarration]:
    """step -> :class:`StepNarration` for today's flow: the message, its protocol and where it happens,
    ready for ``StepPlayer(diagram, narration=...)``.

    >>> from launch_course import load_course
    >>> reference_narration(load_course().today)[1].protocol
    'REST (HTTP)'
    """
    refs = load_references() if refs is None else refs
    result = {}
    for m in diagram.messages:
        entry = refs.get(m.step)
        where = ", ".join(f"`{r}`" for r in entry.refs) if entry else ""
        result[m.step] = StepNarration(
            what=f"{message_text(m)}.", protocol=_protocol(m.label), now=f"Done by {where}." if where else ""
        )
    return result


def references_table(diagram: Diagram, refs: Mapping[int, StepReferences] | None = None, *,
                     phase: str | None = None):
    """One row per step (of one phase, or all): step, phase, message, references (a pandas DataFrame).

    >>> from launch_course import load_course
    >>> references_table(load_course().today, phase="auth")[["step", "phase"]].values.tolist()
    [[1, 'auth'], [2, 'auth'], [3, 'auth']]
    """
    import pandas as pd

    refs = load_references() if refs is None else refs
    messages = [m for m in diagram.messages if phase is None or m.phase == phase]
    return pd.DataFrame(
        {
            "step": pd.array([m.step for m in messages], dtype="Int64"),
            "phase": pd.Series([m.phase for m in messages], dtype="string"),
            "message": pd.Series([message_text(m) for m in messages], dtype="string"),
            "references": pd.Series(
                ["; ".join(refs[m.step].refs) if m.step in refs else "" for m in messages], dtype="string"
            ),
        }
    )
