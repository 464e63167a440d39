"""flowlib.analysis.diff: matching rules on small flows whose answer is clear by hand, then the real then-and-now."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from flowlib import DiagramError, parse
from flowlib.cli import main
from launch_course import load_course
from flowlib.analysis.diff import (
    KINDS,
    Equivalences,
    diff_flows,
    label_similarity,
    load_equivalences,
    normalise_label,
)
from flowlib.views.diffview import diff_view

ROOT = Path(__file__).resolve().parent.parent
THEN = ROOT / "course" / "launch_course" / "content" / "launch-instance.puml"
NOW = ROOT / "course" / "launch_course" / "content" / "launch-instance-today.puml"


def flow(body: str):
    return parse(f"@startuml\n{body}\n@enduml\n")


def kinds(diff):
    return [(c.kind, c.old_step, c.new_step) for c in diff.messages]


def test_identical_flows_are_all_unchanged():
    text = "== a ==\nA -> B: hello\nB --> A: done\n== b ==\nA -> C: go"
    diff = diff_flows(flow(text), flow(text), {})
    assert kinds(diff) == [("unchanged", 1, 1), ("unchanged", 2, 2), ("unchanged", 3, 3)]
    assert {p.kind for p in diff.participants} == {"same"}
    assert diff.counts() == {"unchanged": 3, "changed": 0, "rerouted": 0, "removed": 0, "added": 0}


def test_same_ends_with_a_new_label_is_changed():
    diff = diff_flows(flow("== a ==\nA -> B: launch instance"), flow("== a ==\nA -> B: POST /servers"), {})
    assert kinds(diff) == [("changed", 1, 1)]
    assert 0 <= diff.messages[0].similarity < 1


def test_names_compare_loosely_and_through_the_equivalence_map():
    old = flow('== a ==\n"Nova-api" -> DB: write the instance')
    new = flow('== a ==\n"nova-api" -> "API DB": write the build request')
    assert kinds(diff_flows(old, new, {})) == [("rerouted", 1, 1)]  # the source is kept, the target is not
    diff = diff_flows(old, new, {"database": ["DB", "API DB"]})
    assert kinds(diff) == [("changed", 1, 1)]
    assert [(p.kind, p.old, p.new) for p in diff.participants] == [
        ("same", ("Nova-api",), ("nova-api",)),
        ("equivalent", ("DB",), ("API DB",)),
    ]


def test_one_end_kept_and_a_similar_label_is_rerouted():
    old = flow("== s ==\nAPI -> MQ: [rpc.cast] request new instance\nSched -> MQ: subscribe")
    new = flow("== s ==\nAPI -> Conductor: [rpc.cast] request the new instance\nConductor -> Sched: select")
    diff = diff_flows(old, new, Equivalences(relays=("MQ",)))
    assert kinds(diff) == [("rerouted", 1, 1), ("removed", 2, None), ("added", None, 2)]
    assert diff.participants_added == ("Conductor",)
    assert diff.participants_removed == ("MQ",)


def test_a_relay_end_matches_any_participant_but_never_makes_a_change():
    old = flow("== s ==\nSched -> MQ: rpc.cast to launch instance")
    new = flow("== s ==\nConductor -> Compute: [rpc.cast] build_and_run_instance")
    assert kinds(diff_flows(old, new, {})) == [("removed", 1, None), ("added", None, 1)]
    assert kinds(diff_flows(old, new, Equivalences(relays=("MQ",)))) == [("rerouted", 1, 1)]
    same_relay = flow("== s ==\nSched -> MQ: something else entirely")
    assert kinds(diff_flows(old, same_relay, Equivalences(relays=("MQ",))))[0][0] != "changed"


def test_messages_match_only_within_their_phase():
    diff = diff_flows(flow("== a ==\nA -> B: hello"), flow("== b ==\nA -> B: hello"), {})
    assert kinds(diff) == [("removed", 1, None), ("added", None, 1)]
    assert diff.phases == ("a", "b")


def test_the_best_pairs_are_taken_first():
    old = flow("== a ==\nA -> B: read the cluster state\nA -> B: save the instance state")
    new = flow("== a ==\nA -> B: save instance state\nA -> B: read cluster state")
    diff = diff_flows(old, new, {})
    assert kinds(diff) == [("unchanged", 2, 1), ("unchanged", 1, 2)]


def test_removed_rows_sit_after_the_row_of_the_message_before_them():
    old = flow("== a ==\nA -> B: one\nA -> C: two\nA -> B: three")
    new = flow("== a ==\nA -> B: one\nA -> B: three\nA -> D: four")
    assert kinds(diff_flows(old, new, {})) == [
        ("unchanged", 1, 1), ("removed", 2, None), ("unchanged", 3, 2), ("added", None, 3),
    ]


def test_diff_is_deterministic_and_frozen():
    old, new = flow("== a ==\nA -> B: x\nA -> B: x\nB -> A: y"), flow("== a ==\nA -> B: x\nB -> A: z")
    first, second = diff_flows(old, new, {}), diff_flows(old, new, {})
    assert first.messages == second.messages and first.participants == second.participants
    with pytest.raises(AttributeError):
        first.messages = ()


def test_normalised_labels_and_similarity():
    assert normalise_label("[rpc.cast] to request new instance") == "rpc cast request new instance"
    assert label_similarity("", "") == 1.0
    assert label_similarity("Read instance state", "read the instance state") == 1.0
    assert label_similarity("read IP", "allocate the network") < label_similarity("read IP", "read the IP")


def test_table_has_one_typed_row_per_change():
    diff = diff_flows(flow("== a ==\nA -> B: one\nA -> C: two"), flow("== a ==\nA -> B: uno"), {})
    frame = diff_view(diff).table()
    assert list(frame.columns) == ["kind", "phase", "old_step", "old", "new_step", "new", "similarity"]
    assert list(frame["kind"]) == ["changed", "removed"]
    assert list(frame["kind"].cat.categories) == list(KINDS)
    assert str(frame["old_step"].dtype) == "Int64"
    assert frame["new_step"].isna().tolist() == [False, True]


def test_counts_per_phase_and_a_short_summary():
    diff = diff_flows(flow("== a ==\nA -> B: one\n== b ==\nA -> C: two"), flow("== a ==\nA -> B: uno"), {})
    table = diff_view(diff).counts_table()
    assert list(table.index) == ["a", "b"] and list(table.columns) == list(KINDS)
    assert table.loc["a", "changed"] == 1 and table.loc["b", "removed"] == 1
    assert "== a ==" in diff.summary() and "== a ==" not in diff.summary(phases=False)


def test_html_and_side_by_side_escape_labels():
    old = flow('== a ==\nA -> B: <script>alert("x")</script>')
    new = flow("== a ==\nA -> C: <b>&amp;</b>")
    diff = diff_view(diff_flows(old, new, {}))
    for text in (diff.html(), diff._repr_html_(), diff.side_by_side("a").html, diff.side_by_side().html):
        assert "<script>" not in text
        assert "<b>&amp;</b>" not in text
    assert "&lt;script&gt;" in diff.html()


def test_side_by_side_colours_the_changed_steps():
    old = flow("== a ==\nA -> B: one\nA -> C: two")
    new = flow("== a ==\nA -> B: one\nA -> D: three")
    view = diff_view(diff_flows(old, new, {})).side_by_side()
    assert view.html.count('data-step="2"') == 2
    assert "#D62728" in view.html and "#009E73" in view.html  # removed and added colours
    assert view.html.count('opacity="0.45"') == 2  # the unchanged step, faded on both sides


def test_equivalence_file_loads_and_refuses_a_code_in_two_groups(tmp_path):
    eq = load_course().equivalences
    assert eq.canonical("Cell DB") == eq.canonical("DB") == "database"
    assert eq.is_relay("MQ") and not eq.is_relay("DB")
    bad = tmp_path / "eq.yaml"
    bad.write_text("groups:\n  - name: a\n    members: [X, Y]\n  - name: b\n    members: [y]\n")
    with pytest.raises(DiagramError) as err:
        load_equivalences(bad)
    assert err.value.line == 4 and "already in group 'a'" in str(err.value)


def test_then_and_now():
    from flowlib import parse_file

    old, new = parse_file(str(THEN)), parse_file(str(NOW))
    diff = diff_flows(old, new)
    counts = diff.counts()
    matched = counts["unchanged"] + counts["changed"] + counts["rerouted"]
    assert matched + counts["removed"] == len(old.messages)
    assert matched + counts["added"] == len(new.messages)
    # api -> MQ -> scheduler became api -> super-conductor -> scheduler
    reroutes = {(c.old, c.new) for c in diff.kind("rerouted")}
    assert ("Nova-api -> MQ: [rpc.cast] to request new instance",
            "nova-api -> super-conductor: [rpc.cast] schedule_and_build_instances") in reroutes
    assert {"LDAP", "Token Store", "MQ", "ceph_rgw"} <= set(diff.participants_removed)
    assert {"Placement", "cinder-volume", "neutron-metadata-agent"} <= set(diff.participants_added)


def test_cli_prints_a_summary_and_csv(capsys):
    out = io.StringIO()
    assert main(["diff", str(THEN), str(NOW)], out) == 0
    text = out.getvalue()
    assert text.startswith(f"old: {THEN.name} (") and "== scheduling ==" in text and "rerouted" in text
    out = io.StringIO()
    assert main(["diff", str(THEN), str(NOW), "--format", "csv"], out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == "kind,phase,old_step,old,new_step,new,similarity"
    assert len(lines) - 1 == len(diff_flows(*map(lambda p: parse(p.read_text()), (THEN, NOW))).messages)


def test_cli_reports_a_bad_diagram_with_its_location(tmp_path, capsys):
    bad = tmp_path / "bad.puml"
    bad.write_text("@startuml\nNova-api -> DB: x\n@enduml\n")
    assert main(["diff", str(bad), str(NOW)], io.StringIO()) == 1
    assert capsys.readouterr().err.startswith(f"{bad}:2")
