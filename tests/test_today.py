"""Today's flow: it renders, every step has well-formed references, and the bug hunt's verdicts hold."""

from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path

import pytest

from flowlib import DiagramError, parse_file
from launch_course.today import (
    VERDICTS,
    check_bughunt,
    check_reference,
    check_steps,
    load_bughunt,
    load_references,
    reference_url,
)

ROOT = Path(__file__).resolve().parent.parent
TODAY_FILE = ROOT / "course" / "launch_course" / "content" / "launch-instance-today.puml"
TODAY = parse_file(str(TODAY_FILE))
THEN = parse_file(str(ROOT / "course" / "launch_course" / "content" / "launch-instance.puml"))


def test_today_has_the_course_phases_in_order():
    assert TODAY.phases == ("auth", "scheduling", "image", "volume", "network", "metadata", "status")
    assert set(TODAY.phases) == set(THEN.phases)


def test_today_draws_the_current_architecture():
    codes = {p.code for p in TODAY.participants}
    assert {"Placement", "super-conductor", "cell-conductor", "API DB", "Cell DB", "cell0 DB",
            "neutron-metadata-agent", "metadata-proxy", "os-brick", "cinder-volume"} <= codes
    labels = " ".join(m.label for m in TODAY.messages)
    for fact in ("binding:host_id", "network-vif-plugged", "paused",
                 "resume", "X-Instance-ID-Signature", "/v3/attachments", "os-complete", "select_destinations"):
        assert fact in labels, fact
    assert any("config drive" in n.text for n in TODAY.notes)


def test_today_plugs_the_vifs_before_it_starts_the_guest_paused():
    # LibvirtDriver._create_guest_with_network: plug_vifs, then _create_guest(pause=True), then the
    # wait for network-vif-plugged, then resume.
    def step(target, word):
        return next(m.step for m in TODAY.messages if m.target == target and word in m.label)

    plug, paused = step("os-vif", "plug"), step("libvirt", "paused")
    event, resume = step("nova-api", "network-vif-plugged"), step("libvirt", "resume")
    assert plug < paused < event < resume
    verdicts = load_bughunt()
    start_vm = next(v for v in verdicts.values() if v.message == "Nova-compute -> libvirt: Start VM")
    assert start_vm.today == (paused, resume)
    port_update = next(v for v in verdicts.values() if v.message == "Nova-compute -> libvirt: Port_update")
    assert plug in port_update.today and paused not in port_update.today


def test_today_failure_paths_are_alt_groups():
    alts = [g for g in TODAY.groups if g.kind == "alt"]
    else_labels = " ".join(label for g in alts for label in g.else_labels)
    for path in ("NoValidHost", "RescheduledException", "vif_plugging_timeout"):
        assert path in else_labels, path
    assert all(g.else_labels for g in alts)


@pytest.mark.plantuml
def test_today_renders_with_plantuml():
    if shutil.which("plantuml") is None:
        pytest.skip("install PlantUML (Debian: apt-get install plantuml) to check the diagram renders")
    done = subprocess.run(["plantuml", "-checkonly", str(TODAY_FILE)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_step_has_references_matching_the_diagram():
    refs = load_references()
    assert check_steps(refs, TODAY, "today-references.yaml") == []
    assert all(entry.refs for entry in refs.values())


def test_every_reference_is_well_formed():
    refs = [r for entry in load_references().values() for r in entry.refs]
    refs += [r for v in load_bughunt().values() for r in v.refs]
    assert [problem for r in refs if (problem := check_reference(r))] == []
    assert any(r.startswith("nova:") for r in refs) and any(r.startswith("neutron:") for r in refs)
    assert any(r.startswith("cinder:") for r in refs) and any(r.startswith("https://docs.openstack.org/") for r in refs)


@pytest.mark.parametrize(
    "ref",
    [
        "nova/conductor/manager.py:1561",           # a line number, no project
        "nova:nova/conductor/manager.py",           # no symbol
        "nova:nova/conductor/manager::x",           # not a .py file
        "novaa:nova/x.py::f",                       # unknown project
        "nova:../etc/passwd.py::f",                 # leaves the repository
        "http://docs.openstack.org/nova",           # not https
        "https://docs.openstack.org/<script>",      # not a clean URL
    ],
)
def test_malformed_references_are_refused(ref):
    assert check_reference(ref) is not None


def test_reference_urls():
    assert reference_url("nova:nova/virt/block_device.py::DriverVolumeBlockDevice._volume_attach") == (
        "https://opendev.org/openstack/nova/src/branch/master/nova/virt/block_device.py"
    )
    assert reference_url("https://docs.openstack.org/nova/latest/") == "https://docs.openstack.org/nova/latest/"


def test_a_drifted_step_is_reported(tmp_path):
    bad = tmp_path / "refs.yaml"
    bad.write_text('references:\n  1:\n    message: "Client -> Keystone: hello"\n    refs: ["https://x.org/a"]\n')
    problems = check_steps(load_references(bad), TODAY, "refs.yaml")
    assert problems[0].startswith("refs.yaml: no entry for step 2")
    assert any("step 1 says 'Client -> Keystone: hello'" in p for p in problems)


def test_a_bad_reference_in_the_file_is_a_located_error(tmp_path):
    bad = tmp_path / "refs.yaml"
    bad.write_text('references:\n  1:\n    message: "x"\n    refs: ["nova:nova/x.py"]\n')
    with pytest.raises(DiagramError) as err:
        load_references(bad)
    assert err.value.line == 3 and "step 1" in str(err.value)


def test_bughunt_has_a_verdict_for_every_2014_step():
    verdicts = load_bughunt()
    assert check_steps(verdicts, THEN, "bughunt.yaml") == []
    assert {v.verdict for v in verdicts.values()} == set(VERDICTS)
    steps_now = {m.step for m in TODAY.messages}
    assert all(set(v.today) <= steps_now for v in verdicts.values())
    assert all(v.today for v in verdicts.values() if v.out_of_date)


def test_bughunt_knows_the_classic_mistakes():
    verdicts = load_bughunt()
    by_message = {v.message: v for v in verdicts.values()}
    assert by_message["Keystone -> Token Store: Save token"].verdict == "outdated"
    # Even in 2014 nova-api cast build_instances to nova-conductor, not to the scheduler (issue 11).
    assert by_message["Nova-api -> MQ: [rpc.cast] to request new instance"].verdict == "wrong"
    assert by_message["Neutron-DHCP-agent -> dnsmasq: allocate IP"].verdict == "wrong"
    assert by_message["Client -> Keystone: Authentication Request"].verdict == "ok"


def test_check_bughunt_sorts_flags_into_found_missed_and_false_alarms():
    verdicts = load_bughunt()
    out_of_date = [s for s, v in verdicts.items() if v.out_of_date]
    perfect = check_bughunt(out_of_date)
    assert perfect.perfect and perfect.score == f"{len(out_of_date)}/{len(out_of_date)}"
    result = check_bughunt([1, 4, 4, 999])
    assert [v.step for v in result.found] == [4]
    assert [v.step for v in result.false_alarms] == [1]
    assert result.unknown == (999,)
    assert len(result.missed) == len(out_of_date) - 1 and not result.perfect
    assert "#4 Keystone -> Token Store: Save token [outdated]" in result.text()
    page = result._repr_html_()
    assert "Token Store" in page and "<script" not in page


def test_check_bughunt_takes_a_single_step():
    one = check_bughunt(4)
    assert one.flagged == (4,) and [v.step for v in one.found] == [4] and one.invalid == ()
    assert check_bughunt({4, 9}).flagged == (4, 9)  # any collection of numbers
    assert check_bughunt(n for n in (9, 4)).flagged == (4, 9)


@pytest.mark.parametrize(
    "flagged, shown",
    [
        (["x"], ["'x'"]),
        ([4, "x", 4.5, None, True], ["'x'", "4.5", "None", "True"]),
        (["9"], ["'9'"]),          # a number typed as text
        ("4, 9", ["'4, 9'"]),      # the whole list typed as text
        (None, ["None"]),
        (4.0, ["4.0"]),
        ([[4, 9]], ["[4, 9]"]),
    ],
    ids=["text", "mixed", "quoted-number", "string", "none", "float", "nested"],
)
def test_check_bughunt_explains_bad_flags_instead_of_raising(flagged, shown):
    result = check_bughunt(flagged)
    assert list(result.invalid) == shown and not result.perfect
    text = result.text()
    first = text.splitlines()[0]
    assert first.startswith("Not step numbers: " + ", ".join(shown))
    assert "whole numbers in a list, for example flagged = [4, 9]" in first
    assert not any(word in text for word in ("Traceback", "TypeError", "ValueError"))
    page = result._repr_html_()
    assert "Not step numbers" in page and "flagged = [4, 9]" in page and "<script" not in page
    if 4 in (flagged if isinstance(flagged, list) else []):
        assert result.flagged == (4,) and [v.step for v in result.found] == [4]  # good flags still count


def test_missed_steps_stay_hidden_unless_revealed():
    verdicts = load_bughunt()
    hidden = check_bughunt([4])
    assert sum(n for _, n in hidden.missed_by_phase) == len(hidden.missed)
    assert dict(hidden.missed_by_phase)["auth"] == 1  # step 5, the Token Store's answer
    assert "Still to find" in hidden.text() and "Save token" in hidden.text()
    assert "Token Store --> Keystone" not in hidden.text()
    shown = check_bughunt([4], reveal=True)
    assert "Token Store --> Keystone" in shown.text() and "Still to find" not in shown.text()
    assert all(html.escape(v.message) in shown._repr_html_() for v in shown.missed)
    assert len(verdicts) == len(THEN.messages)


def test_today_narration_and_references_table():
    from launch_course.today import reference_narration, references_table

    narration = reference_narration(TODAY)
    assert set(narration) == {m.step for m in TODAY.messages}
    assert narration[14].protocol.startswith("RPC cast") and narration[4].protocol == "REST (HTTP)"
    assert "`nova:nova/conductor/manager.py::ComputeTaskManager._bury_in_cell0`" in narration[28].now
    frame = references_table(TODAY, phase="volume")
    assert list(frame.columns) == ["step", "phase", "message", "references"]
    assert set(frame["phase"]) == {"volume"} and frame["references"].str.len().min() > 0

