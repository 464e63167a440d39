"""Widgets: what each player frame shows (plain functions, no browser), the browser-side links, quiz and exercise feedback."""

from __future__ import annotations

import html
import re
import shutil

import pytest

from launch_course.course import check_answer, load_course
from flowlib.reading import parse
from flowlib.views.palette import HIGHLIGHT
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
    assert len(player.frames) == len(expected)
    for step, frame in zip(expected, player.frames):
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


def test_the_sequence_window_opens_with_a_strip_of_every_participant_name_escaped():
    d = parse('participant "Web <front> & co" as W\nparticipant "DB \'main\'" as D\nparticipant Cache\n'
              "W -> D: read\nD --> W: rows\nW -> Cache: put")
    frame = frame_html(d, 2)
    window = frame.split('<div class="flow-sequence"', 1)[1]
    strip = window.split(">", 1)[1].split("</div>", 1)[0]
    assert strip.startswith('<div class="flow-heads" aria-hidden="true" style="position:sticky;top:0;')
    names = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", strip)]
    assert sorted(names) == sorted(p.display for p in d.participants) == ["Cache", "DB 'main'", "Web <front> & co"]
    assert "Web &lt;front&gt; &amp; co" in strip
    # The arrow's two ends stand out (outside the faded group, in the highlight colour), as in the drawing.
    faded, ends = strip.split("</g></g>", 1)
    assert "Cache" in faded and "Web" not in faded and "DB" not in faded
    assert ends.count(f'stroke="{HIGHLIGHT}"') == 2


def test_a_frame_without_course_narration_describes_the_arrow():
    d = parse("@startuml\nAlice -> Bob: hello\nBob --> Alice: hi\n@enduml\n")
    frame = frame_html(d, 2)
    narration = frame.split('<div class="flow-narration"', 1)[1].split("</div>", 1)[0]
    assert "Bob sends “hi” to Alice (reply)" in narration


def test_the_player_steps_in_the_browser_from_one_module_shipped_with_it(diagram):
    # An anywidget: the ES module and its stylesheet travel with the widget (package data, no network).
    player = StepPlayer(diagram, phase="auth", interval=1000)
    assert "export default" in player._esm and "function render" in player._esm
    assert "http" not in player._esm and "http" not in player._css
    assert player.steps == [m.step for m in diagram.phase_messages("auth")]
    assert (player.index, player.interval) == (0, 1000)
    assert player.title == "Step player: phase auth, 6 steps"
    # Every control steps on its own, with no callback in the kernel.
    assert not player._msg_callbacks.callbacks


def test_moving_the_player_from_python_stops_at_the_ends(diagram):
    player = StepPlayer(diagram, phase="metadata")
    player.step_to(-3)
    assert player.index == 0
    player.step_to(99)
    assert player.index == len(player.frames) - 1
    sent = []
    player.send_state = lambda key=None: sent.append(key)
    player.step_to(99)   # unchanged here, but the reader may have moved it in the browser: say it again
    assert sent == ["index"]


def test_two_players_on_one_diagram_are_independent(diagram):
    a = StepPlayer(diagram, phase="status")
    b = StepPlayer(diagram, phase="status")
    a.step_to(1)
    assert (a.index, b.index) == (1, 0)
    assert a.frames == b.frames


def test_a_lane_shows_beside_the_narration_escaped_or_as_html(diagram):
    steps = [m.step for m in diagram.phase_messages("auth")]
    player = StepPlayer(diagram, phase="auth", lane={steps[0]: "state <none>"})
    assert '<div class="flow-lane">state &lt;none&gt;</div>' in player.frames[0]
    assert 'class="flow-lane"' not in player.frames[1]  # a step the lane lacks shows none

    class Rich:
        def _repr_html_(self):
            return "<b>BUILD</b>"

    player = StepPlayer(diagram, phase="auth", lane=lambda step: Rich())
    assert all('<div class="flow-lane"><b>BUILD</b></div>' in f for f in player.frames)


def test_a_wide_sequence_view_shows_a_band_around_each_step(diagram):
    frame = StepPlayer(diagram, phase="scheduling", width=400).frames[0]
    width = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)', frame).group(1))
    assert width < 700


def test_player_over_all_steps_scopes_each_frame_to_its_phase(diagram):
    player = StepPlayer(diagram)
    assert len(player.frames) == len(diagram.messages)
    frame = player.frames[6]  # step 7, scheduling
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
    # Every choice's verdict is stored with the widget: the browser checks, the kernel is not asked.
    card = quiz.cards[0]
    assert card["id"] == questions[0].id and card["choices"] == list(questions[0].choices)
    assert [v["correct"] for v in card["verdicts"]] == [c == right for c in questions[0].choices]
    assert "http" not in quiz._esm


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
        assert all("{answer}" not in v["html"] for v in quiz.cards[index]["verdicts"])


def test_quiz_check_without_a_choice_asks_for_one(course, diagram):
    quiz = Quiz(course.quiz("auth"), diagram)
    assert "Pick an answer" in quiz.answer(0, None) == quiz.pick_first


def test_a_right_exercise_answer_is_remembered_for_progress(course):
    exercise = course.exercises("auth")[0]
    right = check(exercise.id, exercise.expected(course.diagram), course=course)
    assert right.correct and right.item == f"exercise:{exercise.id}"
    assert not check(exercise.id, None, course=course).correct


def test_exercise_cards_say_in_one_sentence_that_checking_needs_the_kernel(course):
    card = exercise_card(course.exercises("auth")[0].id, course=course)
    assert "needs a running kernel" in card._repr_html_() and "needs a running kernel" in repr(card)


def test_progress_covers_every_quiz_and_exercise_once(course):
    from launch_course.widgets import progress, progress_items

    items = progress_items(course)
    quiz = [i for n in items for i in n["quiz"]]
    exercises = [i for n in items for i in n["exercises"]]
    assert sorted(quiz) == sorted(q.id for q in course.questions)
    assert sorted(exercises) == sorted(e.id for e in course.all_exercises)
    assert progress(course=course).scope == "course" and len(progress(course=course).notebooks) == len(items)
    assert progress("06", course=course).notebooks[0]["quiz"] == [q.id for q in course.quiz("metadata") + course.quiz("status")]
    with pytest.raises(KeyError, match="no single notebook"):
        progress("0", course=course)


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
