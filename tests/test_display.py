"""One display base: every displayable object reads include/exclude as IPython's DisplayFormatter does."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flowlib import parse
from flowlib.analysis.diff import diff_flows
from flowlib.analysis.whatif import what_if
from flowlib.views.diffview import diff_view
from flowlib.views.impact import impact_view
from flowlib.widgets.whatif import what_if_explorer
from flowlib.views.display import Displayable, wanted
from flowlib.views.graph import communication_view, dot_available
from flowlib.views.mermaid import to_mermaid
from flowlib.views.svg import sequence_svg
from flowlib.widgets.player import StepPlayer
from launch_course.course import load_course
from launch_course.today import check_bughunt
from launch_course.widgets import Quiz, Shown

ROOT = Path(__file__).resolve().parents[1]
OLD = parse("@startuml\n== one ==\nA -> B: ask\nB --> A: answer\n@enduml")
NEW = parse("@startuml\n== one ==\nA -> B: ask\nB -> C: forward\nB --> A: answer\n@enduml")

MAKERS = {
    "SequenceSVG": lambda: sequence_svg(OLD),
    "MermaidDiagram": lambda: to_mermaid(OLD),
    "CommunicationView": lambda: communication_view(OLD),
    "GraphFallback": lambda: communication_view(OLD).fallback(),
    "DiffView": lambda: diff_view(diff_flows(OLD, NEW)),
    "SideBySide": lambda: diff_view(diff_flows(OLD, NEW)).side_by_side(),
    "ImpactView": lambda: impact_view(what_if(NEW, "C")),
    "WhatIfExplorer": lambda: what_if_explorer(NEW, ["C"]),
    "StepPlayer": lambda: StepPlayer(OLD),
    "Quiz": lambda: Quiz(load_course().quiz("auth"), load_course().diagram),
    "Shown": lambda: Shown("<b>hi</b>", "hi"),
    "BugHuntResult": lambda: check_bughunt([1]),
}


@pytest.fixture(params=MAKERS.values(), ids=MAKERS.keys())
def shown(request, monkeypatch):
    if request.node.callspec.id == "CommunicationView" and not dot_available():
        pytest.skip("Graphviz's dot is missing: install it (apt install graphviz) to draw the communication view")
    monkeypatch.setattr("flowlib.views.graph._hinted", True)  # the GraphFallback's hint is tested elsewhere
    return MAKERS[request.node.callspec.id]()


def test_every_displayable_reads_include_and_exclude_as_ipython_does(shown):
    assert isinstance(shown, Displayable)
    everything = shown._repr_mimebundle_()
    assert everything
    assert shown._repr_mimebundle_(include=None, exclude=None) == everything
    assert shown._repr_mimebundle_(include=[]) == everything  # IPython: an empty include restricts nothing
    assert shown._repr_mimebundle_(exclude=[]) == everything
    assert shown._repr_mimebundle_(include=["no/such-type"]) == {}
    for mime, data in everything.items():
        assert shown._repr_mimebundle_(include=[mime]) == {mime: data}
        assert shown._repr_mimebundle_(include={mime, "no/such-type"}) == {mime: data}
        assert shown._repr_mimebundle_(exclude=(mime,)) == {k: v for k, v in everything.items() if k != mime}
        assert shown._repr_mimebundle_(include=[mime], exclude=[mime]) == {}  # exclude wins


def test_ipython_shows_the_same_bundle():
    pytest.importorskip("IPython")
    from IPython.core.formatters import DisplayFormatter

    formatter = DisplayFormatter()
    drawing = sequence_svg(OLD)
    assert formatter.format(drawing)[0] == drawing._repr_mimebundle_()
    assert formatter.format(drawing, include=["text/plain"])[0] == {"text/plain": drawing.text}
    assert formatter.format(drawing, exclude=["text/plain", "text/html"])[0] == {"image/svg+xml": drawing.source}
    # A notebook shows the HTML: the drawing fitted to the page's width.
    assert 'width="100%"' in formatter.format(drawing, include=["text/html"])[0]["text/html"]
    assert formatter.format(drawing, include=[])[0] == drawing._repr_mimebundle_()


def test_wanted_is_ipythons_rule():
    assert wanted("a/b") and wanted("a/b", []) and wanted("a/b", None, [])
    assert not wanted("a/b", ["c/d"]) and not wanted("a/b", None, ["a/b"]) and not wanted("a/b", ["a/b"], ["a/b"])


def test_no_other_module_writes_repr_mimebundle():
    writers = []
    for package in (ROOT / "flowlib", ROOT / "course" / "launch_course"):
        for path in sorted(package.rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef) and node.name == "_repr_mimebundle_":
                    writers.append(path.relative_to(ROOT).as_posix())
    assert writers == ["flowlib/views/display.py"]
