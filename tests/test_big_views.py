"""Big diagrams never hang a notebook: each view shows a window or a summary and says how to get the rest."""

from __future__ import annotations

import warnings

import pytest

from flowlib import parse
from flowlib.views import graph
from flowlib.views.svg import sequence_svg


def _diagram(n: int, phases: int = 3):
    lines = []
    for i in range(n):
        if i % (n // phases) == 0:
            lines.append(f"== p{i // (n // phases)} ==")
        lines.append(f"A{i % 5} -> A{(i + 1) % 5}: m{i + 1}")
    return parse("\n".join(lines))


def test_sequence_svg_draws_a_window_and_says_so():
    d = _diagram(30)
    svg = sequence_svg(d, max_steps=10)
    assert svg.steps == tuple(range(1, 11))
    assert "10 of 30 messages shown (steps 1-10)" in svg.title and "steps=(first, last)" in svg.title
    assert svg.text.startswith("10 of 30 messages shown")
    around = sequence_svg(d, max_steps=10, highlight=20)
    assert 20 in around.steps and len(around.steps) == 10
    assert len(sequence_svg(d, max_steps=None).steps) == 30
    assert len(sequence_svg(d, max_steps=10, phase="p1").steps) == 10


def test_communication_view_aggregates_big_views_and_says_so():
    d = _diagram(graph.AGGREGATE_ABOVE + 1)
    plan = graph.plan_view(d)
    assert len(plan.edges) == 5 and "aggregate=False" in plan.note and plan.note in plan.title
    assert len(graph.plan_view(d, aggregate=False).edges) == graph.AGGREGATE_ABOVE + 1
    small = graph.plan_view(_diagram(30))
    assert len(small.edges) == 30 and small.note == ""


def test_aggregated_labels_fold_long_step_lists():
    diagram = parse("\n".join(["A -> B: go", "B -> C: on"] * 500))
    source = graph.communication_view(diagram, aggregate=True).source
    label = next(line for line in source.splitlines() if "500×" in line)
    assert "\u2026" in label and label.count(",") == 8  # the first runs, "…" and the last


def test_graphviz_warnings_are_reported_once_in_words(monkeypatch):
    monkeypatch.setattr(graph, "_warned", set())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        graph._report(b"Warning: triangulation failed\nWarning: more\n")
        graph._report(b"Warning: triangulation failed\n")
        graph._report(b"")
    assert len(caught) == 1 and issubclass(caught[0].category, graph.GraphvizWarning)
    assert "warned: triangulation failed (and 1 more line)" in str(caught[0].message)


@pytest.mark.dot
def test_dot_runs_under_a_time_limit(monkeypatch):
    if not graph.dot_available():
        pytest.skip("Graphviz's dot is missing: install it with `sudo apt-get install graphviz`")
    monkeypatch.setattr(graph, "DOT_TIMEOUT", 1e-6)
    graph._layout.cache_clear()
    graph._layout_tree.cache_clear()
    view = graph.communication_view(_diagram(12), aggregate=False)
    with pytest.raises(graph.GraphvizTimeout, match="aggregate=True"):
        view.svg()
    assert "did not lay out" in view._repr_mimebundle_()["text/plain"]
    graph._layout.cache_clear()
    graph._layout_tree.cache_clear()


def test_styled_table_shows_a_window_with_a_caption():
    pytest.importorskip("jinja2")
    from flowlib.views.tables import messages_table, style_messages

    frame = messages_table(_diagram(30))
    html = style_messages(frame, max_rows=10).to_html()
    assert html.count("<tr") == 11 and "Rows 1\u201310 of 30" in html
    html = style_messages(frame, rows=(21, 30)).to_html()
    assert ">m21<" in html and ">m1<" not in html
    assert style_messages(frame, max_rows=10, highlight=25).data["step"].tolist() == list(range(20, 30))
    assert "Rows" not in style_messages(frame).to_html()


def test_player_over_many_steps_offers_the_phases():
    from flowlib.widgets.player import StepPlayer

    player = StepPlayer(_diagram(30), max_steps=5)
    assert len(player.frames) == 5
    notice = player.notice  # shown above the controls by the player's ES module
    assert "first 5 of 30 steps" in notice and "phase=" in notice and "p2" in notice
