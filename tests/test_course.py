"""The course content agrees with the diagram: narration per step, computed quiz answers, runnable solutions."""

import re
import shutil
from pathlib import Path

import pytest

from flowlib import DiagramError, parse, parse_file
from flowlib.analysis.wording import message_text
from launch_course.course import (
    CAPSTONE,
    DEFAULT_DATA_DIR,
    OVERVIEW,
    PHASE_ORDER,
    PROTOCOLS,
    QUIZ_BANKS,
    TODAY,
    TODAY_FILE,
    Query,
    QueryError,
    check_answer,
    check_exercise,
    label_protocol,
    load_course,
    reference_problem,
    run_solution,
    show_solutions,
)

DATA_FILES = ("phases.yaml", "narration.yaml", "quiz.yaml", "exercises.yaml", "launch-instance.puml", TODAY_FILE,
              "observe.yaml", "bughunt.yaml")
LEARNING_PHASES = PHASE_ORDER[:-1]  # auth .. metadata: the phases with their own notebook


@pytest.fixture(scope="module")
def course():
    return load_course()


@pytest.fixture(scope="module")
def diagram(course):
    return course.diagram


@pytest.fixture(scope="module")
def today():
    return parse_file(str(Path(DEFAULT_DATA_DIR, TODAY_FILE)))


def test_content_agrees_with_diagram(course):
    assert course.problems() == ()


def test_every_step_has_a_narration_naming_its_message(course, diagram):
    assert len(diagram.messages) == 62
    wrong = []
    for m in diagram.messages:
        n = course.narration(m.step)
        if n.message != message_text(m):
            wrong.append(f"step {m.step}: narration says {n.message!r}, diagram has {message_text(m)!r}")
        assert n.protocol in PROTOCOLS
        assert n.what and n.why and n.if_it_fails
    assert not wrong, "\n".join(wrong)
    assert len(course.narrations) == len(diagram.messages)


def test_narration_protocol_agrees_with_what_the_label_says(course, diagram):
    marked = [m for m in diagram.messages if label_protocol(m.label)]
    assert len(marked) >= 8  # the seed marks rpc.cast, rpc.call, REST and socket
    for m in marked:
        assert course.narration(m.step).protocol == label_protocol(m.label), m.step


def test_outdated_steps_say_what_changed(course):
    # The "then vs now" table's outdated items: token store, API DB, cast target, scheduler DB, RGW, DHCP IP.
    for step in (4, 8, 9, 14, 26, 30):
        assert course.narration(step).now, f"step {step} should say how current OpenStack differs"


def test_phases_in_course_order_with_titles(course, diagram):
    # Their prose (summary, objectives, time, then and now, references): tests/test_notebook_prose.py.
    assert tuple(p.name for p in course.phases) == PHASE_ORDER == diagram.phases
    for p in course.phases:
        assert p.title and "\n" not in p.title, p.name
    with pytest.raises(KeyError):
        course.phase("nope")


def test_every_phase_has_quizzes_and_exercises(course):
    for name in PHASE_ORDER:
        assert len(course.quiz(name)) >= 4, name
        assert len(course.exercises(name)) >= 2, name
    for name in LEARNING_PHASES:
        assert any(q.computed for q in course.quiz(name)), f"{name} needs a flow question computed from the diagram"
    assert len(course.quiz(None)) >= 8
    assert all(q.phase == "review" for q in course.quiz(None))
    assert len(course.exercises(None)) >= 2 and course.exercises(None) == course.exercises(CAPSTONE)


def test_overview_and_today_have_their_own_quiz_banks(course):
    assert set(QUIZ_BANKS) == {OVERVIEW, "review", TODAY} and not set(QUIZ_BANKS) & set(PHASE_ORDER)
    warm_up = course.quiz(OVERVIEW)
    assert 3 <= len(warm_up) <= 4 and all(q.computed for q in warm_up), "00's warm-up: 3-4 questions on the diagram"
    now = course.quiz(TODAY)
    assert len(now) >= 4 and sum(q.computed for q in now) >= 4, "08's quiz: 4+ questions computed from today's flow"
    assert {q.phase for q in course.questions} <= set(PHASE_ORDER) | set(QUIZ_BANKS)


def test_diagram_for_gives_today_for_the_today_bank_only(course, diagram, today):
    assert course.diagram_for(TODAY).messages == today.messages
    for bank in (*PHASE_ORDER, OVERVIEW, "review"):
        assert course.diagram_for(bank) is diagram
    q = course.quiz(TODAY)[0]
    assert course.diagram_for(q).messages == today.messages


def test_every_quiz_has_exactly_one_right_choice(course):
    for q in course.questions:
        right = q.answer(course.diagram_for(q))
        assert q.choices.count(right) == 1, f"{q.id}: {right!r} not exactly once in {q.choices}"


def test_today_answers_come_from_todays_flow_not_2014(course, diagram, today):
    answers = {q.id: q.answer(today) for q in course.quiz(TODAY) if q.computed}
    assert answers["today-scheduler-caller"] == "super-conductor"
    assert answers["today-allocation-candidates"] == "Placement"
    assert "network-vif-plugged" in answers["today-resume"]
    for q in course.quiz(TODAY):
        if q.computed:  # none of these can be answered from the 2014 diagram, which has no such messages
            with pytest.raises(QueryError):
                q.answer(diagram)


def test_check_answer_explains_right_and_wrong(course):
    for q in course.questions:
        diagram = course.diagram_for(q)
        right = q.answer(diagram)
        verdict = check_answer(q, right, diagram)
        assert verdict.correct and verdict.message.startswith("Right."), q.id
        for choice in q.choices:
            if choice != right:
                verdict = check_answer(q, choice, diagram)
                assert not verdict.correct and verdict.message.startswith("Not quite."), q.id
                assert "{answer}" not in verdict.message
                note = dict(q.feedback).get(choice)
                assert note is None or note in verdict.message
    assert not check_answer(course.quiz("auth")[0], "nonsense", course.diagram).correct


def test_flow_answers_follow_the_diagram_not_the_text(course, diagram):
    # Move the token store into the DB: the computed answer moves with it, the fixed ones do not care.
    text = Path(DEFAULT_DATA_DIR, "launch-instance.puml").read_text()
    changed = parse(text.replace('Keystone->"Token Store": Save token', "Keystone->DB: Save token"))
    (q,) = [q for q in course.questions if q.id == "auth-token-store"]
    assert q.answer(diagram) == "Token Store"
    assert q.answer(changed) == "DB"
    assert check_answer(q, "DB", changed).correct and not check_answer(q, "Token Store", changed).correct


def test_each_solution_computes_the_expected_value(course, diagram):
    pytest.importorskip("pandas")
    for x in course.all_exercises:
        got = run_solution(x, diagram)
        expected = x.expected(diagram)
        assert check_exercise(x, got, diagram).correct, f"{x.id}: solution gave {got!r}, query {expected!r}"


def _wrong_values(expected):
    if isinstance(expected, int):
        return [expected + 1, max(expected - 1, 0)]
    if isinstance(expected, str):
        return ["Nobody"]
    return [list(expected[:-1]), list(expected) + ["extra"]]


def test_check_exercise_hints_without_revealing(course, diagram):
    for x in course.all_exercises:
        expected = x.expected(diagram)
        plain = list(expected) if isinstance(expected, tuple) else expected
        assert check_exercise(x, plain, diagram).correct, x.id
        for wrong in _wrong_values(expected):
            first = check_exercise(x, wrong, diagram, attempt=1)
            assert not first.correct, x.id
            assert "Hint:" in first.message
            if isinstance(expected, int):
                assert not re.search(rf"\b{expected}\b", first.message), f"{x.id} reveals {expected}: {first.message}"
            else:
                assert repr(expected) not in first.message and str(plain) not in first.message, x.id
        later = check_exercise(x, _wrong_values(expected)[0], diagram, attempt=9)
        assert not later.correct
        directed = (x.too_big, x.too_small)
        if not any(later.message.endswith(hint) for hint in [h for _, h in x.mistakes] + [h for h in directed if h]):
            assert later.message.endswith(x.hints[-1]), x.id


def test_a_count_hint_points_the_right_way(course, diagram):
    (x,) = [x for x in course.all_exercises if x.id == "auth-keystone-sends"]
    expected = x.expected(diagram)
    for attempt in (1, 2, 3):
        too_big = check_exercise(x, expected + 2, diagram, attempt=attempt).message
        assert "smaller" in too_big and "Replies are messages too" not in too_big
        assert too_big.endswith(x.too_big)
        assert check_exercise(x, expected - 2, diagram, attempt=attempt).message.endswith(x.too_small)
    assert "Replies are messages too" in x.too_small
    assert not any("Replies are messages too" in h for h in x.hints)


def test_an_empty_or_wrong_kind_of_list_gets_a_sentence_that_helps(course, diagram):
    (steps,) = [x for x in course.all_exercises if x.id == "auth-unlabelled"]
    empty = check_exercise(steps, [], diagram).message
    assert empty.startswith("Your list is empty, but some items belong in the answer") and "0 belong" not in empty
    assert check_exercise(steps, [40, 41], diagram).message.startswith(
        "You listed 2 items, and none of them belongs in the answer.")
    assert check_exercise(steps, ["Keystone"], diagram).message.startswith("The answer is a list of numbers")


def test_metadata_order_needs_both_ends_of_each_message(course, diagram):
    from flowlib import messages_table

    (x,) = [x for x in course.all_exercises if x.id == "metadata-order"]
    m = messages_table(diagram)
    meta = m[m["phase"] == "metadata"]
    for shortcut in (meta["source_name"].unique(), meta["source"].unique().tolist(),
                     meta.drop_duplicates("source")["step"].tolist(), meta.drop_duplicates("target")["step"].tolist()):
        assert not check_exercise(x, shortcut, diagram).correct
    assert check_exercise(x, run_solution(x, diagram), diagram).correct


def test_hints_get_more_specific_and_mistakes_get_their_own(course, diagram):
    (x,) = [x for x in course.all_exercises if x.id == "network-through-mq"]
    expected = x.expected(diagram)
    assert check_exercise(x, expected - 2, diagram).message == (
        f"You counted {expected - 2}; the expected number is larger. Hint: {x.hints[0]}"
    )
    assert check_exercise(x, expected + 3, diagram, attempt=2).message.endswith(x.hints[1])
    assert "smaller" in check_exercise(x, expected + 3, diagram).message
    for x in course.all_exercises:
        for wrong, hint in x.mistakes:
            value = list(wrong) if isinstance(wrong, tuple) else wrong
            verdict = check_exercise(x, value, diagram)
            assert not verdict.correct and verdict.message.endswith(hint), x.id


def test_check_exercise_takes_pandas_values_and_says_what_kind_is_wanted(course, diagram):
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    count = next(x for x in course.all_exercises if isinstance(x.expected(diagram), int))
    steps = next(x for x in course.all_exercises if isinstance(x.expected(diagram), tuple) and not x.ordered)
    name = next(x for x in course.all_exercises if isinstance(x.expected(diagram), str))
    assert check_exercise(count, np.int64(count.expected(diagram)), diagram).correct
    assert check_exercise(steps, pd.Series(list(reversed(steps.expected(diagram)))), diagram).correct
    assert check_exercise(name, " " + name.expected(diagram).upper() + " ", diagram).correct
    table = pd.DataFrame({"step": [1, 2]})
    assert "a table with 2 rows" in check_exercise(count, table, diagram).message
    assert "a table with 1 row " in check_exercise(count, table.head(1), diagram).message
    assert "idxmax" in check_exercise(name, pd.Series([3, 1]), diagram).message
    assert ".tolist()" in check_exercise(steps, 5, diagram).message


def test_ordered_lists_must_come_in_order(course, diagram):
    (x,) = [x for x in course.all_exercises if x.id == "metadata-order"]
    expected = list(x.expected(diagram))
    assert check_exercise(x, expected, diagram).correct
    verdict = check_exercise(x, expected[::-1], diagram)
    assert not verdict.correct and "wrong order" in verdict.message


def test_show_solutions_follows_the_environment(monkeypatch):
    monkeypatch.delenv("COURSE_SOLUTIONS", raising=False)
    assert show_solutions() is False
    monkeypatch.setenv("COURSE_SOLUTIONS", "1")
    assert show_solutions() is True
    monkeypatch.setenv("COURSE_SOLUTIONS", "0")
    assert show_solutions() is False


@pytest.mark.parametrize(
    "url",
    [
        "http://docs.openstack.org/nova/latest/",
        "https:///nova/latest/",
        "https://example.com/nova.html",
        "https://docs.openstack.org/",
        "https://docs.openstack.org/nova/latest/a b.html",
        None,
    ],
    ids=["http", "no-host", "unofficial-host", "front-page", "space", "missing"],
)
def test_bad_reference_urls_are_refused(url):
    assert reference_problem(url)


def test_queries_refuse_ambiguous_questions(diagram):
    with pytest.raises(QueryError, match="exactly one"):
        Query("target_of", (("source", "Nova-api"),), origin="x.yaml:1").evaluate(diagram)
    with pytest.raises(QueryError, match="tie"):
        Query("most_common", (("field", "phase"), ("phase", ("network", "volume")))).evaluate(diagram)
    assert Query("count", (("between", ("Nova-compute", ("ceph_mon", "ceph_rgw"))),)).evaluate(diagram) == 4
    assert Query("steps", (("phase", ("auth", "status")), ("dotted", True))).evaluate(diagram) == (3, 5, 6)


def _data_copy(tmp_path):
    for name in DATA_FILES:
        shutil.copy(Path(DEFAULT_DATA_DIR, name), tmp_path / name)
    shutil.copytree(Path(DEFAULT_DATA_DIR, "notifications"), tmp_path / "notifications")
    return tmp_path


def _edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in the file; return the 1-based line where it was."""
    text = path.read_text()
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old):])
    return text.count("\n", 0, at) + 1


@pytest.mark.parametrize(
    "file, old, new, says",
    [
        ("quiz.yaml", "  choices: [\"4\", \"5\", \"6\", \"8\"]", "  chioces: [\"4\"]", "question 'auth-count': unknown key 'chioces'"),
        ("quiz.yaml", "query: {count: {phase: auth}}", "query: {tally: {phase: auth}}", "unknown query 'tally'"),
        ("quiz.yaml", "query: {count: {phase: auth}}", "query: {count: {fase: auth}}", "unknown argument 'fase'"),
        ("quiz.yaml", "query: {count: {phase: auth}}", "answer: \"7\"", "answer '7' is not one of the choices"),
        ("narration.yaml", "  protocol: LDAP", "  protocol: carrier pigeon", "narration '2': unknown protocol"),
        ("narration.yaml", "  why: >-", "  wy: >-", "unknown key 'wy'"),
        ("exercises.yaml", "    answer = int((auth", "    answer = int((auth(", "solution is not valid Python"),
        ("phases.yaml", '  title: "Authentication', '  titel: "Authentication', "phase 'auth': unknown key 'titel'"),
        ("phases.yaml", '  title: "Authentication', '  title: "Authentication"\n  summary: "A', "'summary' is written in the phase's notebook source"),
        ("quiz.yaml", "- id: auth-count", "- id: auth-token-store", "duplicate id 'auth-token-store'"),
    ],
    ids=["unknown-key", "unknown-query", "unknown-filter", "answer-not-a-choice", "bad-protocol",
         "narration-typo", "bad-solution", "phase-typo", "prose-in-phases", "duplicate-id"],
)
def test_malformed_content_names_file_line_and_entry(tmp_path, file, old, new, says):
    folder = _data_copy(tmp_path)
    line = _edit(folder / file, old, new)
    with pytest.raises(DiagramError) as caught:
        load_course(folder)
    err = caught.value
    assert err.file == str(folder / file)
    assert says in str(err)
    assert err.line is not None and abs(err.line - line) <= 12  # the entry's or the key's own line
    assert err.source_line is not None


def test_broken_yaml_points_at_the_line(tmp_path):
    folder = _data_copy(tmp_path)
    line = _edit(folder / "quiz.yaml", "  phase: auth\n", "  phase: [auth\n")
    with pytest.raises(DiagramError, match="not valid YAML") as caught:
        load_course(folder)
    assert caught.value.file.endswith("quiz.yaml") and caught.value.line >= line


def test_content_that_contradicts_the_diagram_is_reported(tmp_path):
    folder = _data_copy(tmp_path)
    _edit(folder / "narration.yaml", '"Keystone -> LDAP: authn"', '"Keystone -> LDAP: login"')
    _edit(folder / "quiz.yaml", 'choices: ["4", "5", "6", "8"]', 'choices: ["4", "5", "7", "8"]')
    problems = load_course(folder).problems()
    assert any("narration.yaml" in p and "step 2" in p for p in problems)
    assert any("quiz.yaml" in p and "auth-count" in p and "not among the choices" in p for p in problems)


def test_today_questions_are_checked_against_todays_diagram(tmp_path):
    folder = _data_copy(tmp_path)
    assert load_course(folder).problems() == ()
    # Today, the super-conductor calls the scheduler. Redraw it as 2014's nova-api: the today question moves.
    _edit(folder / TODAY_FILE, '"super-conductor" -> "nova-scheduler": [rpc.call] select_destinations',
          '"nova-api" -> "nova-scheduler": [rpc.call] select_destinations')
    course = load_course(folder)
    (q,) = [q for q in course.quiz(TODAY) if q.id == "today-scheduler-caller"]
    assert q.answer(course.diagram_for(q)) == "nova-api"
    # nova-api is a choice: the edited diagram still answers the question. (observe.yaml names the step
    # as it was, so the observation questions on today's flow say they cannot read it.)
    problems = course.problems()
    assert problems and all("cannot read the observations" in p for p in problems)
    _edit(folder / TODAY_FILE, '"nova-scheduler" -> Placement: GET /allocation_candidates',
          '"nova-scheduler" -> "super-conductor": GET /allocation_candidates')
    problems = load_course(folder).problems()
    assert any("today-allocation-candidates" in p and "'super-conductor' is not among the choices" in p for p in problems)


def test_a_today_question_without_todays_diagram_is_reported(tmp_path):
    folder = _data_copy(tmp_path)
    (folder / TODAY_FILE).unlink()
    course = load_course(folder)  # the 2014 course loads; only the today bank cannot be checked
    problems = course.problems()
    assert problems and all("question 'today-" in p and "cannot read the" in p for p in problems)
    with pytest.raises(DiagramError):
        course.diagram_for(TODAY)


def test_a_question_in_an_unknown_bank_is_reported(tmp_path):
    folder = _data_copy(tmp_path)
    _edit(folder / "quiz.yaml", "  phase: overview\n", "  phase: overveiw\n")
    problems = load_course(folder).problems()
    assert any("unknown phase 'overveiw'" in p and "overview, review, today" in p for p in problems)


def test_components_come_from_data(course, diagram):
    components = course.components
    assert {p.code for p in diagram.participants} <= set(components)


# --- numbers the course's prose states about the 2014 diagram ------------------------------------------

WORDS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen".split()


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


@pytest.fixture(scope="module")
def prose():
    """The course text per source, each string's blanks collapsed (YAML and Markdown fold lines)."""
    import yaml

    sources = {name: yaml.safe_load(Path(DEFAULT_DATA_DIR, name).read_text(encoding="utf-8"))
               for name in ("quiz.yaml", "exercises.yaml")}
    notebooks = sorted(Path(__file__).resolve().parents[1].glob("course/notebooks/[0-9][0-9]-*.md"))
    assert notebooks, "no notebook sources in course/notebooks/"
    for path in notebooks:
        sources[path.stem] = [path.read_text(encoding="utf-8")]
    sources["notebooks"] = [text for path in notebooks for text in sources[path.stem]]
    return {name: " ".join(" ".join(s.split()) for s in _strings(data)) for name, data in sources.items()}


def test_counts_stated_in_the_prose_follow_the_diagram(diagram, prose):
    """Each count or step number the text states, recomputed from the diagram with the public API.

    The phrases are built from the computed numbers: when the diagram changes, the phrase is no longer
    in the text and the test names it. When you reword one of these sentences, reword it here too.
    """
    from flowlib import messages_table

    m = messages_table(diagram)

    def says(source, phrase):
        assert phrase in prose[source], f"{source} should say {phrase!r} (computed from the diagram)"

    def phase(name):
        return m[m["phase"] == name]

    def word(count, capital=False):
        return WORDS[count].capitalize() if capital else WORDS[count]

    def steps(frame):
        return frame["step"].tolist()

    auth, scheduling, network, volume = phase("auth"), phase("scheduling"), phase("network"), phase("volume")
    requests, replies = (auth["role"] == "request").sum(), (auth["role"] == "reply").sum()
    # the phase summaries at the top of each phase notebook (course/notebooks/NN-name.md)
    assert requests == replies
    says("01-auth", f"{word(len(auth), True)} messages, all synchronous request/reply pairs")
    says("03-image", f"{word(len(phase('image')), True)} messages. This is the phase where a large image")
    through_queue = network[(network["source"] == "MQ") | (network["target"] == "MQ")]
    says("04-network", f"{word(len(network), True)} messages, {word(len(through_queue))} of them through the queue")
    says("05-volume", f"{word(len(volume), True)} messages. The 2014 diagram attaches the volume")
    says("06-metadata", f"{word(len(phase('metadata')), True)} messages, and the only phase where the guest")
    guest = m[(m["source"] == "VM-instance") | (m["target"] == "VM-instance")]
    assert set(guest["phase"]) == {"metadata"}
    # quiz.yaml explanations
    (save,) = steps(m[m["label"] == "Save token"])
    says("quiz.yaml", f"Message {save} goes from Keystone to the {{answer}}")
    unlabelled_replies = auth[(auth["arrow"] == "dotted") & (auth["label"] == "")]
    says("quiz.yaml", f"{word(requests)} requests (client to Keystone, Keystone to LDAP, Keystone to the token store) "
                      f"and the {word(replies)} replies")
    says("quiz.yaml", f"even the {word(len(unlabelled_replies))} dotted arrows without a label")
    says("quiz.yaml", f"{{answer}} messages across {word(len(diagram.phases))} phases")
    sizes = m.groupby("phase", observed=True).size().sort_values(ascending=False)
    margin = sizes.iloc[0] - sizes.iloc[1]
    says("quiz.yaml", f"The {{answer}} phase, by {'a single message' if margin == 1 else word(margin) + ' messages'}")
    assert set(sizes.index[1:3]) == {"network", "volume"}  # "network and volume follow closely"
    to_queue = scheduling[scheduling["label"].str.contains("rpc|subcribe", case=False)]
    assert (to_queue["target"] == "MQ").all()  # "both casts, the call and every 'subscribe' arrow end there"
    # exercises.yaml hints
    compute_sends = network[network["source"] == "Nova-compute"]
    says("exercises.yaml", f"sends only {word(len(compute_sends))} message in it")
    cast_steps = steps(m[m["protocol"] == "rpc.cast"])
    says("exercises.yaml", f"Steps {' and '.join(map(str, cast_steps))} are casts")
    # the explorations' readings in the phase notebooks (course/notebooks/*.md)
    keystone_in = (auth["target"] == "Keystone").sum()
    assert 2 * keystone_in == len(auth)
    says("notebooks", "Keystone receives half of the messages")
    mq_db = scheduling["target"].isin(["MQ", "DB"]).sum()
    assert len(scheduling) - mq_db <= 2  # "receive almost every message"
    rpc = scheduling[scheduling["label"].str.contains("rpc", case=False)]
    casts, calls = rpc[rpc["protocol"] == "rpc.cast"], rpc[rpc["protocol"] == "rpc.call"]
    assert list(casts["source"]) == ["Nova-api", "Nova-Scheduler"] and list(calls["source"]) == ["Nova-compute"]
    says("notebooks", f"shows the {word(len(casts))} `rpc.cast`s")
    # "a hop the diagram leaves out": nothing of nova-conductor's between nova-api's cast and the scheduler
    conductor = scheduling[(scheduling["source"] == "Nova-conductor") | (scheduling["target"] == "Nova-conductor")]
    readers = scheduling[scheduling["label"].str.startswith("Subcribe")]
    assert readers.iloc[0]["source"] == "Nova-Scheduler" and conductor["step"].min() > casts["step"].max()
    says("02-scheduling", f"the {word(len(casts))} `rpc.cast`s (fire and forget) as the diagram draws them")
    says("08-then-and-now", "a hop the diagram leaves out")
    says("notebooks", f"and the {word(len(calls))} `rpc.call`")
    dhcp = steps(network[network["source"] == "Neutron-DHCP-agent"])
    l2 = steps(network[network["source"] == "Neutron-L2-agent"])
    asks = steps(network[(network["source"] == "Neutron-server") & network["label"].str.startswith("Request")])
    assert max(dhcp) < min(l2)
    says("notebooks", f"The DHCP agent's work (steps {min(dhcp)} to {max(dhcp)})")
    says("notebooks", f"the L2 agent's ({min(l2)} to {max(l2)})")
    says("notebooks", f"(steps {asks[0]} and {asks[1]})")
    order = volume.set_index("label")["step"]
    assert order["Start VM"] < order["pass volume info"] < order["mount volume"]
    web = m[m["label"].str.contains("http|rest", case=False)]
    assert list(dict.fromkeys(web["phase"])) == ["image", "volume", "metadata"]
    says("notebooks", "in the image, volume and metadata phases")
    first, launch = m.iloc[0], m[m["label"] == "launch instance"].iloc[0]
    assert (first["source"], first["target"], launch["source"], launch["target"]) == (
        "Client", "Keystone", "Client", "Nova-api")
    token_and_launch = f"the token request (step {first['step']}) and the launch request (step {launch['step']})"
    says("notebooks", token_and_launch)
    client = m[(m["source"] == "Client") | (m["target"] == "Client")]
    assert list(dict.fromkeys(client["phase"])) == ["auth", "scheduling", "status"]  # start and end only
    # the explanations of 00's warm-up quiz (quiz.yaml, phase: overview)
    phases = diagram.phases
    says("quiz.yaml", f"{{answer}}: {', '.join(phases[:-1])} and {phases[-1]}, in that order")
    queue = m[(m["source"] == "MQ") | (m["target"] == "MQ")]
    assert list(dict.fromkeys(queue["phase"])) == list(phases[1:5])
    says("quiz.yaml", f"Every phase from {phases[1]} to {phases[4]} goes through it")
    for group in ({"Nova-api", "Nova-Scheduler", "Nova-compute", "Nova-conductor"},
                  {"Neutron-server", "Neutron-DHCP-agent", "Neutron-L2-agent"}):
        assert not (m["source"].isin(group) & m["target"].isin(group)).any()  # "never send each other a message"
    senders, receivers = m["source"].value_counts(), m["target"].value_counts()
    assert senders.index[0] == "Nova-compute" and senders.iloc[0] > senders.iloc[1]  # "the busiest sender"
    ends = m["source"].value_counts().add(m["target"].value_counts(), fill_value=0).astype(int)
    ends = ends.sort_values(ascending=False, kind="stable")
    says("quiz.yaml", f"the message queue (RabbitMQ), with {ends['MQ']} messages")
    says("quiz.yaml", f"nova-compute comes a close second, with {ends['Nova-compute']}")
    assert ends.index[:2].tolist() == ["MQ", "Nova-compute"] and ends["MQ"] == ends["Nova-compute"] + 1
    says("quiz.yaml", f"The database takes part in {ends['DB']} messages")
