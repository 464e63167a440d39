"""The benchmark's own parts (nothing here is timed): the generator, the child-process meter, the Java harness."""

from __future__ import annotations

import re
import sys
from dataclasses import replace

import pytest

from benchmarks import measure, plantuml
from benchmarks.generate import generate
from flowlib import parse, to_plantuml


@pytest.mark.parametrize("n", [1, 7, 250, 1200])
def test_generator_gives_the_asked_number_of_messages(n):
    d = parse(generate(n), file=f"generated-{n}")
    assert len(d.messages) == n
    if n >= 250:  # a few participants are implied: they appear with their first message
        assert 20 <= len(d.participants) <= 30


def test_generator_is_deterministic_and_realistic():
    text = generate(1200)
    assert text == generate(1200) != generate(1200, seed=1)
    d = parse(text)
    heads = {m.head for m in d.messages}
    assert {"normal", "async"} <= heads and any(m.dotted for m in d.messages)
    assert any(m.is_self for m in d.messages) and any(m.is_return for m in d.messages)
    assert {g.kind for g in d.groups} >= {"alt", "loop", "opt", "group"}
    assert d.notes and len(d.phases) == 7
    assert {p.kind for p in d.participants} >= {"actor", "database", "queue", "control", "boundary", "entity"}
    assert "autonumber" not in text and not any(m.number for m in d.messages)
    assert '"Nova-api"' in text  # quoted names with hyphens, as in the seed
    # Balanced life lines, explicit and implied.
    life = [e for e in d.events if type(e).__name__ == "LifeEvent"]
    assert sum(e.action == "activate" for e in life) == sum(e.action == "deactivate" for e in life)
    assert {e.implicit for e in life} == {True, False}


def test_generated_diagram_round_trips_through_the_writer():
    d = parse(generate(600))
    again = parse(to_plantuml(d))
    assert [replace(m, line=0, column=1) for m in again.messages] == [
        replace(m, line=0, column=1) for m in d.messages]
    assert [replace(p, line=0) for p in again.participants] == [replace(p, line=0) for p in d.participants]


@pytest.mark.parametrize("gnu_time", [True, False], ids=["gnu-time", "python-launcher"])
def test_child_meter_sees_the_childs_own_peak_memory(gnu_time, monkeypatch):
    if not gnu_time:
        monkeypatch.setattr(measure, "GNU_TIME", None)
    elif measure.GNU_TIME is None:
        pytest.skip("GNU time is not installed (/usr/bin/time); the python launcher is tested instead")
    ballast = bytearray(150 * 2**20)  # this process is big; a forked child would inherit its peak RSS
    ballast[::4096] = b"1" * len(ballast[::4096])
    big = measure.run_child([sys.executable, "-c", "x = bytearray(80 * 2**20); x[::4096] = b'1' * len(x[::4096])"])
    small = measure.run_child([sys.executable, "-c", "pass"])
    assert big.status == 0 and small.status == 0
    assert big.peak_mb >= 80 > small.peak_mb  # each child's own peak, not this process's


def test_sample_pair_alternates_the_two_commands(tmp_path):
    log = tmp_path / "order.txt"
    write = "import sys; open(sys.argv[1], 'a').write(sys.argv[2])"
    a, b = measure.sample_pair([sys.executable, "-c", write, str(log), "a"],
                               [sys.executable, "-c", write, str(log), "b"], 3)
    assert log.read_text() == "ab" + "ab" * 3           # one untimed run of each, then turn about
    assert len(a.runs) == len(b.runs) == 3 and a.ok and b.ok


@pytest.mark.plantuml
def test_plantuml_accepts_the_generated_diagram_and_the_harness_counts_its_messages(tmp_path):
    if plantuml.missing():
        pytest.skip(f"{plantuml.missing()}")
    path = tmp_path / "generated.puml"
    path.write_text(generate(400), encoding="utf-8")
    check = measure.run_child(plantuml.command("-checkonly", str(path)))
    assert check.status == 0
    (result,) = plantuml.warm_parse([path], warmup=0, runs=1)
    assert result["messages"] == 400
    assert re.fullmatch(r"[\d.]+", str(result["median_ms"]))


def test_generator_writes_every_arrow_form():
    from benchmarks.generate import generate

    text = generate(3000)
    for form in ("->>", " -\\ ", " -// ", "->x", "->o ", " o-> ", "-[#blue]>", "<->", " <- ", " <-- "):
        assert form in text, form


def test_big_probe_runs_one_call(tmp_path):
    import json

    from benchmarks.big import VIEWS, main
    from benchmarks.generate import generate

    path = tmp_path / "g.puml"
    path.write_text(generate(50))
    out = tmp_path / "out.json"
    assert main([str(path), "sequence_svg", str(out)]) == 0
    assert json.loads(out.read_text())["view"] == "sequence_svg" and "lint" in VIEWS


def test_browser_bench_page_runs_the_players_own_module():
    from benchmarks.browser import page_html, percentile
    from flowlib import parse
    from flowlib.widgets.player import StepPlayer

    player = StepPlayer(parse("A -> B: <hi>\nB --> A: ok"))
    page = page_html("t", player)
    assert "window.__flowPlayer = { render };" in page and "export default" not in page
    assert "</script><" not in page.split('id="state">', 1)[1].split("</script>", 1)[0]
    assert percentile([1, 2, 3, 4, 5], 0.5) == 3 and percentile([1.0, 2.0], 0.9) == 1.9
