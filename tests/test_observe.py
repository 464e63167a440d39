"""What a learner would observe (observe.yaml): every step of both flows, real samples, located errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flowlib import DiagramError, parse_file
from launch_course import load_course
from launch_course.observe import FLOWS, load_observations, observation, observed_table

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "course" / "launch_course" / "content"
OBSERVED = load_observations()
COURSE = load_course()


@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_every_step_of_both_flows_is_observed(flow):
    diagram = parse_file(str(CONTENT / FLOWS[flow]))
    assert list(OBSERVED[flow]) == [m.step for m in diagram.messages]


@pytest.mark.parametrize("flow, created, active", [("2014", 8, 48), ("today", 13, 72)])
def test_the_states_follow_the_launch(flow, created, active):
    seen = OBSERVED[flow]
    assert seen[created - 1].status == "none" and seen[created].status == "BUILD"
    assert seen[active].status == "ACTIVE" and seen[active].power_state == "Running"
    assert seen[active - 1].power_state == "NOSTATE"
    assert "create" in seen[active].actions
    ports = [o.port for o in seen.values() if o.port != "none"]
    assert ports[0] == "DOWN" and "ACTIVE" in ports  # DOWN -> ACTIVE


def test_failure_branches_stay_in_their_branch():
    today = OBSERVED["today"]
    assert today[28].status == "ERROR" and today[28].fault == "No valid host was found. "
    assert today[30].status == "BUILD" and today[30].fault == ""  # NoValidHost does not leak out
    assert today[32].host is None and today[35].host == "compute-1"  # nor does the reschedule
    assert today[74].status == "ERROR" and today[74].port == "none"
    assert today[75].status == "ACTIVE"  # the main line goes on after the vif-timeout branch


def test_versioned_notifications_are_nova_samples():
    samples = sorted((CONTENT / "notifications").glob("*.json"))
    assert samples, "no notification samples"
    used = {n.sample for o in OBSERVED["today"].values() for n in o.notifications}
    assert used == {p.name for p in samples}
    create_end = next(n for n in OBSERVED["today"][72].notifications if n.event == "instance.create.end")
    assert create_end.payload() == json.loads((CONTENT / "notifications" / "instance-create-end.json").read_text())
    assert create_end.publisher == "nova-compute:compute" and not create_end.legacy
    assert all(n.legacy for o in OBSERVED["2014"].values() for n in o.notifications)


def test_observation_api_for_the_player_lane():
    o = COURSE.observation(30, flow="today")
    assert o == observation(30, flow="today")
    assert o.text().startswith("step 30: BUILD (vm_state building, task_state None")
    assert o.server_show()["OS-EXT-STS:power_state"] == "NOSTATE"
    assert COURSE.observation(1).server_show() == {}
    with pytest.raises(Exception):
        o.step = 3  # frozen
    with pytest.raises(KeyError):
        observation(1, flow="2015")


def test_the_table_shows_each_phase_with_the_verdicts():
    table = COURSE.observed_table("2014", "network")
    assert list(table["step"]) == [m.step for m in COURSE.diagram.phase_messages("network")]
    assert {"verdict", "status", "port", "notifications", "server event list"} <= set(table.columns)
    assert "verdict" not in COURSE.observed_table("today", "network").columns


def test_every_phase_has_an_observation_question():
    asked = {q.phase for q in COURSE.questions if q.query is not None and q.query.name in
             ("observed", "first_observed", "emitted_at")}
    assert set(COURSE.diagram.phases) <= asked


@pytest.mark.parametrize("old, new, says", [
    ("      task_state: spawning\n      note: \"The image", "      task_state: sleeping\n      note: \"The image",
     "task_state 'sleeping' is not one of"),
    ("sample: instance-create-end.json", "sample: instance-create-start.json", "is 'instance.create.start', not"),
    ('message: "Nova-api -> DB: Create initial entry for instance"', 'message: "Nova-api -> DB: create"',
     "but the diagram has"),
    ("      addresses: \"\"\n      fault: \"\"\n      actions: []\n      events: {}\n      note: \"No server yet",
     "      note: \"No server yet", "must give addresses"),
])
def test_mistakes_are_located_errors(tmp_path, old, new, says):
    for name in ("launch-instance.puml", "launch-instance-today.puml"):
        (tmp_path / name).write_text((CONTENT / name).read_text())
    (tmp_path / "notifications").mkdir()
    for sample in (CONTENT / "notifications").glob("*.json"):
        (tmp_path / "notifications" / sample.name).write_text(sample.read_text())
    text = (CONTENT / "observe.yaml").read_text()
    assert old in text
    (tmp_path / "observe.yaml").write_text(text.replace(old, new, 1))
    with pytest.raises(DiagramError) as err:
        load_observations(tmp_path / "observe.yaml")
    assert says in str(err.value) and err.value.line
