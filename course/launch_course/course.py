"""Course content as data: phases, narration, quizzes and exercises, with answers computed from the diagram.

Rule 1: a flow fact is never typed into the content. Where a quiz answer or an exercise's expected value
is about the diagram (who sends what, how many, which protocol), the YAML holds a small named query
(:data:`QUERIES`) and the value is computed from the parsed diagram, so content and diagram cannot drift
apart silently: ``tests/test_course.py`` checks every computed answer against the choices.

Rule 2: this module needs only PyYAML and the parser; pandas is imported by exercise solutions, never here.
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit


from flowlib.analysis.arrows import protocol_tag
from flowlib.errors import DiagramError
from flowlib.reading.yamlfile import Located, Mapping, Sequence, load_yaml
from flowlib.model import Diagram, Message
from flowlib.analysis.wording import count_noun, message_text

from launch_course.files import CONTENT

#: The course's content folder (package data).
DEFAULT_DATA_DIR = Path(str(CONTENT))

#: The seed diagram the course teaches, inside the data folder.
DIAGRAM_FILE = "launch-instance.puml"

#: Today's flow, inside the data folder: what the ``today`` quiz bank (08-then-and-now) is answered from.
TODAY_FILE = "launch-instance-today.puml"

#: The course's phases in teaching order; the seed diagram's ``== dividers ==`` use the same names.
PHASE_ORDER = ("auth", "scheduling", "image", "network", "volume", "metadata", "status")

#: Quiz bank of the capstone (``Course.quiz(None)``) and exercise set of the capstone.
REVIEW = "review"
CAPSTONE = "capstone"

#: Quiz bank of 00-overview: a warm-up on the whole 2014 flow.
OVERVIEW = "overview"

#: Quiz bank of 08-then-and-now: its flow questions are answered from today's flow (:data:`TODAY_FILE`).
TODAY = "today"

#: What a quiz question's ``phase`` may name besides a phase: the banks that are not one phase's.
QUIZ_BANKS = (OVERVIEW, REVIEW, TODAY)

#: How a narration may name a step's protocol.
PROTOCOLS = ("REST", "RPC cast", "RPC call", "message queue", "SQL", "LDAP", "Ceph", "socket", "local")

#: Hosts a reference may point at: OpenStack's documentation and the projects it builds on.
REFERENCE_HOSTS = ("docs.openstack.org", "docs.ceph.com", "libvirt.org", "opendev.org")

#: Environment variable that shows exercise solutions (instructors): ``COURSE_SOLUTIONS=1``.
SOLUTIONS_ENV = "COURSE_SOLUTIONS"


# ------------------------------------------------------------------------------------------ records


@dataclass(frozen=True, slots=True)
class PhaseInfo:
    """One phase of the course: name, the diagram's divider text (``auth``), and its title.

    The phase's prose (summary, objectives, estimated time, then and now, references) is written in its
    notebook's source, ``course/notebooks/NN-name.md``, and nowhere else.
    """

    name: str
    title: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class Narration:
    """What the step player says at one step.

    message: ``"Source -> Target: label"`` as in the diagram (``-->`` for a dotted arrow).
    protocol: one of :data:`PROTOCOLS`. now: how current OpenStack differs, opened by the headline of
    the step's verdict in ``bughunt.yaml`` (``"Wrong even in 2014."``). verdict: that verdict ("" when
    the content has no bug hunt).
    """

    step: int
    message: str
    what: str
    why: str
    protocol: str
    if_it_fails: str
    now: str = ""
    line: int = 0
    verdict: str = ""


@dataclass(frozen=True, slots=True)
class Feedback:
    """The verdict on an answer, with a message for the learner."""

    correct: bool
    message: str


@dataclass(frozen=True, slots=True)
class Query:
    """A named question to the diagram, such as ``count`` with ``{"phase": "network", "participant": "MQ"}``.

    args: the filter and option pairs, sorted, with lists frozen to tuples. origin: ``file:line`` of the
    content that holds it, for error messages.
    """

    name: str
    args: tuple[tuple[str, Any], ...] = ()
    origin: str = ""

    def evaluate(self, diagram: Diagram):
        """The query's value for ``diagram``: an int, a str, or a tuple of ints or strs."""
        return QUERIES[self.name](diagram, dict(self.args), self)

    def describe(self) -> str:
        """The query as one line of text: ``count(phase='network', participant='MQ')``."""
        inner = ", ".join(f"{k}={v!r}" for k, v in self.args)
        return f"{self.name}({inner})"


@dataclass(frozen=True, slots=True)
class Question:
    """A quiz question with its choices.

    Either ``fixed`` (a conceptual question's answer, one of the choices) or ``query`` (a flow question,
    answered from the diagram) is set, never both. feedback: extra text for tempting wrong choices.
    """

    id: str
    phase: str
    prompt: str
    choices: tuple[str, ...]
    explanation: str
    fixed: str | None = None
    query: Query | None = None
    feedback: tuple[tuple[str, str], ...] = ()
    line: int = 0

    @property
    def computed(self) -> bool:
        """True when the right answer comes from the diagram."""
        return self.query is not None

    def answer(self, diagram: Diagram) -> str:
        """The right choice: the fixed answer, or the query's value for ``diagram`` as text."""
        if self.query is None:
            return self.fixed
        return _as_choice(self.query.evaluate(diagram))


@dataclass(frozen=True, slots=True)
class Exercise:
    """A hands-on pandas exercise on a phase's message table.

    solution: Python source for instructors; run with ``diagram`` in scope, it sets ``answer``.
    ordered: whether a list answer must come in order. mistakes: (wrong value, targeted hint) pairs.
    too_big, too_small: for a number, the hint for a count above (below) the expected one, given instead
    of the general hints, which must then not push either way ("" when none).
    """

    id: str
    phase: str
    title: str
    prompt: str
    hints: tuple[str, ...]
    solution: str
    query: Query
    ordered: bool = False
    mistakes: tuple[tuple[Any, str], ...] = ()
    too_big: str = ""
    too_small: str = ""
    line: int = 0

    def expected(self, diagram: Diagram):
        """The expected value, computed from ``diagram`` by the exercise's query."""
        return self.query.evaluate(diagram)


class QueryError(ValueError):
    """A query that cannot be answered from this diagram (no match where one was needed, or a tie)."""


# ------------------------------------------------------------------------------------ the diagram side


# How the course names the protocols that flowlib.analysis.arrows.protocol_tag finds in labels.
_COURSE_PROTOCOLS = {"rpc.cast": "RPC cast", "rpc.call": "RPC call", "REST": "REST", "HTTP": "REST"}


def label_protocol(label: str) -> str | None:
    """The protocol a label names, in the course's words (``RPC cast``, ``RPC call``, ``REST``, ...), or None.

    The rule is flowlib.analysis.arrows.protocol_tag's (the same as the messages table's ``protocol`` column);
    only the spelling differs.

    >>> label_protocol("[rpc.cast] to request new instance"), label_protocol("http rest 169.254.169.254")
    ('RPC cast', 'REST')
    """
    tag = protocol_tag(label)
    return _COURSE_PROTOCOLS.get(tag, tag)


FILTERS = ("phase", "source", "target", "participant", "between", "label", "label_contains", "protocol", "dotted")
FIELDS = ("source", "target", "participant", "phase", "label", "step")


def _one_of(value, wanted) -> bool:
    return value in wanted if isinstance(wanted, tuple) else value == wanted


def _matches(m: Message, f: dict) -> bool:
    if "phase" in f and not _one_of(m.phase, f["phase"]):
        return False
    if "source" in f and not _one_of(m.source, f["source"]):
        return False
    if "target" in f and not _one_of(m.target, f["target"]):
        return False
    if "participant" in f and not (_one_of(m.source, f["participant"]) or _one_of(m.target, f["participant"])):
        return False
    if "between" in f:
        a, b = f["between"]
        if not ((_one_of(m.source, a) and _one_of(m.target, b)) or (_one_of(m.source, b) and _one_of(m.target, a))):
            return False
    if "label" in f and m.label != f["label"]:
        return False
    if "label_contains" in f and f["label_contains"].lower() not in m.label.lower():
        return False
    if "protocol" in f and label_protocol(m.label) != f["protocol"]:
        return False
    if "dotted" in f and m.dotted != f["dotted"]:
        return False
    return True


def _select(diagram: Diagram, f: dict) -> list[Message]:
    return [m for m in diagram.messages if _matches(m, {k: v for k, v in f.items() if k in FILTERS})]


def _values(messages: list[Message], field: str) -> list:
    if field == "participant":
        return [who for m in messages for who in (m.source, m.target) if who is not None]
    return [getattr(m, field) for m in messages]


def _only(diagram: Diagram, f: dict, q: Query) -> Message:
    found = _select(diagram, f)
    if len(found) != 1:
        steps = ", ".join(str(m.step) for m in found) or "none"
        raise QueryError(f"{q.origin}: {q.describe()} needs exactly one matching message; steps: {steps}")
    return found[0]


def _end(which: str, side: str) -> Callable:
    def query(diagram: Diagram, f: dict, q: Query) -> str:
        found = _select(diagram, f)
        if not found:
            raise QueryError(f"{q.origin}: {q.describe()} matches no message")
        return getattr(found[0] if which == "first" else found[-1], side)

    return query


def _most_common(diagram: Diagram, f: dict, q: Query) -> str:
    ranked = Counter(_values(_select(diagram, f), f["field"])).most_common()
    if not ranked:
        raise QueryError(f"{q.origin}: {q.describe()} matches no message")
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        raise QueryError(f"{q.origin}: {q.describe()} is a tie between {ranked[0][0]!r} and {ranked[1][0]!r}")
    return ranked[0][0]


def _distinct(diagram: Diagram, f: dict, q: Query) -> tuple:
    return tuple(dict.fromkeys(_values(_select(diagram, f), f["field"])))


def _first_steps(diagram: Diagram, f: dict, q: Query) -> tuple:
    """The step where each distinct value first appears, in that order (both ends count for participants)."""
    first: dict = {}
    for m in _select(diagram, f):
        for value in _values([m], f["field"]):
            first.setdefault(value, m.step)
    return tuple(first.values())


def _protocol_of(diagram: Diagram, f: dict, q: Query) -> str:
    message = _only(diagram, f, q)
    protocol = label_protocol(message.label)
    if protocol is None:
        raise QueryError(f"{q.origin}: step {message.step}'s label names no protocol: {message.label!r}")
    return protocol


#: The query vocabulary: name -> function(diagram, args, query). Filters (:data:`FILTERS`) select
#: messages; a value may be a list ("any of"). ``between: [A, B]`` matches either direction.
QUERIES: dict[str, Callable] = {
    "count": lambda d, f, q: len(_select(d, f)),
    "steps": lambda d, f, q: tuple(m.step for m in _select(d, f)),
    "source_of": lambda d, f, q: _only(d, f, q).source,
    "target_of": lambda d, f, q: _only(d, f, q).target,
    "label_of": lambda d, f, q: _only(d, f, q).label,
    "phase_of": lambda d, f, q: _only(d, f, q).phase,
    "step_of": lambda d, f, q: _only(d, f, q).step,
    "protocol_of": _protocol_of,
    "first_sender": _end("first", "source"),
    "first_receiver": _end("first", "target"),
    "last_sender": _end("last", "source"),
    "last_receiver": _end("last", "target"),
    "most_common": _most_common,
    "distinct": _distinct,
    "count_distinct": lambda d, f, q: len(_distinct(d, f, q)),
    "first_steps": _first_steps,
}

#: Queries that need a ``field`` argument (one of :data:`FIELDS`).
_FIELD_QUERIES = ("most_common", "distinct", "count_distinct", "first_steps")


# What a learner would observe (observe.yaml), for the diagram a question asks about: the flow is the
# diagram's file (launch-instance.puml is "2014"), the data the observe.yaml beside it.

#: What the observation queries may read: fields of :class:`launch_course.observe.Observation`.
OBSERVED_FIELDS = ("status", "vm_state", "task_state", "power_state", "port", "host", "fault")

#: Observation query -> its required arguments.
_OBSERVE_QUERIES = {
    "observed": ("step", "field"),
    "first_observed": ("field", "value"),
    "emitted_at": ("event",),
}


def _observations(diagram: Diagram, q: Query) -> dict:
    from launch_course.observe import FLOWS, _default

    file = Path(diagram.file or "")
    flow = next((f for f, name in FLOWS.items() if file.name == name), None)
    if flow is None:
        raise QueryError(f"{q.origin}: {q.describe()} needs one of the course's diagrams, not {file.name!r}")
    try:
        return _default(str(file.parent / "observe.yaml"), flow)
    except DiagramError as exc:
        raise QueryError(f"{q.origin}: {q.describe()} cannot read the observations: {exc}") from None


def _observed(diagram: Diagram, f: dict, q: Query) -> str:
    found = _observations(diagram, q).get(f["step"])
    if found is None:
        raise QueryError(f"{q.origin}: {q.describe()}: no step {f['step']}")
    return str(getattr(found, f["field"]))


def _first_observed(diagram: Diagram, f: dict, q: Query) -> int:
    for step, o in _observations(diagram, q).items():
        if str(getattr(o, f["field"])) == str(f["value"]):
            return step
    raise QueryError(f"{q.origin}: {q.describe()}: no step has it")


def _emitted_at(diagram: Diagram, f: dict, q: Query) -> int:
    for step, o in _observations(diagram, q).items():
        if any(n.event == f["event"] for n in o.notifications):
            return step
    raise QueryError(f"{q.origin}: {q.describe()}: no step emits it")


QUERIES.update(observed=_observed, first_observed=_first_observed, emitted_at=_emitted_at)


def _as_choice(value) -> str:
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return str(value)


# ---------------------------------------------------------------------------------------- the course


def _content(kind: str, path: Path):
    """A content file read once while it is unchanged: today's diagram, the scenarios, the equivalences, the
    glossary (frozen values, so every caller may share them; an edited file is read again).

    >>> _content("diagram", Path(DEFAULT_DATA_DIR) / TODAY_FILE) is _content("diagram", Path(DEFAULT_DATA_DIR) / TODAY_FILE)
    True
    """
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = None  # not cached: the loader reports the missing file as a located DiagramError
    if mtime is None:
        return _read_content.__wrapped__(kind, str(path), 0)
    return _read_content(kind, str(path), mtime)


@functools.lru_cache(maxsize=32)
def _read_content(kind: str, path: str, mtime_ns: int):
    from flowlib import parse_file
    from flowlib.analysis.diff import load_equivalences
    from flowlib.analysis.whatif import load_scenarios
    from launch_course.glossary import load_glossary

    loaders = {"diagram": parse_file, "scenarios": load_scenarios, "equivalences": load_equivalences,
               "glossary": load_glossary}
    return loaders[kind](path)


@dataclass(frozen=True, slots=True)
class Course:
    """The whole course: the parsed seed diagram and the content that goes with it."""

    diagram: Diagram
    phases: tuple[PhaseInfo, ...]
    narrations: tuple[Narration, ...]
    questions: tuple[Question, ...]
    all_exercises: tuple[Exercise, ...]
    data_dir: str = ""

    def phase(self, name: str) -> PhaseInfo:
        """The phase called ``name``; KeyError if there is none."""
        for info in self.phases:
            if info.name == name:
                return info
        raise KeyError(f"no phase {name!r}; phases: {', '.join(p.name for p in self.phases)}")

    def narration(self, step: int) -> Narration:
        """The narration of one step; KeyError if the step has none."""
        for narration in self.narrations:
            if narration.step == step:
                return narration
        raise KeyError(f"no narration for step {step}")

    def quiz(self, phase: str | None = None) -> tuple[Question, ...]:
        """The questions of one phase or bank (``"overview"``, ``"today"``), or of the capstone's
        cross-phase review when ``phase`` is None."""
        wanted = REVIEW if phase is None else phase
        return tuple(q for q in self.questions if q.phase == wanted)

    def diagram_for(self, bank: str | Question) -> Diagram:
        """The diagram whose flow a quiz bank (or a question's bank) asks about.

        The ``today`` bank asks about today's flow (:data:`TODAY_FILE`, parsed once while the file is
        unchanged); every other bank about the 2014 seed diagram, :attr:`diagram`. Pass it to ``Quiz`` and
        ``check_answer``.
        """
        bank = bank.phase if isinstance(bank, Question) else bank
        if bank != TODAY:
            return self.diagram
        return _content("diagram", Path(self.data_dir or DEFAULT_DATA_DIR) / TODAY_FILE)

    def exercises(self, phase: str | None) -> tuple[Exercise, ...]:
        """The exercises of one phase, or of the capstone when ``phase`` is None or ``"capstone"``."""
        wanted = CAPSTONE if phase is None else phase
        return tuple(e for e in self.all_exercises if e.phase == wanted)

    @property
    def components(self) -> dict:
        """``{participant code: Component}`` from ``data/components.yaml``."""
        from launch_course.components import load_components

        return load_components(Path(self.data_dir) / "components.yaml" if self.data_dir else None)

    @property
    def today(self) -> Diagram:
        """Today's flow (:data:`TODAY_FILE`), parsed once while the file is unchanged."""
        return self.diagram_for(TODAY)

    @property
    def scenarios(self) -> tuple:
        """The failure scenarios (``failures.yaml``) for :func:`flowlib.what_if` and its explorer."""

        return _content("scenarios", Path(self.data_dir or DEFAULT_DATA_DIR) / "failures.yaml")

    @property
    def equivalences(self):
        """Which participants of 2014 and today name one component (``equivalences.yaml``), for
        :func:`flowlib.diff_flows`."""
        return _content("equivalences", Path(self.data_dir or DEFAULT_DATA_DIR) / "equivalences.yaml")

    def narration_with_glossary(self, step: int):
        """The narration of ``step`` as HTML with its glossary terms in ``<abbr title=...>`` (a
        :class:`launch_course.glossary.GlossedNarration`, ``is_html`` true); pass the bound method as a
        step player's ``narration=``. KeyError if the step has none."""
        from launch_course.glossary import narration_with_glossary

        return narration_with_glossary(self.narration(step),
                                       _content("glossary", Path(self.data_dir or DEFAULT_DATA_DIR) / "glossary.yaml"))

    def observation(self, step: int, flow: str = "2014"):
        """What a learner would observe at ``step`` of ``flow`` ("2014" or "today"): a frozen
        :class:`launch_course.observe.Observation` (states, port, notifications, server event list,
        ``server_show()``, and a one-line ``text()``) for the step player's lane.

        >>> load_course().observation(72, flow="today").text()
        'step 72: ACTIVE (vm_state active, task_state None, power Running); port ACTIVE; emits instance.update, instance.create.end'
        """
        from launch_course.observe import observation

        return observation(step, flow, Path(self.data_dir or DEFAULT_DATA_DIR) / "observe.yaml")

    def observed_table(self, flow: str = "2014", phase: str | None = None):
        """The observations of one phase (or all) of ``flow`` as a pandas DataFrame, with the 2014 steps'
        verdicts from bughunt.yaml."""
        from launch_course.observe import observed_table

        return observed_table(flow, phase, Path(self.data_dir or DEFAULT_DATA_DIR) / "observe.yaml")

    def problems(self) -> tuple[str, ...]:
        """Every way the content disagrees with the diagram, one line each (empty when all is well)."""
        return tuple(_problems(self))


def load_course(data_dir: str | Path | None = None) -> Course:
    """Load the course from ``data_dir`` (default: the repository's ``data/``).

    Malformed content raises :class:`DiagramError` naming the file, line and entry.

    >>> load_course().narration(1).message
    'Client -> Keystone: Authentication Request'
    """
    from flowlib import parse_file

    folder = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    diagram = parse_file(str(folder / DIAGRAM_FILE))
    narrations = _with_verdicts(_read(folder / "narration.yaml", _narration, "step"), folder)
    return Course(
        diagram=diagram,
        phases=tuple(_read(folder / "phases.yaml", _phase, "name")),
        narrations=narrations,
        questions=tuple(_read(folder / "quiz.yaml", _question, "id")),
        all_exercises=tuple(_read(folder / "exercises.yaml", _exercise, "id")),
        data_dir=str(folder),
    )


def _with_verdicts(narrations: list[Narration], folder: Path) -> tuple[Narration, ...]:
    """Each narration with its step's verdict from bughunt.yaml, whose headline opens ``now``: the
    verdict is stated in one place and every player that shows the narration repeats it."""
    if not (folder / "bughunt.yaml").is_file():
        return tuple(narrations)
    from dataclasses import replace

    from launch_course.today import load_bughunt
    from launch_course.verdicts import load_wording

    verdicts, wording = load_bughunt(folder / "bughunt.yaml"), load_wording(folder / "bughunt.yaml")
    result = []
    for n in narrations:
        v = verdicts.get(n.step)
        if v is None:
            result.append(n)
            continue
        now = " ".join(part for part in (wording.headline(v.verdict), n.now) if part)
        result.append(replace(n, now=now, verdict=v.verdict))
    return tuple(result)


# ----------------------------------------------------------------------------------------- checking


def check_answer(question: Question, choice: str, diagram: Diagram) -> Feedback:
    """Judge a quiz choice: right or wrong, with the explanation (and any note on that wrong choice).

    >>> from launch_course import load_course
    >>> course = load_course()
    >>> question = course.quiz(course.diagram.phases[0])[0]
    >>> check_answer(question, question.answer(course.diagram), course.diagram).correct
    True
    """
    right = question.answer(diagram)
    explanation = question.explanation.format(answer=right).strip()
    chosen = str(choice).strip()
    if chosen == right:
        return Feedback(True, f"Right. {explanation}")
    if chosen not in question.choices:
        return Feedback(False, f"{chosen!r} is not one of the choices: {', '.join(question.choices)}.")
    note = dict(question.feedback).get(chosen, "")
    return Feedback(False, " ".join(part for part in ("Not quite.", note, explanation) if part))


def check_exercise(exercise: Exercise, value, diagram: Diagram, attempt: int = 1) -> Feedback:
    """Judge an exercise answer without giving the answer away; hints get more specific with ``attempt``.

    ``value`` may be a plain Python value or what pandas returns (a numpy number, a Series, an Index).

    >>> from launch_course import load_course
    >>> course = load_course()
    >>> exercise = next(e for e in course.exercises("auth") if e.id == "auth-keystone-sends")
    >>> check_exercise(exercise, 3, course.diagram).correct
    True
    >>> check_exercise(exercise, 999, course.diagram).message.split(" Hint:")[0]
    'You counted 999; the expected number is smaller.'
    """
    expected = exercise.expected(diagram)
    hint = exercise.hints[min(max(attempt, 1), len(exercise.hints)) - 1]
    value = _plain(value)
    verdict, message = _compare(expected, value, exercise.ordered)
    if verdict:
        return Feedback(True, f"Right: {message}")
    if _is_number(expected) and _is_number(value):
        hint = (exercise.too_big if value > expected else exercise.too_small) or hint
    for wrong, targeted in exercise.mistakes:
        if _same(wrong, value, exercise.ordered):
            hint = targeted
            break
    return Feedback(False, f"{message} Hint: {hint}")


def _is_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def run_solution(exercise: Exercise, diagram: Diagram):
    """Run an exercise's solution source with ``diagram`` in scope and return the ``answer`` it sets.

    >>> from launch_course import load_course
    >>> course = load_course()
    >>> exercise = next(e for e in course.exercises("auth") if e.id == "auth-keystone-sends")
    >>> run_solution(exercise, course.diagram)
    3
    """
    scope: dict[str, Any] = {"diagram": diagram}
    exec(compile(exercise.solution, f"<solution {exercise.id}>", "exec"), scope)
    if "answer" not in scope:
        raise QueryError(f"solution of {exercise.id!r} does not set 'answer'")
    return _plain(scope["answer"])


def show_solutions() -> bool:
    """True when solutions should be shown: the environment variable ``COURSE_SOLUTIONS`` is ``1``.

    >>> show_solutions() in (True, False)
    True
    """
    return os.environ.get(SOLUTIONS_ENV, "").strip() == "1"


def _plain(value):
    """pandas and numpy values as plain Python: Series and Index to lists, numpy scalars to int or str."""
    if hasattr(value, "columns") and hasattr(value, "shape"):
        return value  # a DataFrame: left alone so that _compare can say what to do with it
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _kind(value) -> str:
    if hasattr(value, "columns") and hasattr(value, "shape"):
        return f"a table with {count_noun(value.shape[0], 'row')}"
    if isinstance(value, list):
        return f"a list of {count_noun(len(value), 'value')}"
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a text"
    return f"a {type(value).__name__}"


def _same(expected, value, ordered: bool) -> bool:
    if isinstance(expected, (tuple, list)):
        if not isinstance(value, list):
            return False
        got, want = [str(v) for v in value], [str(v) for v in expected]
        return got == want if ordered else sorted(got) == sorted(want)
    if isinstance(expected, str):
        return isinstance(value, str) and value.strip().casefold() == expected.casefold()
    return isinstance(value, int) and not isinstance(value, bool) and value == expected


def _compare(expected, value, ordered: bool) -> tuple[bool, str]:
    if _same(expected, value, ordered):
        return True, "that is what the diagram says."
    if isinstance(expected, int):
        if not isinstance(value, int) or isinstance(value, bool):
            return False, f"The answer is a number, but you gave {_kind(value)} (try len(...) or .sum())."
        direction = "larger" if value < expected else "smaller"
        return False, f"You counted {value}; the expected number is {direction}."
    if isinstance(expected, str):
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
            return False, f"You gave a list holding {value[0]!r}; give the single name, and check which one it is."
        if not isinstance(value, str):
            return False, f"The answer is a name (text), but you gave {_kind(value)} (try .idxmax() or .iloc[0])."
        return False, f"{value!r} is not the one we are looking for."
    if not isinstance(value, list):
        return False, f"The answer is a list, but you gave {_kind(value)} (try .tolist())."
    got, want = [str(v) for v in value], [str(v) for v in expected]
    if sorted(got) == sorted(want):
        return False, "You have the right items, in the wrong order."
    if expected and all(_is_number(v) for v in expected) and any(isinstance(v, str) for v in value):
        return False, "The answer is a list of numbers (step numbers), but yours holds names."
    if not got:
        return False, "Your list is empty, but some items belong in the answer: check that your filter keeps any row."
    right = len(set(got) & set(want))
    extra = len(set(got) - set(want))
    if right == 0:
        return False, f"You listed {count_noun(len(got), 'item')}, and none of them belongs in the answer."
    text = f"You listed {count_noun(len(got), 'item')}: {right} {'belongs' if right == 1 else 'belong'} in the answer"
    text += f", {extra} {'does' if extra == 1 else 'do'} not" if extra else ""
    text += ", and some are missing." if right < len(set(want)) else "."
    return False, text


# ------------------------------------------------------------------------------------- reading YAML


class _Entry:
    """One YAML mapping of a content file, with errors that name the entry and point at the right line."""

    def __init__(self, data: Mapping, kind: str):
        self.data, self.kind, self.file = data, kind, data.file
        self.name = str(data.get("id", data.get("step", data.get("name", "?"))))

    @property
    def line(self) -> int:
        return self.data.line

    @property
    def origin(self) -> str:
        return f"{self.file}:{self.line}"

    def error(self, message: str, key=None, *, at: Located | None = None, of_key: bool = False) -> DiagramError:
        """A located error about this entry: at ``key`` (of ``at``, a nested mapping or list), else the entry."""
        where = at if at is not None else self.data
        text = f"{self.kind} {self.name!r}: {message}"
        return where.error(text) if key is None else where.error(text, key, of_key=of_key)

    def keys(self, required: tuple[str, ...], optional: tuple[str, ...] = ()):
        for key in self.data:
            if key not in required + optional:
                allowed = ", ".join(required + optional)
                raise self.error(f"unknown key {key!r} (allowed: {allowed})", key, of_key=True)
        missing = [key for key in required if key not in self.data]
        if missing:
            raise self.error(f"missing {', '.join(map(repr, missing))}")

    def text(self, key: str, *, one_line: bool = False, default: str | None = None) -> str:
        if key not in self.data and default is not None:
            return default
        value = self.data[key]
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{key!r} must be non-empty text", key)
        value = value.strip()
        if one_line and "\n" in value:
            raise self.error(f"{key!r} must be one line", key)
        return value

    def texts(self, key: str, *, minimum: int = 1) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error(f"{key!r} must be a list of non-empty texts", key)
        if len(value) < minimum:
            raise self.error(f"{key!r} needs at least {minimum} item(s), has {len(value)}", key)
        return tuple(v.strip() for v in value)

    def integer(self, key: str, minimum: int = 1) -> int:
        value = self.data[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self.error(f"{key!r} must be a whole number >= {minimum}", key)
        return value

    def query(self, key: str = "query") -> Query:
        value, node = self.data[key], key
        if not isinstance(value, dict) or len(value) != 1:
            raise self.error(f"{key!r} must be a mapping with one query name, e.g. count: {{phase: auth}}", node)
        ((name, args),) = value.items()
        if name not in QUERIES:
            raise self.error(f"unknown query {name!r} (known: {', '.join(QUERIES)})", node)
        args = {} if args is None else args
        if not isinstance(args, dict):
            raise self.error(f"the arguments of {name!r} must be a mapping of filters", node)
        if name in _OBSERVE_QUERIES:
            wanted = _OBSERVE_QUERIES[name]
            if set(args) != set(wanted):
                raise self.error(f"{name!r} takes exactly {', '.join(wanted)}", node)
            if "field" in args and args["field"] not in OBSERVED_FIELDS:
                raise self.error(f"{name!r}: 'field' is one of {', '.join(OBSERVED_FIELDS)}", node)
            return Query(name, tuple(sorted((k, _freeze(v)) for k, v in args.items())), origin=self.origin)
        allowed = FILTERS + (("field",) if name in _FIELD_QUERIES else ())
        for arg, arg_value in args.items():
            if arg not in allowed:
                raise self.error(f"unknown argument {arg!r} for {name!r} (allowed: {', '.join(allowed)})", node)
            if arg == "between" and not (isinstance(arg_value, list) and len(arg_value) == 2):
                raise self.error("'between' takes a list of two participants (or lists of them)", node)
            if arg == "dotted" and not isinstance(arg_value, bool):
                raise self.error("'dotted' takes true or false", node)
        if name in _FIELD_QUERIES and args.get("field") not in FIELDS:
            raise self.error(f"{name!r} needs a 'field': one of {', '.join(FIELDS)}", node)
        return Query(name, tuple(sorted((k, _freeze(v)) for k, v in args.items())), origin=self.origin)


def _freeze(value):
    return tuple(_freeze(v) for v in value) if isinstance(value, list) else value


def _read(path: Path, make: Callable[[_Entry], Any], unique: str) -> list:
    """The entries of one content file, each made by ``make``; ``unique`` names the field that must differ."""
    root = load_yaml(path)
    if not isinstance(root, Sequence):
        raise DiagramError("expected a list of entries (lines starting with '- ')", file=str(path), line=1)
    kind = make.__name__.strip("_")
    result, seen = [], {}
    for index, data in enumerate(root):
        if not isinstance(data, Mapping):
            raise root.error(f"each {kind} must be a mapping of keys", index)
        item = make(_Entry(data, kind))
        key = getattr(item, unique)
        if key in seen:
            raise data.error(f"duplicate {unique} {key!r} (first at line {seen[key]})")
        seen[key] = data.line
        result.append(item)
    return result


def reference_problem(url) -> str | None:
    """Why ``url`` is not an acceptable reference, or None: https, a known documentation host, a path.

    The rule for the phase notebooks' **References** (``tests/test_notebook_prose.py`` applies it).

    >>> reference_problem("http://example.com/page")
    "reference URL 'http://example.com/page' must start with https:// and name a host"
    """
    if not isinstance(url, str) or any(c.isspace() for c in url):
        return f"reference URL {url!r} must be text without spaces"
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return f"reference URL {url!r} must start with https:// and name a host"
    if parts.hostname not in REFERENCE_HOSTS:
        return f"reference URL {url!r} is not on an official documentation host ({', '.join(REFERENCE_HOSTS)})"
    if parts.path in ("", "/"):
        return f"reference URL {url!r} must point at a page, not a site's front page"
    return None


#: Keys phases.yaml once had: that prose is now written in the notebooks' sources only.
_PHASE_PROSE = ("minutes", "objectives", "summary", "then_and_now", "references")


def _phase(e: _Entry) -> PhaseInfo:
    for key in _PHASE_PROSE:
        if key in e.data:
            raise e.error(f"{key!r} is written in the phase's notebook source (course/notebooks/NN-name.md), "
                          "not in phases.yaml", key, of_key=True)
    e.keys(("name", "title"))
    return PhaseInfo(name=e.text("name", one_line=True), title=e.text("title", one_line=True), line=e.line)


def _narration(e: _Entry) -> Narration:
    e.keys(("step", "message", "protocol", "what", "why", "if_it_fails"), ("now",))
    protocol = e.text("protocol", one_line=True)
    if protocol not in PROTOCOLS:
        raise e.error(f"unknown protocol {protocol!r} (one of: {', '.join(PROTOCOLS)})", "protocol")
    return Narration(
        step=e.integer("step"),
        message=e.text("message", one_line=True),
        what=e.text("what"),
        why=e.text("why"),
        protocol=protocol,
        if_it_fails=e.text("if_it_fails"),
        now=e.text("now", default=""),
        line=e.line,
    )


def _question(e: _Entry) -> Question:
    e.keys(("id", "phase", "prompt", "choices", "explanation"), ("answer", "query", "feedback"))
    choices = e.texts("choices", minimum=2)
    if len(set(choices)) != len(choices):
        raise e.error("choices must differ from each other", "choices")
    if ("answer" in e.data) == ("query" in e.data):
        raise e.error("give either 'answer' (a conceptual question) or 'query' (a flow question), not both")
    fixed = query = None
    if "answer" in e.data:
        fixed = str(e.data["answer"]).strip()
        if fixed not in choices:
            raise e.error(f"answer {fixed!r} is not one of the choices", "answer")
    else:
        query = e.query()
    feedback = e.data.get("feedback", {})
    if not isinstance(feedback, dict) or not all(isinstance(v, str) for v in feedback.values()):
        raise e.error("'feedback' must map a choice to a note", "feedback")
    for choice in feedback:
        if str(choice) not in choices:
            raise e.error(f"feedback for {choice!r}, which is not a choice", "feedback")
    explanation = e.text("explanation")
    try:
        explanation.format(answer="")
    except (KeyError, IndexError, ValueError):
        raise e.error("'explanation' may use {answer} and no other braces", "explanation") from None
    return Question(
        id=e.text("id", one_line=True),
        phase=e.text("phase", one_line=True),
        prompt=e.text("prompt"),
        choices=choices,
        explanation=explanation,
        fixed=fixed,
        query=query,
        feedback=tuple((str(k), v.strip()) for k, v in feedback.items()),
        line=e.line,
    )


def _exercise(e: _Entry) -> Exercise:
    e.keys(("id", "phase", "title", "prompt", "hints", "solution", "query"),
           ("ordered", "mistakes", "too_big", "too_small"))
    mistakes = e.data.get("mistakes", [])
    if not isinstance(mistakes, list) or not all(
        isinstance(m, dict) and set(m) == {"value", "hint"} and isinstance(m["hint"], str) for m in mistakes
    ):
        raise e.error("'mistakes' must be a list of {value, hint}", "mistakes")
    ordered = e.data.get("ordered", False)
    if not isinstance(ordered, bool):
        raise e.error("'ordered' takes true or false", "ordered")
    solution = e.text("solution")
    try:
        compile(solution, f"{e.origin} solution", "exec")
    except SyntaxError as exc:
        raise e.error(f"solution is not valid Python: {exc.msg} (solution line {exc.lineno})", "solution")
    return Exercise(
        id=e.text("id", one_line=True),
        phase=e.text("phase", one_line=True),
        title=e.text("title", one_line=True),
        prompt=e.text("prompt"),
        hints=e.texts("hints", minimum=2),
        solution=solution + "\n",
        query=e.query(),
        ordered=ordered,
        mistakes=tuple((_freeze(m["value"]), m["hint"].strip()) for m in mistakes),
        too_big=e.text("too_big", one_line=True) if "too_big" in e.data else "",
        too_small=e.text("too_small", one_line=True) if "too_small" in e.data else "",
        line=e.line,
    )


# ------------------------------------------------------------------------------- content vs diagram


def _problems(course: Course):
    """Yield one line per disagreement between the content and the diagram."""
    d = course.diagram
    folder = course.data_dir
    diagram_phases = d.phases
    names = tuple(p.name for p in course.phases)
    if names != diagram_phases:
        yield f"{folder}/phases.yaml: phases {names} differ from the diagram's {diagram_phases}"

    by_step = {n.step: n for n in course.narrations}
    for m in d.messages:
        n = by_step.get(m.step)
        if n is None:
            yield f"{folder}/narration.yaml: step {m.step} ({message_text(m)!r}) has no narration"
            continue
        if n.message != message_text(m):
            yield f"{folder}/narration.yaml:{n.line}: step {m.step} says {n.message!r}, diagram has {message_text(m)!r}"
        marked = label_protocol(m.label)
        if marked is not None and n.protocol != marked:
            yield f"{folder}/narration.yaml:{n.line}: step {m.step} is {n.protocol!r}, its label says {marked!r}"
    for step in sorted(set(by_step) - {m.step for m in d.messages}):
        yield f"{folder}/narration.yaml:{by_step[step].line}: step {step} is not in the diagram"

    banks = set(names) | set(QUIZ_BANKS)
    diagrams: dict[str, Diagram | DiagramError] = {}
    for q in course.questions:
        where = f"{folder}/quiz.yaml:{q.line}: question {q.id!r}"
        if q.phase not in banks:
            yield f"{where}: unknown phase {q.phase!r} (a phase of phases.yaml, or one of {', '.join(QUIZ_BANKS)})"
        if q.query is None:
            continue
        if q.phase not in diagrams:
            try:
                diagrams[q.phase] = course.diagram_for(q.phase)
            except DiagramError as exc:
                diagrams[q.phase] = exc
        diagram = diagrams[q.phase]
        if isinstance(diagram, DiagramError):
            yield f"{where}: cannot read the diagram it asks about: {diagram}"
            continue
        try:
            right = q.answer(diagram)
        except QueryError as exc:
            yield f"{where}: {exc}"
            continue
        hits = [c for c in q.choices if c == right]
        if len(hits) != 1:
            yield f"{where}: the diagram's answer {right!r} is not among the choices {q.choices}"

    for x in course.all_exercises:
        where = f"{folder}/exercises.yaml:{x.line}: exercise {x.id!r}"
        if x.phase not in set(names) | {CAPSTONE}:
            yield f"{where}: unknown phase {x.phase!r}"
        try:
            expected = x.expected(d)
        except QueryError as exc:
            yield f"{where}: {exc}"
            continue
        for wrong, _ in x.mistakes:
            if _same(expected, _plain(list(wrong) if isinstance(wrong, tuple) else wrong), x.ordered):
                yield f"{where}: a listed mistake equals the expected value"
