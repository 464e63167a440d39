"""Hostile names and labels stay text in every view: DOT, communication SVG, sequence SVG, Mermaid, text, HTML.

Each output is parsed (DOT by a tokenizer here and by Graphviz itself, SVG and HTML as XML, Mermaid line by
line against the statement shapes flowlib writes) and checked for two things: nothing the diagram did not ask
for (no extra node, edge, element, attribute or statement), and every label coming back as the same text.
"""

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from flowlib import Diagram, Message, Participant, parse
from flowlib.analysis.groups import branch_marker, message_groups
from flowlib.model import Divider, GroupElse, GroupEnd, GroupStart, Note
from flowlib.views.graph import FALLBACK_TITLE, KIND_SHAPES, communication_view
from flowlib.views.mermaid import to_mermaid
from flowlib.analysis.wording import describe, one_line
from flowlib.views.text import step_list, step_list_html

requires_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's dot is not installed: sudo apt install graphviz (or brew/conda install graphviz)",
)

#: PlantUML text whose quoted names, labels, title, dividers, group and note carry the hostile strings.
HOSTILE_PUML = r"""@startuml
title <script>alert(1)</script> & "title" {x}
participant "<script>alert(1)</script>" as S
participant "<img src=x onerror=alert(1)>" as I
participant "<<create>> {braces} & amp;" as C
participant "back\slash \N ünï 日本 🚀" as B
actor "a]; x [label=pwned" as Q
database "%%{init: {'securityLevel':'loose'}}%%" as D
== <b>phase</b> "one" ==
S -> I : "]; x [label="pwned
I --> C : <img src=x onerror=alert(1)>
C ->> B : <<create>> {braces} [x] |y| `tick`
B -> Q : line one\nline two
Q ->x D : &amp; &lt;script&gt; #lt; #35; %% ; end
D -> D : self <script>alert(1)</script>
alt <script>alert(1)</script>
  S -> D : back\slash \N "quoted" \\n
else "]; x [label="pwned
  D --> S : -->> P0->>P1: injected
end
note over S, I : <img src=x onerror=alert(1)>
== ]]> <!-- c --> ==
[-> S : ünïcødé → 日本語 🚀
S -> C : <![CDATA[ x ]]> &#60; &
@enduml
"""


def _model_only() -> Diagram:
    """What PlantUML text cannot carry: quotes and line breaks in codes, names, phases and group labels."""
    people = (
        Participant('"]; x [label="pwned', 'say "hi"\nto <b>me</b>', stereotype="<<create>>"),
        Participant("back\\slash\\", "ends with \\", kind="queue"),
        Participant("{ }", '"<img src=x onerror=alert(1)>"', kind="collections", box='box "<b>"'),
    )
    a, b, c = (p.code for p in people)
    phase = 'quoted "phase"\nsecond line'
    messages = (
        Message(1, a, b, 'one "two"\nthree \\ four \\', phase=phase),
        Message(2, b, c, "</text><script>alert(1)</script><text>", dotted=True, head="async", phase=phase),
        Message(3, c, a, '"]; p9 [label="x"]; p0 -> p9 [label="', bidirectional=True, phase=phase),
        Message(4, c, None, "to the edge & back", exo="to_right", exo_short=False, phase=phase),
    )
    events = (
        Divider(f" {phase}"),
        messages[0],
        GroupStart("group", 'X "y"', "line\nbreak <b>", level=0, index=0),
        messages[1],
        Note("left", (b,), 'note "q" </desc>'),
        GroupElse('"else"', level=0, index=0),
        messages[2],
        GroupEnd(level=0, index=0),
        messages[3],
    )
    return Diagram(people, events, messages, notes=(events[4],), title='title "t"\n<script>')


DIAGRAMS = {"plantuml": lambda: parse(HOSTILE_PUML, file="hostile.puml"), "model": _model_only}


@pytest.fixture(params=sorted(DIAGRAMS), ids=sorted(DIAGRAMS))
def hostile(request) -> Diagram:
    return DIAGRAMS[request.param]()


def norm(text: str) -> str:
    return " ".join(text.split())


# --- DOT ---------------------------------------------------------------------------------------------

DOT_TOKEN = re.compile(
    r"""
    (?P<string>"(?:[^"\\]|\\.)*")                  # quoted string, escapes kept
  | (?P<html><(?:[^<>]|<[^<>]*>)*>)                # the legend: an HTML label one tag deep
  | (?P<punct>->|[{}\[\];=,])
  | (?P<word>[A-Za-z0-9_.]+)
  | (?P<space>\s+)
    """,
    re.X | re.S,
)
DOT_WORDS = {
    "digraph", "communication", "graph", "node", "edge", "subgraph", "id", "label", "shape", "style", "color",
    "fillcolor", "fontcolor", "fontname", "fontsize", "penwidth", "arrowhead", "arrowsize", "dir", "both",
    "dashed", "rounded", "width", "margin", "rankdir", "LR", "nodesep", "ranksep", "labelloc", "b", "labeljust",
    "l", "filled", *KIND_SHAPES.values(), "point", "vee", "tee", "normal",
}


def dot_tokens(source: str) -> list[tuple[str, str]]:
    tokens, at = [], 0
    while at < len(source):
        match = DOT_TOKEN.match(source, at)
        assert match, f"cannot read DOT at {source[at:at + 40]!r}"
        if match.lastgroup != "space":
            tokens.append((match.lastgroup, match.group()))
        at = match.end()
    return tokens


def dot_unquote(text: str) -> str:
    """A DOT string as Graphviz shows it: escapes resolved, then the ``&amp;`` flowlib wrote for ``&``."""
    shown = re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], text[1:-1], flags=re.S)
    return shown.replace("&amp;", "&")


def test_dot_has_only_the_statements_the_diagram_asks_for(hostile):
    view = communication_view(hostile, groups={p.code: p.display for p in hostile.participants[:2]})
    tokens = dot_tokens(view.source)
    for kind, text in tokens:  # every bare word is DOT syntax or an id flowlib made up
        if kind == "word":
            assert text in DOT_WORDS or re.fullmatch(r"p\d+|x\d+|cluster_\d+|[\d.]+", text), text
        if kind == "html":
            assert "<script" not in text and "<img" not in text
    arrows = [i for i, (_, text) in enumerate(tokens) if text == "->"]
    assert len(arrows) == len(hostile.messages)
    declared = [t for (k, t), nxt in zip(tokens, tokens[1:]) if k == "word" and re.fullmatch(r"p\d+|x\d+", t)
                and nxt[1] == "[" and tokens[tokens.index((k, t)) - 1][1] != "->"]
    exo = sum(m.exo is not None for m in hostile.messages)
    assert len(set(declared)) == len(hostile.participants) + exo
    labels = [dot_unquote(text) for (_, key), (_, eq), (kind, text) in zip(tokens, tokens[1:], tokens[2:])
              if key == "label" and eq == "=" and kind == "string"]
    for m in hostile.messages:
        assert norm(f"{m.step}. {m.label}") in map(norm, labels)
    for p in hostile.participants:
        shown = p.display if p.stereotype is None else f"{p.display}\n{p.stereotype}"
        assert norm(shown) in map(norm, labels)


@pytest.mark.dot
@requires_dot
def test_graphviz_reads_the_dot_as_flowlib_meant(hostile):
    view = communication_view(hostile)
    done = subprocess.run(["dot", "-Tjson"], input=view.source.encode(), capture_output=True, check=True)
    graph = json.loads(done.stdout)
    names = [o["name"] for o in graph["objects"] if not o["name"].startswith("cluster_")]
    exo = sum(m.exo is not None for m in hostile.messages)
    assert sorted(names) == sorted([f"p{i}" for i in range(len(hostile.participants))]
                                   + [f"x{m.step}" for m in hostile.messages if m.exo is not None])
    assert len(names) == len(hostile.participants) + exo
    assert len(graph["edges"]) == len(hostile.messages)
    shown = {o["name"]: dot_unquote('"' + o["label"] + '"') for o in graph["objects"] if o["name"] in names}
    for i, p in enumerate(hostile.participants):
        expected = p.display if p.stereotype is None else f"{p.display}\n{p.stereotype}"
        assert norm(shown[f"p{i}"]) == norm(expected)
    edges = sorted((e["id"], dot_unquote('"' + e["label"] + '"')) for e in graph["edges"])
    assert [norm(label) for _, label in edges] == [norm(f"{m.step}. {m.label}") for m in
                                                   sorted(hostile.messages, key=lambda m: f"s{m.step}")]


# --- SVG -----------------------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"
FORBIDDEN = {"script", "foreignObject", "img", "iframe", "a", "image", "use", "style", "animate", "set", "object"}


def _check_svg_is_only_drawing(svg: str, allowed: set[str]) -> ET.Element:
    root = ET.fromstring(svg)
    for element in root.iter():
        tag = element.tag.split("}")[-1]
        assert element.tag.startswith(SVG) and tag in allowed and tag not in FORBIDDEN, element.tag
        for name, value in element.attrib.items():
            assert not name.split("}")[-1].lower().startswith("on"), name
            assert "href" not in name and not value.strip().lower().startswith("javascript:"), name
    return root


@pytest.mark.dot
@requires_dot
@pytest.mark.parametrize("highlight", [None, 2])
def test_communication_svg_shows_labels_as_text(hostile, highlight):
    view = communication_view(hostile, highlight=highlight)
    root = _check_svg_is_only_drawing(
        view.svg(), {"svg", "title", "desc", "g", "path", "polygon", "polyline", "ellipse", "text"}
    )
    groups = {g.get("id"): g for g in root.iter(SVG + "g")}
    edges = [g for g in groups.values() if g.get("class") == "edge"]
    nodes = [g for g in groups.values() if g.get("class") == "node"]
    assert len(edges) == len(hostile.messages)
    assert len(nodes) == len(hostile.participants) + sum(m.exo is not None for m in hostile.messages)
    for m in hostile.messages:
        group = groups[f"s{m.step}"]
        assert norm(" ".join(t.text or "" for t in group.iter(SVG + "text"))) == norm(f"{m.step}. {m.label}")
        assert group.findtext(SVG + "title") == describe(hostile, m)
    for i, p in enumerate(hostile.participants):
        texts = " ".join(t.text or "" for t in groups[f"p{i}"].iter(SVG + "text"))
        assert norm(texts) == norm(p.display if p.stereotype is None else f"{p.display} {p.stereotype}")
    assert root.findtext(SVG + "desc") == view.text


def test_sequence_svg_shows_labels_as_text(hostile):
    svg = pytest.importorskip("flowlib.views.svg", reason="the sequence view (flowlib/svg.py) is not in this checkout")
    drawing = svg.sequence_svg(hostile, highlight=2)
    root = _check_svg_is_only_drawing(
        drawing.source,
        {"svg", "title", "desc", "g", "text", "tspan", "line", "rect", "path", "polygon", "polyline", "circle",
         "ellipse"},
    )
    def bare(text: str) -> str:  # lines are separate <tspan>s: compare without blanks
        return "".join(text.split())

    steps = {}
    for element in root.iter():
        if element.get("data-step") and element.get("class", "").startswith("msg"):
            steps[int(element.get("data-step"))] = bare("".join(element.itertext()))
    assert sorted(steps) == [m.step for m in hostile.messages]
    for m in hostile.messages:
        assert bare(m.label) in steps[m.step]
    everything = bare("".join(root.itertext()))
    for p in hostile.participants:
        assert bare(p.display) in everything


# --- Mermaid ------------------------------------------------------------------------------------------

TEXT = r"(?:[^;#<>%\"{}|`:\n]|\#\w+;|<br/>)*"  # Mermaid text: no syntax character outside an entity code
ID = r"(?:P\d+|XL|XR)"
SEQUENCE_LINE = re.compile(
    rf"""(?x)
    sequenceDiagram
  | title\ {TEXT} | accTitle:\ {TEXT} | accDescr:\ {TEXT}
  | (?:participant|actor)\ {ID}\ as\ {TEXT}
  | box\ rgba\([\d, .]+\)\ ?{TEXT}
  | rect\ rgba\([\d, .]+\)
  | end
  | Note\ (?:left\ of|right\ of|over)\ {ID}(?:,{ID})?:\ {TEXT}
  | (?:alt|opt|loop|par|critical|break|else|and|option)(?:\ {TEXT})?
  | (?:de)?activate\ {ID}
  | (?P<from>{ID})(?:<<)?(?:-->>|->>|--\)|-\)|--x|-x)(?P<to>{ID}):\ (?P<text>{TEXT})
    """
)
FLOW_LINE = re.compile(
    rf"""(?x)
    --- | title:\ "(?P<title>[^"\\\n]*)" | flowchart\ LR
  | accTitle:\ {TEXT} | accDescr:\ {TEXT}
  | subgraph\ g\d+\ \["{TEXT}"\] | end
  | (?:p|x)\d+(?:\(\(\ \)\)|\["{TEXT}"\]|\(\["{TEXT}"\]\)|\[\("{TEXT}"\)\]|\[/"{TEXT}"/\]|\[\["{TEXT}"\]\])
  | (?P<from>(?:p|x)\d+)\ [<x]?(?:--|-\.-)[>x]\|"(?P<text>{TEXT})"\|\ (?P<to>(?:p|x)\d+)
  | linkStyle\ \d+\ stroke:\#[0-9A-Fa-f]{{6}},stroke-width:[\d.]+px
  | style\ p\d+\ stroke:\#[0-9A-Fa-f]{{6}},stroke-width:3px
    """
)
NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def mermaid_decode(text: str) -> str:
    text = text.replace("<br/>", "\n")
    return re.sub(r"#(\w+);", lambda m: NAMED.get(m[1]) or chr(int(m[1])), text)


@pytest.mark.parametrize("highlight", [None, 3])
def test_mermaid_sequence_is_only_flowlib_statements(hostile, highlight):
    source = to_mermaid(hostile, highlight=highlight).source
    arrows = []
    for line in source.splitlines():
        match = SEQUENCE_LINE.fullmatch(line.strip())
        assert match, f"unexpected Mermaid line: {line!r}"
        if match["from"]:
            arrows.append(mermaid_decode(match["text"]))
    assert len(arrows) == len(hostile.messages)
    for text, m in zip(arrows, hostile.messages):
        prefix = "▶ " if m.step == highlight else ""
        expected = f"{prefix}{m.step}. {m.label}" if m.label.strip() else f"{prefix}{m.step}."
        assert text == expected.replace("\r\n", "\n")


@pytest.mark.parametrize("fallback", [False, True], ids=["export", "fallback"])
def test_mermaid_flowchart_is_only_flowlib_statements(hostile, fallback):
    view = communication_view(hostile, highlight=1)
    source = view.fallback().source if fallback else view.mermaid()
    links, titles = [], []
    for line in source.splitlines():
        match = FLOW_LINE.fullmatch(line.strip())
        assert match, f"unexpected Mermaid line: {line!r}"
        if match["from"]:
            links.append(norm(mermaid_decode(match["text"])))
        if match["title"] is not None:
            titles.append(match["title"])
    assert links == [norm(f"{m.step}. {m.label}") for m in hostile.messages]
    assert titles == ([FALLBACK_TITLE] if fallback else [])


# --- text and HTML ----------------------------------------------------------------------------------------


def test_text_list_has_one_line_per_step_with_the_label(hostile):
    lines = step_list(hostile, highlight=1).splitlines()
    steps = [line for line in lines if not line.startswith("== ")]
    assert len(steps) == len(hostile.messages)
    where = message_groups(hostile)
    for line, m in zip(steps, hostile.messages):
        marks = branch_marker(where[m.step - 1])  # a group's label is hostile text too
        assert line[2:] == (f"{describe(hostile, m)} {marks}" if marks else describe(hostile, m))
        assert one_line(m.label) in line


def test_html_list_is_only_list_markup_with_the_label_as_text(hostile):
    root = ET.fromstring(step_list_html(hostile, highlight=1))
    allowed = {"div": {"class"}, "p": set(), "strong": set(), "ol": set(), "li": {"value", "aria-current"}}
    for element in root.iter():
        assert element.tag in allowed and set(element.attrib) <= allowed[element.tag], element.tag
    items = root.findall(".//li")
    assert len(items) == len(hostile.messages)
    where = message_groups(hostile)
    for li, m in zip(items, hostile.messages):
        marks = branch_marker(where[m.step - 1])
        text = describe(hostile, m, number=False)
        assert "".join(li.itertext()).lstrip("▶ ") == (f"{text} {marks}" if marks else text)
