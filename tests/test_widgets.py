"""Widgets: what each player frame shows (plain functions, no browser), the browser-side links, quiz and exercise feedback."""

from __future__ import annotations

import html
import re
import shutil

import ipywidgets as W
import pytest

from launch_course.course import check_answer, load_course
from flowlib.reading import parse
from flowlib.widgets.player import WINDOW, StepPlayer, context_steps, frame_html, player_steps
from launch_course.widgets import Quiz, check, components_card, components_html, exercise_card

requires_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's dot is not installed: sudo apt install graphviz (or brew/conda install graphviz)",
)

HOSTILE = """@startuml
participant "<b>Boss</b> & co" as A
participant "B 'quote' & <i>" as B
A -> B: <script>alert(1)</script> & <img src=x onerror=alert(2)>
B --> A: "]; x [label="pwned
@enduml
"""


@pytest.fixture(scope="module")
def course():
    return load_course()


@pytest.fixture(scope="module")
def diagram(course):
    return course.diagram


def _root_step(frame: str) -> int:
    match = re.match(r'<div class="flow-frame" data-step="(\d+)"', frame)
    assert match, frame[:200]
    return int(match.group(1))


def _current_rows(frame: str) -> list[int]:
    return [int(s) for s in re.findall(r'<tr data-step="(\d+)" class="flow-current"', frame)]


def _highlighted_arrows(frame: str) -> list[int]:
    return [int(s) for s in re.findall(r'<g class="msg highlight" data-step="(\d+)"', frame)]


@pytest.mark.parametrize("phase", ["auth", "scheduling", "image", "network", "volume", "metadata", "status"])
def test_every_step_of_a_phase_has_a_frame_marking_that_step_and_only_it(course, diagram, phase):
    player = StepPlayer(diagram, phase=phase, narration=course.narration)
    expected = [m.step for m in diagram.phase_messages(phase)]
    assert expected, "the seed diagram lost a phase"
    assert list(player.steps) == expected
    assert len(player.frames) == len(expected) == len(player._stack.children)
    for step, frame in zip(expected, (f.value for f in player.frames)):
        assert _root_step(frame) == step
        assert _current_rows(frame) == [step]
        assert _highlighted_arrows(frame) == [step]
        narration = course.narration(step)
        assert '<div class="flow-narration"' in frame
        # The narration is there, escaped (the course text has quotes and ampersands).
        first_words = html.escape(narration.why.split("`")[0][:40], quote=True)
        assert first_words in frame


@requires_dot
@pytest.mark.dot
def test_the_communication_view_in_a_frame_highlights_the_step(diagram):
    frame = frame_html(diagram, 2, phase="auth")
    comm = frame.split('<div class="flow-communication"', 1)[1]
    assert "<svg" in comm
    assert "step 2 highlighted" in comm


def test_without_dot_the_frame_keeps_everything_but_the_communication_view(diagram, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a directory without dot
    frame = frame_html(diagram, 2, phase="auth")
    comm = frame.split('<div class="flow-communication"', 1)[1]
    assert "<svg" not in comm and "install graphviz" in comm.lower()
    assert _current_rows(frame) == [2] and _highlighted_arrows(frame) == [2]


def test_frame_shows_the_narration_fields(course, diagram):
    narration = course.narration(7)
    frame = frame_html(diagram, 7, phase="scheduling", narration=narration)
    for css in ("flow-what", "flow-why", "flow-protocol", "flow-fails"):
        assert f'class="{css}"' in frame
    assert f"<b>Protocol:</b> {narration.protocol}" in frame


def test_labels_and_names_are_escaped_everywhere_in_a_frame():
    hostile = parse(HOSTILE)
    for step in (1, 2):
        frame = frame_html(hostile, step)
        assert "<script>" not in frame and "<img" not in frame and "<b>Boss" not in frame
        assert "&lt;script&gt;" in frame
    player = StepPlayer(hostile)
    bundle = player._repr_mimebundle_()
    assert "<script>" not in bundle["text/html"]


def test_a_frame_without_course_narration_describes_the_arrow():
    d = parse("@startuml\nAlice -> Bob: hello\nBob --> Alice: hi\n@enduml\n")
    frame = frame_html(d, 2)
    narration = frame.split('<div class="flow-narration"', 1)[1].split("</div>", 1)[0]
    assert "Bob sends “hi” to Alice (reply)" in narration


def test_player_links_play_and_slider_to_the_stack_in_the_browser(diagram):
    player = StepPlayer(diagram, phase="auth")
    controls, stack, errors = player.children
    assert isinstance(stack, W.Stack) and isinstance(errors, W.Output)
    play, prev, nxt, slider = controls.children
    assert isinstance(play, W.Play) and isinstance(slider, W.IntSlider)
    assert (prev.description, nxt.description) == ("Previous", "Next")
    assert slider.min == play.min == 0 and slider.max == play.max == len(stack.children) - 1
    first, second = player.links
    assert first._model_name == second._model_name == "LinkModel"  # jslink: runs in the browser
    assert first.source == (play, "value") and first.target == (slider, "value")
    assert second.source == (slider, "value") and second.target == (stack, "selected_index")


def test_previous_and_next_move_through_the_frames_and_stop_at_the_ends(diagram):
    player = StepPlayer(diagram, phase="metadata")
    controls = player.children[0]
    play, prev, nxt, slider = controls.children
    prev.click()
    assert slider.value == 0
    for _ in range(10):
        nxt.click()
    assert slider.value == len(player.frames) - 1 == player._stack.selected_index == play.value
    prev.click()
    assert slider.value == len(player.frames) - 2
    assert player._errors.outputs == ()


def test_two_players_on_one_diagram_are_independent(diagram):
    a = StepPlayer(diagram, phase="status")
    b = StepPlayer(diagram, phase="status")
    a.children[0].children[2].click()
    assert a._stack.selected_index == 1 and b._stack.selected_index == 0
    assert [f.value for f in a.frames] == [f.value for f in b.frames]


def test_player_over_all_steps_scopes_each_frame_to_its_phase(diagram):
    player = StepPlayer(diagram)
    assert len(player.frames) == len(diagram.messages)
    frame = player.frames[6].value  # step 7, scheduling
    rows = [int(s) for s in re.findall(r'<tr data-step="(\d+)"', frame)]
    assert rows == [m.step for m in diagram.phase_messages("scheduling")]
    assert "Step 7 of 62" in frame


def test_without_phases_a_long_diagram_is_shown_in_a_window_around_the_step():
    text = "@startuml\n" + "".join(f"A -> B: m{i}\n" for i in range(1, 61)) + "@enduml\n"
    d = parse(text)
    shown = context_steps(d, 30)
    assert len(shown) == WINDOW and 30 in shown
    assert context_steps(d, 1)[0] == 1 and context_steps(d, 60)[-1] == 60


def test_player_steps_refuse_an_unknown_phase_or_step(diagram):
    with pytest.raises(ValueError, match="unknown phase 'nope'; phases: auth, scheduling"):
        player_steps(diagram, phase="nope")
    assert player_steps(diagram, phase=" Auth ") == player_steps(diagram, phase="auth")
    with pytest.raises(ValueError, match="no step 999"):
        player_steps(diagram, steps=[1, 999])
    with pytest.raises(ValueError, match="phase 'auth' has no step 7 \\(it has steps 1 to 6\\)"):
        player_steps(diagram, phase="auth", steps=[2, 7])
    assert player_steps(diagram, phase="auth", steps=[5, 2]) == (5, 2)
    with pytest.raises(ValueError, match="nothing to step through"):
        StepPlayer(parse("@startuml\nparticipant A\n@enduml\n"))


def test_course_narration_text_is_escaped_in_frames(diagram):
    class Hostile:
        what = "<script>alert(1)</script> & `<b>code</b>`"
        why = "**bold <i>**"
        protocol = "<REST>"
        if_it_fails = '"quoted" <img src=x>'

    frame = frame_html(diagram, 1, phase="auth", narration=Hostile())
    narration = frame.split('<div class="flow-narration"', 1)[1].split("</div>", 1)[0]
    assert "<script>" not in narration and "<img" not in narration and "<REST>" not in narration
    assert "&lt;script&gt;" in narration and "<code>&lt;b&gt;code&lt;/b&gt;</code>" in narration
    assert "<b>bold &lt;i&gt;</b>" in narration  # markdown bold kept, its text escaped


def test_without_a_widget_manager_the_player_reads_as_a_step_list(diagram):
    bundle = StepPlayer(diagram, phase="auth")._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == "StepPlayer(phase='auth', 6 steps)"
    assert bundle["text/html"].count("<li") == len(diagram.phase_messages("auth"))


def _right_and_wrong(question, diagram):
    right = question.answer(diagram)
    wrong = next(c for c in question.choices if c != right)
    return right, wrong


def test_quiz_gives_feedback_for_a_right_and_a_wrong_choice(course, diagram):
    questions = course.quiz("auth")
    quiz = Quiz(questions, diagram)
    right, wrong = _right_and_wrong(questions[0], diagram)
    bad = quiz.answer(0, wrong)
    assert 'data-correct="false"' in bad
    assert html.escape(check_answer(questions[0], wrong, diagram).message[:30], quote=True) in bad
    good = quiz.answer(0, right)
    assert 'data-correct="true"' in good
    assert quiz._feedback[1].value == ""  # other questions untouched


@pytest.mark.parametrize("bank", ["overview", "today"])
def test_overview_and_today_quizzes_judge_every_question(course, bank):
    # 00's warm-up is answered from the 2014 diagram, 08's today bank from today's flow.
    diagram = course.diagram_for(bank)
    questions = course.quiz(bank)
    quiz = Quiz(questions, diagram)
    for index, question in enumerate(questions):
        right, wrong = _right_and_wrong(question, diagram)
        assert 'data-correct="false"' in quiz.answer(index, wrong)
        assert 'data-correct="true"' in quiz.answer(index, right)
        assert "{answer}" not in quiz._feedback[index].value


def test_quiz_check_without_a_choice_asks_for_one(course, diagram):
    quiz = Quiz(course.quiz("auth"), diagram)
    quiz._buttons[0].click()
    assert "Pick an answer" in quiz._feedback[0].value


def test_quiz_callback_errors_land_in_its_output(course, diagram, monkeypatch):
    import launch_course.course

    def broken(*_args):
        raise RuntimeError("boom")

    monkeypatch.setattr(launch_course.course, "check_answer", broken)
    quiz = Quiz(course.quiz("auth"), diagram)
    quiz._choices[0].value = quiz.questions[0].choices[0]
    quiz._buttons[0].click()
    assert any("RuntimeError: boom" in out.get("text", "") for out in quiz._errors.outputs)


def test_check_says_right_for_the_expected_value_and_hints_otherwise(course):
    exercise = course.exercises("auth")[0]
    expected = exercise.expected(course.diagram)
    assert "Right" in repr(check(exercise.id, expected, course=course))
    wrong = check(exercise.id, expected + 100, course=course, attempt=1)
    assert repr(wrong).startswith("Not yet.") and "Hint:" in repr(wrong)
    assert 'data-correct="false"' in wrong._repr_html_()
    assert "Replace `None`" in repr(check(exercise.id, None, course=course))
    with pytest.raises(KeyError, match="no exercise"):
        check("no-such-exercise", 1, course=course)


def test_exercise_solutions_are_shown_only_to_instructors(course, monkeypatch):
    exercise = course.exercises("auth")[0]
    monkeypatch.delenv("COURSE_SOLUTIONS", raising=False)
    hidden = exercise_card(exercise.id, course=course)
    assert "COURSE_SOLUTIONS=1" in hidden._repr_html_() and "flow-solution\"" not in hidden._repr_html_()
    monkeypatch.setenv("COURSE_SOLUTIONS", "1")
    shown = exercise_card(exercise.id, course=course)
    assert html.escape(exercise.solution.splitlines()[0], quote=True) in shown._repr_html_()
    assert "COURSE_SOLUTIONS=1" not in shown._repr_html_()


def test_components_card_lists_the_phase_participants_with_their_roles(course):
    card = components_card("auth", course=course)
    codes = re.findall(r'data-component="([^"]+)"', card._repr_html_())
    assert codes == ["Client", "Keystone", "LDAP", "Token Store"]
    assert course.components["Keystone"].role in repr(card)


def test_components_table_escapes_roles():
    class Fact:
        service = "<i>svc</i>"
        role = "<script>x</script>"

    d = parse("@startuml\nA -> B: x\n@enduml\n")
    out = components_html(d, {"A": Fact()})
    assert "<script>" not in out and "&lt;script&gt;" in out and "<i>svc" not in out


def test_player_steps_read_windows_as_the_views_do(diagram):
    assert player_steps(diagram, steps="2-4") == player_steps(diagram, steps=range(2, 5)) == (2, 3, 4)
    assert player_steps(diagram, steps=3) == (3,)
    with pytest.raises(ValueError, match="steps must be N, \\(first, last\\), a range or 'A-B', got '2-x'"):
        player_steps(diagram, steps="2-x")
