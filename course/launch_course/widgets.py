"""The course's own widgets: quizzes, exercise checks and cards, and component cards.

What a learner sees is decided by plain functions (:func:`feedback_html`, :func:`check`), so tests need no
browser; the widgets only arrange those pieces.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import ipywidgets as W

from flowlib.analysis.wording import count_noun, display_name, one_line
from flowlib.model import Diagram
from flowlib.views.html import renderer
from flowlib.widgets.callbacks import guarded
from flowlib.views.display import Displayable

from launch_course.components import service_label

render = renderer("launch_course")  # the course's templates/*.html.j2, autoescaping on

_SOLUTIONS_NOTE = "Solutions are in the instructor edition: set COURSE_SOLUTIONS=1 before starting Jupyter."


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


class Quiz(Displayable, W.VBox):
    """Multiple-choice questions, each with its own Check button and immediate, explanatory feedback.

    >>> Quiz(course.quiz("auth"), course.diagram)  # doctest: +SKIP
    """

    def __init__(self, questions, diagram: Diagram, **kwargs):
        self.questions = tuple(questions)
        self.diagram = diagram
        self._errors = W.Output()
        self._choices: list[W.RadioButtons] = []
        self._buttons: list[W.Button] = []
        self._feedback: list[W.HTML] = []
        cards = []
        for number, question in enumerate(self.questions, start=1):
            prompt = W.HTML(value=render("prompt.html.j2", number=number, prompt=question.prompt))
            choices = W.RadioButtons(options=list(question.choices), value=None, layout=W.Layout(width="auto"))
            button = W.Button(description="Check", tooltip="check this answer")
            button.add_class("flow-check")
            feedback = W.HTML(value="")
            feedback.add_class("flow-feedback-box")
            button.on_click(functools.partial(self._on_check_click, number - 1))
            self._choices.append(choices)
            self._buttons.append(button)
            self._feedback.append(feedback)
            card = W.VBox([prompt, choices, button, feedback])
            card.add_class("flow-question")
            cards.append(card)
        super().__init__(children=[*cards, self._errors], **kwargs)
        self.add_class("flow-quiz")

    @guarded
    def _on_check_click(self, index: int, _button=None) -> None:
        from launch_course.course import check_answer

        choice = self._choices[index].value
        if choice is None:
            self._feedback[index].value = render("feedback.html.j2", correct=None, message="Pick an answer first.")
            return
        self._feedback[index].value = feedback_html(check_answer(self.questions[index], choice, self.diagram))

    def answer(self, index: int, choice: str) -> str:
        """Choose ``choice`` for question ``index`` (0-based), check it, and return the feedback HTML."""
        self._choices[index].value = choice
        self._on_check_click(index)
        return self._feedback[index].value

    def __repr__(self) -> str:
        return f"Quiz({count_noun(len(self.questions), 'question')})"

    def _mime_types(self) -> dict:
        # Readers without a widget manager see the questions and choices (never the answers).
        return {**W.VBox._repr_mimebundle_(self), "text/html": self._text_html}

    def _text_html(self) -> str:
        return render("quiz_text.html.j2", questions=self.questions)


class Shown(Displayable):
    """Something to display: HTML for notebooks, plain text for the console and the static site."""

    def __init__(self, html_text: str, text: str):
        self.html = html_text
        self.text = text

    def _mime_types(self) -> dict:
        return {"text/html": self.html}

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


def check(exercise_id: str, value, *, attempt: int | None = None, course=None) -> Shown:
    """Check a learner's answer to an exercise: why it is right, or a hint that sharpens with each try.

    ``attempt`` (1, 2, ...) picks the hint; by default, one more than the wrong answers given so far.

    >>> check("auth-keystone-sends", 3)  # doctest: +SKIP
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
    return Shown(feedback_html(type(feedback)(feedback.correct, text)), text)


def exercise_card(exercise_id: str, *, course=None, solutions: bool | None = None) -> Shown:
    """An exercise's prompt, its hints folded away, and its solution when instructors asked for solutions.

    ``solutions`` None means: ask :func:`flowlib.course.show_solutions` now (env var COURSE_SOLUTIONS=1).
    """
    from launch_course.course import show_solutions

    course = _default_course() if course is None else course
    exercise = _find_exercise(course, exercise_id)
    reveal = show_solutions() if solutions is None else solutions
    # Just enough Markdown for prompts: paragraphs, then `code`, **bold** and *emphasis* in each.
    paragraphs = [para for para in exercise.prompt.strip().split("\n\n") if para.strip()]
    card = render("exercise.html.j2", exercise=exercise, paragraphs=paragraphs, reveal=reveal, note=_SOLUTIONS_NOTE)
    text = f"Exercise: {exercise.title} ({exercise.id})\n{exercise.prompt.strip()}\n\n"
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
    """The participants of ``phase`` (all when None) with their service and role, as an escaped HTML table."""
    return render("components.html.j2", rows=_component_rows(diagram, components, phase))


def components_card(phase: str | None = None, *, course=None) -> Shown:
    """The components a phase involves (the whole flow when None) and what each does, as a table.

    >>> components_card("auth")  # doctest: +SKIP
    """
    course = _default_course() if course is None else course
    components = course.components
    rows = _component_rows(course.diagram, components, phase)
    text = "\n".join(f"{name} ({service}): {role}" for _code, name, service, role in rows)
    return Shown(components_html(course.diagram, components, phase=phase), text)
