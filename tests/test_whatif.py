"""flowlib.analysis.whatif: the causal rules on small diagrams whose answer is obvious by hand, then the real flows."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowlib import DiagramError, parse, parse_file
from flowlib.analysis.whatif import (
    STATUSES,
    Scenario,
    load_scenarios,
    what_if,
)
from flowlib.views.impact import impact_view, what_if_frames
from flowlib.widgets.whatif import WhatIfExplorer, what_if_explorer

ROOT = Path(__file__).resolve().parent.parent
THEN = parse_file(str(ROOT / "course" / "launch_course" / "content" / "launch-instance.puml"))
NOW = parse_file(str(ROOT / "course" / "launch_course" / "content" / "launch-instance-today.puml"))
SCENARIOS = load_scenarios(ROOT / "course" / "launch_course" / "content" / "failures.yaml")


def flow(body: str):
    return parse(f"@startuml\n{body}\n@enduml\n")


def statuses(impact):
    return [s.status for s in impact.steps]


def test_chain_a_b_c():
    d = flow("A -> B: ask\nB -> C: ask\nC --> B: answer\nB --> A: answer\nA -> A: use it")
    impact = what_if(d, "C", ())
    assert statuses(impact) == ["ok", "fails", "fails", "never", "never"]
    assert dict(impact.blocked) == {"B": 2, "A": 4}  # B waited for C, then A waited for B
    impact = what_if(d, "B", ())
    assert statuses(impact) == ["fails", "fails", "never", "fails", "never"]  # C was never asked


def test_fan_out_keeps_the_branch_that_does_not_touch_the_failure():
    d = flow("A ->> B: do x\nA ->> C: do y\nB -> D: x done\nC -> E: y done")
    impact = what_if(d, "B", ())
    assert statuses(impact) == ["fails", "ok", "fails", "ok"]
    assert impact.never_steps == ()


def test_an_independent_branch_still_completes():
    d = flow("== one ==\nA -> B: ask\nA -> C: then this\n== two ==\nX -> Y: unrelated\nY --> X: done")
    impact = what_if(d, "B", ())
    assert statuses(impact) == ["fails", "never", "ok", "ok"]
    assert impact.incomplete_phases == ("one",)


def test_a_participant_set_to_work_by_a_failed_message_does_nothing():
    d = flow("A ->> Q: [rpc.cast] build it\nQ -> Q: build\nQ ->> R: report")
    impact = what_if(d, "mq", (Scenario("mq", "MQ", carries=r"rpc\.cast", state="", user_sees=""),))
    assert statuses(impact) == ["fails", "never", "never"]
    assert "travels through MQ" in impact.reason(1)


def test_a_participant_that_missed_its_first_message_cannot_answer():
    d = flow("Agent -> D: host entry\nVM -> D: DHCP request\nD --> VM: DHCP answer\nVM -> M: metadata")
    impact = what_if(d, "Agent", ())
    assert statuses(impact) == ["fails", "fails", "never", "never"]
    assert impact.reason(2).startswith("no answer: D")
    assert dict(impact.blocked) == {"VM": 2}


def test_casts_and_replies_block_nobody():
    d = flow("A -> B: [rpc.cast] go\nA -> C: carry on\nB --> A: late reply\nA -> D: still here")
    assert statuses(what_if(d, "B", ())) == ["fails", "ok", "fails", "ok"]


def test_an_alt_first_branch_failure_takes_the_else_branch():
    d = flow(
        "A -> B: start\n"
        "alt it works\n  B -> C: ask\n  C --> B: yes\n  B -> D: next\n"
        "else C is down\n  B -> E: record the error\n"
        "else another\n  B -> F: other\nend\n"
        "A -> G: afterwards"
    )
    impact = what_if(d, "C", ())
    assert statuses(impact) == ["ok", "fails", "never", "never", "taken", "not_taken", "ok"]
    assert impact.taken_branches == ("C is down",)
    assert impact.blocked == ()  # B handled the error instead of blocking
    assert what_if(d, "C", (Scenario("c", "C", ("C",), branch="another", state="", user_sees=""),)).taken_steps == (6,)


RESCHEDULE = Scenario("claim", "The host cannot build", messages=("claim",), state="ACTIVE elsewhere", user_sees="")


def test_a_failure_path_that_rejoins_the_flow_lets_the_phase_complete():
    d = flow(
        "== place ==\nA ->> B: build\n"
        "alt B can build\n  B -> B: claim\n  B -> C: save\n"
        "else B cannot build\n  B ->> R: reschedule\n  R ->> B2: build there\nend\n"
        "== run ==\nB -> D: start the guest\nD --> B: started"
    )
    impact = what_if(d, "claim", (RESCHEDULE,))
    assert statuses(impact) == ["ok", "fails", "never", "taken", "taken", "ok", "ok"]
    assert impact.recovered_branches == ("B cannot build",) and impact.recovered_steps == (2, 3)
    assert impact.incomplete_phases == ()  # the build goes on: nothing is left undone
    assert not impact.completes  # but it did not go as normal
    assert "(the flow goes on after it)" in impact.summary()


def test_a_failure_path_that_ends_the_flow_leaves_the_phase_incomplete():
    d = flow(
        "== place ==\nA ->> B: build\n"
        "alt B can build\n  B -> B: claim\n  B ->> D: boot\n"
        "else B cannot build\n  B -> E: record the error\nend\n"
        "== run ==\nD -> V: start the guest"
    )
    impact = what_if(d, "claim", (RESCHEDULE,))
    assert statuses(impact) == ["ok", "fails", "never", "taken", "never"]  # nobody told D to boot
    assert impact.taken_branches == ("B cannot build",) and impact.recovered_branches == ()
    assert impact.incomplete_phases == ("place", "run")
    assert "goes on" not in impact.summary()


def test_a_fallback_that_needs_the_failed_component_fails_too():
    def disk(fallback):
        return flow(
            "== disk ==\nA ->> C: build\n"
            "alt the store clones the image\n  C -> S: clone\n"
            f"else download instead\n  C -> G: download\n  G --> C: data\n  {fallback}\nend\n"
            "== boot ==\nC -> V: start\nC -> DB: ACTIVE"
        )

    impact = what_if(disk("C -> S: import the data"), "S", ())
    assert statuses(impact) == ["ok", "fails", "taken", "taken", "fails", "never", "never"]
    assert impact.status(7) == "never"  # no ACTIVE: the fallback needed S as well
    assert impact.recovered_branches == () and impact.incomplete_phases == ("disk", "boot")
    assert dict(impact.blocked) == {"C": 5}
    impact = what_if(disk("C -> C: write a local disk"), "S", ())
    assert statuses(impact) == ["ok", "fails", "taken", "taken", "taken", "ok", "ok"]
    assert impact.recovered_branches == ("download instead",) and impact.incomplete_phases == ()


def test_titles_say_what_goes_wrong():
    d = flow("A -> B: claim\nA -> C: next")
    assert what_if(d, "B", ()).summary().startswith("What if B fails:")
    assert what_if(d, {"B", "C"}, ()).summary().startswith("What if B and C fail:")
    assert what_if(d, "claim", (RESCHEDULE,)).summary().startswith("What if the host cannot build:")
    named = Scenario("n", "Neutron does not notify Nova", messages=("next",), state="", user_sees="")
    assert what_if(d, {"B", "n"}, (named,)).summary().startswith("What if B fails and Neutron does not notify Nova:")
    assert "<b>What if the host cannot build</b>" in impact_view(what_if(d, "claim", (RESCHEDULE,))).html()
    assert what_if(d, set(), ()).summary().startswith("What if nothing fails:")


def test_the_scenario_texts_show_commands_as_code_and_nothing_else_as_markup():
    d = flow("A -> B: claim\nA -> C: next")
    told = Scenario("claim", "The host cannot build", messages=("claim",), state="ERROR (`server show`)",
                    user_sees="`openstack server create` answers <b>202</b>")
    page = impact_view(what_if(d, "claim", (told,))).html()
    assert "<code>openstack server create</code> answers &lt;b&gt;202&lt;/b&gt;" in page
    assert "ERROR (<code>server show</code>)" in page and "`" not in page


def test_an_alt_that_never_starts_takes_no_branch():
    d = flow("A -> B: start\nalt it works\n  B -> C: ask\nelse failure\n  B -> D: error\nend")
    assert statuses(what_if(d, "A", ())) == ["fails", "never", "not_taken"]


def test_the_normal_run_takes_no_else_branch():
    d = flow("A -> B: x\nalt ok\n  B -> C: y\nelse broken\n  B -> D: z\nend")
    impact = what_if(d, set(), ())
    assert statuses(impact) == ["ok", "ok", "not_taken"]
    assert impact.completes and impact.incomplete_phases == ()


def test_a_failing_condition_is_a_message_not_a_component():
    none_fit = Scenario("nvh", "no room", messages=("allocation_candidates",), state="ERROR", user_sees="")
    inside = flow("alt found\n  S -> P: GET /allocation_candidates\n  S -> S: pick\nelse none\n  S -> X: bury\nend")
    impact = what_if(inside, "nvh", (none_fit,))
    assert statuses(impact) == ["fails", "never", "taken"]
    assert impact.failed == () and impact.blocked == ()
    outside = flow("S -> P: GET /allocation_candidates\nS -> S: pick")
    impact = what_if(outside, "nvh", (none_fit,))
    assert statuses(impact) == ["fails", "never"]  # no failure path drawn: S is stuck
    assert dict(impact.blocked) == {"S": 1}


def test_unknown_components_are_refused():
    with pytest.raises(ValueError, match="unknown component 'Z'"):
        what_if(flow("A -> B: x"), "Z", ())


def test_names_compare_loosely_and_display_names_work():
    d = flow('participant "Nova API" as api\napi -> "nova-scheduler": x')
    assert what_if(d, "nova api", ()).failed == ("api",)
    assert what_if(d, "Nova_Scheduler", ()).failed == ("nova-scheduler",)


def test_impact_views_show_the_statuses():
    d = flow('== p ==\nA -> B: <script>x</script>\nB --> A: ok\nA -> C: next')
    impact = what_if(d, "B", ())
    view = impact_view(impact)
    frame = view.table()
    assert list(frame.columns) == ["step", "phase", "message", "status", "reason"]
    assert list(frame["status"]) == ["fails", "fails", "never"]
    assert list(frame["status"].cat.categories) == list(STATUSES)
    page = view.html()
    assert "<script>" not in page and "&lt;script&gt;" in page
    svg = view.svg().source
    assert "<script>" not in svg
    assert svg.count("#D62728") >= 2  # the failing arrows
    assert 'stroke-dasharray="3,3"' in svg  # step 3 never happens
    assert "fails" in impact.summary() and "#3" in impact.summary()


def test_scenarios_file_is_well_formed():
    scenarios = SCENARIOS
    ids = [s.id for s in scenarios]
    assert len(ids) == len(set(ids)) >= 10
    assert {"mq", "db", "placement", "glance", "dhcp-agent", "l2-agent", "no-valid-host", "claim-fails",
            "host-not-mapped"} <= set(ids)
    for s in scenarios:
        assert s.state and s.user_sees and (s.participants or s.carries or s.messages)
        assert all(r.startswith("https://") for r in s.references)


@pytest.mark.parametrize(
    "text, message",
    [
        ("scenarios:\n  - id: x\n    component: X\n    state: s\n", "missing key 'user_sees'"),
        ("scenarios:\n  - id: x\n    component: X\n    state: s\n    user_sees: u\n    messages: ['(']\n",
         "bad regular expression"),
        ("scenarios:\n  - id: x\n    component: X\n    state: s\n    user_sees: u\n    colour: red\n", "unknown key"),
        ("scenarios:\n  - id: x\n    component: X\n    state: s\n    user_sees: u\n", "needs participants"),
        ("scenarios: [\n", "not valid YAML"),
    ],
    ids=["missing", "regex", "unknown-key", "no-target", "yaml"],
)
def test_bad_scenario_files_name_the_problem(tmp_path, text, message):
    path = tmp_path / "failures.yaml"
    path.write_text(text)
    with pytest.raises(DiagramError, match=message) as err:
        load_scenarios(path)
    assert err.value.file == str(path) and err.value.line is not None


# --- the course's flows --------------------------------------------------------------------------


def test_today_normal_run_completes_without_its_failure_paths():
    impact = what_if(NOW, set())
    assert impact.completes
    not_taken = impact.steps_with("not_taken")
    assert not_taken and all(s in range(g.first_step, g.last_step + 1) for s in not_taken for g in [
        next(g for g in NOW.groups if g.first_step <= s <= g.last_step)])


def test_placement_down_buries_the_instance_in_cell0():
    impact = what_if(NOW, "Placement", SCENARIOS)
    assert impact.taken_branches and impact.taken_branches[0].startswith("NoValidHost")
    buried = [NOW.messages[s - 1] for s in impact.taken_steps]
    assert any(m.target == "cell0 DB" for m in buried)
    assert {impact.status(m.step) for m in NOW.messages if m.source == "nova-compute"} == {"never", "not_taken"}
    assert "No valid host" in impact.state


def test_vif_plug_timeout_ends_in_error_and_the_guest_never_boots():
    impact = what_if(NOW, "l2-agent", SCENARIOS)
    assert "vif_plugging_timeout" in impact.taken_branches[0]
    assert any("ERROR" in NOW.messages[s - 1].label for s in impact.taken_steps)
    assert "metadata" in impact.incomplete_phases
    assert impact.status(next(m.step for m in NOW.messages if m.target == "VM-instance")) == "never"


def test_dhcp_agent_down_keeps_the_port_down_until_the_vif_plug_timeout():
    # Provisioning blocks (neutron/db/provisioning_blocks.py): the DHCP agent's report is one of the two
    # the port needs to go ACTIVE, so without it Nova never gets network-vif-plugged.
    impact = what_if(NOW, "Neutron-DHCP-agent", SCENARIOS)
    up = next(m for m in NOW.messages if "update_device_up" in m.label)
    assert impact.status(up.step) == "fails"
    assert "vif_plugging_timeout" in impact.taken_branches[0]
    dhcp = next(m for m in NOW.messages if m.source == "VM-instance" and m.target == "dnsmasq")
    assert impact.status(dhcp.step) == "never"  # the guest never boots
    assert impact.incomplete_phases == ("network", "metadata")
    assert impact.status(NOW.messages[-1].step) == "ok"  # the API still reports the server, in ERROR
    assert impact.state.startswith("ERROR")


def test_an_unmapped_host_buries_the_instance_in_cell0():
    impact = what_if(NOW, "host-not-mapped", SCENARIOS)
    assert impact.taken_branches and impact.taken_branches[0].startswith("NoValidHost")
    assert any(NOW.messages[s - 1].target == "cell0 DB" for s in impact.taken_steps)
    assert "not mapped to any cell" in impact.state


def active_step(diagram):
    return next(m.step for m in diagram.messages if "vm_state ACTIVE" in m.label)


def test_a_failed_claim_reschedules_and_the_launch_goes_on():
    impact = what_if(NOW, "claim-fails", SCENARIOS)
    assert any(NOW.messages[s - 1].target == "AltCompute" for s in impact.taken_steps)
    assert impact.recovered_branches == impact.taken_branches
    assert impact.incomplete_phases == ()  # ACTIVE on the alternate host
    assert impact.status(active_step(NOW)) == "ok"
    assert "ACTIVE" in impact.state
    assert impact.summary().startswith("What if the chosen host cannot build (reschedule):")


def test_ceph_down_fails_the_clone_and_its_fallback():
    impact = what_if(NOW, "ceph", SCENARIOS)
    assert impact.taken_branches and impact.recovered_branches == ()
    rbd_import = next(m for m in NOW.messages if m.target == "Ceph" and "import" in m.label)
    assert impact.status(rbd_import.step) == "fails"  # images_type=rbd: the download path ends in Ceph
    assert impact.status(active_step(NOW)) == "never" and impact.never_steps
    assert "image" in impact.incomplete_phases and "ERROR" in impact.state


def test_every_scenario_agrees_with_its_stated_outcome():
    for scenario in SCENARIOS:
        impact = what_if(NOW, scenario.id, SCENARIOS)
        active = impact.status(active_step(NOW)) == "ok"
        assert active == scenario.state.startswith("ACTIVE"), scenario.id


def test_mq_down_stops_every_rpc_of_today_and_2014():
    now = what_if(NOW, "mq", SCENARIOS)
    assert now.failed == ()  # today's diagram does not draw the queue...
    assert now.failing_steps and all("rpc." in NOW.messages[s - 1].label for s in now.failing_steps)
    then = what_if(THEN, "mq", SCENARIOS)
    assert then.failed == ("MQ",)
    assert {"scheduling", "image", "network", "volume"} <= set(then.incomplete_phases)


def test_placement_did_not_exist_in_2014():
    impact = what_if(THEN, "placement", SCENARIOS)
    assert impact.failed == () and impact.completes


def test_frames_precompute_one_view_per_choice():
    frames = what_if_frames(NOW, ["placement", "Glance-api", "l2-agent"], SCENARIOS, phase="scheduling")
    assert [label for label, _ in frames] == ["Placement", "Glance-api", "Neutron L2 agent (vif-plug timeout)"]
    assert all("<svg" in body for _, body in frames)


def test_the_explorer_ships_every_frame_and_switches_them_in_the_browser():
    box = what_if_explorer(NOW, ["placement", "dhcp-agent"], SCENARIOS, phase="network")
    frames = what_if_frames(NOW, ["placement", "dhcp-agent"], SCENARIOS, phase="network")
    assert box.labels == [label for label, _ in frames] == ["Placement", "Neutron-DHCP-agent"]
    assert box.frames == [body for _, body in frames] and box.index == 0
    assert repr(box) == "WhatIfExplorer(2 choices)" and repr(WhatIfExplorer(labels=["a"], frames=["a"])) == \
        "WhatIfExplorer(1 choice)"
    # One ES module, the same in JupyterLab and on the static site; the choice happens in it.
    assert box._esm.rstrip().endswith("export default { render };")
    assert 'addEventListener("change"' in box._esm and "label.htmlFor = id" in box._esm
    assert "option.textContent = labels[i]" in box._esm  # labels are text, never markup
    bundle = box._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    fallback = bundle["text/html"]
    assert "Placement" in fallback and "Neutron-DHCP-agent" in fallback and "<svg" not in fallback
    box.choose("Neutron-DHCP-agent")
    assert box.index == 1
    sent = []
    box.send_state = lambda key=None: sent.append(key)
    box.choose("Neutron-DHCP-agent")   # the reader may have moved it in the browser since: say it again
    assert sent == ["index"]
    with pytest.raises(ValueError, match="the choices are: 'Placement', 'Neutron-DHCP-agent'"):
        box.choose("Glance")


def test_the_explorer_keeps_hostile_labels_as_text():
    hostile = parse('participant "<img src=x onerror=alert(1)> & co" as X\nA -> X: <script>alert(2)</script>')
    name = "<img src=x onerror=alert(1)> & co"
    box = what_if_explorer(hostile, [name])
    assert box.labels == [name]   # text: the select sets it with textContent (checked above and in the browser)
    frame = box.frames[0]
    assert "<script>" not in frame and "&lt;script&gt;" in frame       # the failing message's label
    assert "<img src=x" not in frame and "&lt;img src=x" in frame     # the component's name
    fallback = box._repr_mimebundle_()["text/html"]
    assert "<img src=x" not in fallback and "&lt;img src=x onerror=alert(1)&gt; &amp; co" in fallback


def test_one_line_summary_agrees_in_number():
    from flowlib.views.impact import _one_line

    assert _one_line(what_if(parse("A -> B: hi\nB -> C: go"), "C")).startswith("1 step fails and 0 never happen;")
    never_once = what_if(parse("A -> B: hi\nB --> A: ok\nA -> C: go"), "B")
    assert _one_line(never_once).startswith("2 steps fail and 1 never happens;")
