"""The course's own widgets: quizzes, exercise checks and cards, component cards and progress.

What a learner sees is decided by plain functions (:func:`feedback_html`, :func:`check`), so tests need no
browser; the widgets only arrange those pieces. Quizzes, checked answers and progress are anywidgets over
one ES module (``assets/course.js``): a quiz stores the feedback for every choice, computed from the
diagram when the cell runs, and checks in the browser, so it works after a kernel restart and on the
static site. Right answers are remembered in the browser (localStorage), which the progress cards read.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib.resources import files

import anywidget
import traitlets as T

from flowlib.analysis.wording import count_noun, display_name, one_line
from flowlib.model import Diagram
from flowlib.views.html import renderer
from flowlib.widgets.callbacks import widget_mimes
from flowlib.views.display import Displayable

from launch_course.components import service_label

render = renderer("launch_course")  # the course's templates/*.html.j2, autoescaping on

_SOLUTIONS_NOTE = "Solutions are in the instructor edition: set COURSE_SOLUTIONS=1 before starting Jupyter."

#: What an exercise card says about the kernel: checking runs the learner's Python.
KERNEL_NOTE = "Checking your answer runs Python, so it needs a running kernel (after a restart, run the setup cell first)."

_ASSETS = files("launch_course") / "assets"
_ESM = (_ASSETS / "course.js").read_text(encoding="utf-8")
_CSS = (_ASSETS / "course.css").read_text(encoding="utf-8")


class _CourseWidget(Displayable, anywidget.AnyWidget):
    """A widget drawn by the course's ES module; ``kind`` says which one."""

    _esm = _ESM
    _css = _CSS
    kind = T.Unicode("").tag(sync=True)


def _name(diagram: Diagram, code: str | None, exo: str | None = None) -> str:
    return one_line(display_name(diagram, code, exo))


def feedback_html(feedback) -> str:
    """A :class:`~flowlib.course.Feedback` as a coloured paragraph (green when right), its text escaped.

    The paragraph has class ``flow-feedback`` and ``data-correct="true"`` or ``"false"``.

    >>> from launch_course.course import Feedback
    >>> "Right" in feedback_html(Feedback(True, "Right: Bob answers."))
    True
    """
    return render("feedback.html.j2", correct=bool(feedback.correct), message=feedback.message)


class Quiz(_CourseWidget):
    """Multiple-choice questions, each with its own Check button and immediate, explanatory feedback.

    The verdict and feedback of every choice are computed from ``diagram`` here and stored with the widget:
    Check runs in the browser. A right answer is remembered (the progress cards count it).

    >>> from launch_course import load_course
    >>> course = load_course()
    >>> quiz = Quiz(course.quiz("auth"), course.diagram)
    >>> quiz
    Quiz(6 questions)
    >>> quiz.answer(0, None) == quiz.pick_first   # Check before a choice
    True
    """

    cards = T.List(T.Dict(), help="each question: id, prompt_html, choices, and each choice's verdict").tag(sync=True)
    pick_first = T.Unicode("").tag(sync=True)

    def __init__(self, questions, diagram: Diagram, **kwargs):
        from launch_course.course import check_answer

        self.questions = tuple(questions)
        self.diagram = diagram
        shown = []
        for number, question in enumerate(self.questions, start=1):
            verdicts = []
            for choice in question.choices:
                feedback = check_answer(question, choice, diagram)
                verdicts.append({"correct": bool(feedback.correct), "html": feedback_html(feedback)})
            shown.append({"id": question.id, "prompt_html": render("prompt.html.j2", number=number, prompt=question.prompt),
                          "choices": list(question.choices), "verdicts": verdicts})
        super().__init__(kind="quiz", cards=shown, pick_first=render("feedback.html.j2", correct=None, message="Pick an answer first."),
                         **kwargs)
        self.add_class("flow-quiz")

    def answer(self, index: int, choice: str | None) -> str:
        """The feedback HTML the learner gets for ``choice`` in question ``index`` (0-based), as Check shows it."""
        if choice is None:
            return self.pick_first
        question = self.cards[index]
        if choice not in question["choices"]:
            from launch_course.course import check_answer

            return feedback_html(check_answer(self.questions[index], choice, self.diagram))
        return question["verdicts"][question["choices"].index(choice)]["html"]

    def __repr__(self) -> str:
        return f"Quiz({count_noun(len(self.questions), 'question')})"

    def _mime_types(self) -> dict:
        # Readers without a widget manager see the questions and choices (never the answers).
        return {**widget_mimes(self), "text/html": self._text_html}

    def _text_html(self) -> str:
        return render("quiz_text.html.j2", questions=self.questions)


class Shown(Displayable):
    """Something to display: HTML for notebooks, plain text for the console and the static site."""

    def __init__(self, html_text: str, text: str):
        self.html = html_text
        self.text = text

    def _mime_types(self) -> dict:
        return {"text/html": self.html, "text/plain": self.text}

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


class Checked(_CourseWidget):
    """An exercise check's verdict: its HTML (and ``text``); a right one is remembered in the browser.

    Where widgets cannot run it shows as the same HTML.
    """

    html = T.Unicode("").tag(sync=True)
    correct = T.Bool(False).tag(sync=True)
    item = T.Unicode("", help="the progress item a right answer completes").tag(sync=True)

    def __init__(self, html_text: str, text: str, *, correct: bool = False, item: str = ""):
        super().__init__(kind="checked", html=html_text, correct=correct, item=item)
        self.text = text
        self.add_class("flow-checked")

    def _mime_types(self) -> dict:
        return {**widget_mimes(self), "text/html": self.html}

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


@functools.lru_cache(maxsize=None)
def _default_course():
    from launch_course.course import load_course

    return load_course()


def _find_exercise(course, exercise_id: str):
    for exercise in course.all_exercises:
        if exercise.id == exercise_id:
            return exercise
    known = ", ".join(e.id for e in course.all_exercises)
    raise KeyError(f"no exercise {exercise_id!r}; the course has: {known}")


#: Wrong answers so far per exercise id, so that hints get more specific (a re-run only adds attempts).
_attempts: dict[str, int] = {}


def check(exercise_id: str, value, *, attempt: int | None = None, course=None) -> Checked:
    """Check a learner's answer to an exercise: why it is right, or a hint that sharpens with each try.

    ``attempt`` (1, 2, ...) picks the hint; by default, one more than the wrong answers given so far.

    >>> check("auth-keystone-sends", 3, attempt=1)
    Right: that is what the diagram says.
    >>> check("auth-keystone-sends", None).correct
    False
    """
    from launch_course.course import Feedback, check_exercise

    course = _default_course() if course is None else course
    exercise = _find_exercise(course, exercise_id)
    if value is None or value is Ellipsis:
        feedback = Feedback(False, "Replace `None` with your answer, then run the cell again.")
    else:
        tries = _attempts.get(exercise_id, 0) + 1 if attempt is None else attempt
        feedback = check_exercise(exercise, value, course.diagram, attempt=tries)
        _attempts[exercise_id] = 0 if feedback.correct else _attempts.get(exercise_id, 0) + 1
    text = feedback.message if feedback.correct else f"Not yet. {feedback.message}"
    return Checked(feedback_html(type(feedback)(feedback.correct, text)), text, correct=bool(feedback.correct),
                   item=f"exercise:{exercise_id}")


def exercise_card(exercise_id: str, *, course=None, solutions: bool | None = None) -> Shown:
    """An exercise's prompt, its hints folded away, and its solution when instructors asked for solutions.

    ``solutions`` None means: ask :func:`flowlib.course.show_solutions` now (env var COURSE_SOLUTIONS=1).

    >>> card = exercise_card("auth-keystone-sends", solutions=False)
    >>> print(repr(card).splitlines()[0])
    Exercise: Keystone's share of the conversation (auth-keystone-sends)
    """
    from launch_course.course import show_solutions

    course = _default_course() if course is None else course
    exercise = _find_exercise(course, exercise_id)
    reveal = show_solutions() if solutions is None else solutions
    # Just enough Markdown for prompts: paragraphs, then `code`, **bold** and *emphasis* in each.
    paragraphs = [para for para in exercise.prompt.strip().split("\n\n") if para.strip()]
    card = render("exercise.html.j2", exercise=exercise, paragraphs=paragraphs, reveal=reveal, note=_SOLUTIONS_NOTE,
                  kernel=KERNEL_NOTE)
    text = f"Exercise: {exercise.title} ({exercise.id})\n{exercise.prompt.strip()}\n{KERNEL_NOTE}\n\n"
    text += f"Solution:\n{exercise.solution}" if reveal else _SOLUTIONS_NOTE
    return Shown(card, text)


def _component_rows(diagram: Diagram, components: Mapping, phase: str | None) -> list[tuple[str, str, str, str]]:
    """(code, name, service, role) for each participant of ``phase`` (all when None), in diagram order."""
    codes: list[str] = []
    for m in diagram.phase_messages(phase) if phase is not None else diagram.messages:
        for code in (m.source, m.target):
            if code is not None and code not in codes:
                codes.append(code)
    order = {p.code: i for i, p in enumerate(diagram.participants)}
    codes.sort(key=lambda c: order.get(c, len(order)))
    rows = []
    for code in codes:
        fact = components.get(code)
        service = service_label(getattr(fact, "service", "") or "")
        rows.append((code, _name(diagram, code), service, getattr(fact, "role", "") or ""))
    return rows


def components_html(diagram: Diagram, components: Mapping, *, phase: str | None = None) -> str:
    """The participants of ``phase`` (all when None) with their service and role, as an escaped HTML table.

    >>> from flowlib import parse
    >>> components_html(parse("Alice -> Bob: hello"), {}).count("<tr data-component=")
    2
    """
    return render("components.html.j2", rows=_component_rows(diagram, components, phase))


def components_card(phase: str | None = None, *, course=None) -> Shown:
    """The components a phase involves (the whole flow when None) and what each does, as a table.

    >>> print(repr(components_card("auth")).splitlines()[0])
    Client (Client): the user's client (openstack CLI, python-novaclient or Horizon): gets a token, then calls the REST APIs
    """
    course = _default_course() if course is None else course
    components = course.components
    rows = _component_rows(course.diagram, components, phase)
    text = "\n".join(f"{name} ({service}): {role}" for _code, name, service, role in rows)
    return Shown(components_html(course.diagram, components, phase=phase), text)


# ----------------------------------------------------------------------------------------- progress

#: Each notebook (file stem) and the quiz banks and exercise sets whose items it holds, in course order.
NOTEBOOK_PARTS = (
    ("00-overview", ("overview",), ()),
    ("01-auth", ("auth",), ("auth",)),
    ("02-scheduling", ("scheduling",), ("scheduling",)),
    ("03-image", ("image",), ("image",)),
    ("04-network", ("network",), ("network",)),
    ("05-volume", ("volume",), ("volume",)),
    ("06-metadata", ("metadata", "status"), ("metadata", "status")),
    ("07-capstone", ("review",), ("capstone",)),
    ("08-then-and-now", ("today",), ()),
)

_PROGRESS_NOTE = ("Kept in this browser only: a right quiz answer or a solved exercise counts; "
                  "clearing the site's data starts afresh.")


def progress_items(course=None) -> list[dict]:
    """Each notebook's progress items: ``{"notebook", "title", "quiz": [question ids], "exercises": [ids]}``.

    >>> [n["notebook"] for n in progress_items()][:2]
    ['00-overview', '01-auth']
    """
    course = _default_course() if course is None else course
    return [
        {"notebook": stem, "title": stem,
         "quiz": [q.id for bank in banks for q in course.quiz(bank)],
         "exercises": [e.id for phase in sets for e in course.exercises(phase)]}
        for stem, banks, sets in NOTEBOOK_PARTS
    ]


class Progress(_CourseWidget):
    """What the learner has done, read from the browser: one notebook's quiz and exercises, or the course."""

    scope = T.Unicode("notebook").tag(sync=True)
    notebooks = T.List(T.Dict()).tag(sync=True)
    note = T.Unicode(_PROGRESS_NOTE).tag(sync=True)

    def __init__(self, notebooks: list[dict], scope: str):
        super().__init__(kind="progress", scope=scope, notebooks=notebooks)
        self.add_class("flow-progress")

    def __repr__(self) -> str:
        if self.scope == "course":
            return f"Progress(the course: {len(self.notebooks)} notebooks)"
        return f"Progress({self.notebooks[0]['notebook']})"

    def _mime_types(self) -> dict:
        return {**widget_mimes(self), "text/plain": repr(self)}


def progress(notebook: str | None = None, *, course=None) -> Progress:
    """A progress card: the notebook whose name starts with ``notebook`` (``"01"``), or the whole course.

    >>> progress("01")
    Progress(01-auth)
    """
    items = progress_items(course)
    if notebook is None:
        return Progress(items, "course")
    chosen = [n for n in items if n["notebook"].startswith(notebook)]
    if len(chosen) != 1:
        raise KeyError(f"no single notebook starts with {notebook!r}; the course has: "
                       + ", ".join(n["notebook"] for n in items))
    return Progress(chosen, "notebook")
