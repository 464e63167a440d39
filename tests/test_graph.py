"""The communication view: DOT from the model (no binary needed), then drawing with ``dot`` (marked)."""

import re
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import graphviz
import pytest

from flowlib import Diagram, Message, Participant, parse, parse_file
from flowlib.model import Divider
from flowlib.views.palette import phase_color
from flowlib.views import graph
from flowlib.views.graph import (
    FADE,
    INSTALL_HINT,
    KIND_SHAPES,
    CommunicationView,
    FALLBACK_TITLE,
    communication_view,
    dot_string,
)
from flowlib.views.palette import HIGHLIGHT
from flowlib.views.text import step_list

from test_textview import small

SEED = Path(__file__).resolve().parents[1] / "course" / "launch_course" / "content" / "launch-instance.puml"
SVG = "{http://www.w3.org/2000/svg}"
requires_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's dot is not installed: sudo apt install graphviz (or brew/conda install graphviz)",
)

NODE = re.compile(r"^\s*(p\d+|x\w+) \[(.*)\]$", re.M)
EDGE = re.compile(r"^\s*(\w+) -> (\w+) \[(.*)\]$", re.M)


def attrs(text: str) -> dict:
    """The attributes of one DOT statement written by graph.py (values quoted or bare)."""
    return {k: v.replace('\\"', '"') for k, v in re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|[^ \]]+)', text)}


def edges(source: str) -> list[tuple[str, str, dict]]:
    return [(a, b, attrs(rest)) for a, b, rest in EDGE.findall(source)]


def nodes(source: str) -> dict[str, dict]:
    return {name: attrs(rest) for name, rest in NODE.findall(source)}


@pytest.fixture(scope="module")
def seed():
    return parse_file(SEED)


def test_one_node_per_participant_and_one_numbered_edge_per_step(seed):
    view = communication_view(seed)
    assert isinstance(view, graphviz.Digraph)
    assert len([n for n in nodes(view.source) if n.startswith("p")]) == len(seed.participants)
    found = edges(view.source)
    assert [e[2]["id"] for e in found] == [f'"s{m.step}"' for m in seed.messages]
    for (a, b, at), m in zip(found, seed.messages):
        assert at["label"].startswith(f'"{m.step}')
        assert at["color"] == f'"{phase_color(m.phase, seed.phases)}"'  # the palette's colour, not a local one
        assert ("style" in at) == m.dotted


def test_shapes_heads_self_loops_and_the_edge_of_the_diagram():
    view = communication_view(small())
    n = nodes(view.source)
    assert n["p0"]["shape"] == KIND_SHAPES["actor"] and n["p2"]["shape"] == "cylinder"
    by_id = {at["id"].strip('"'): (a, b, at) for a, b, at in edges(view.source)}
    assert by_id["s3"][2]["style"] == "dashed"  # reply
    assert by_id["s4"][0] == by_id["s4"][1] == "p1"  # self loop
    assert by_id["s5"][2]["arrowhead"] == "vee"  # async: open head
    assert by_id["s6"][2]["arrowhead"] == "tee"  # lost
    found = by_id["s7"]
    assert n[found[0]]["shape"] == "point" and found[1] == "p0"  # found: from a point


def test_groups_make_clusters_and_default_to_plantuml_boxes():
    d = small()
    view = communication_view(d, groups={"Keystone": "Identity", "TS": "Identity"})
    assert view.source.count("subgraph cluster_") == 1
    cluster = view.source.split("subgraph cluster_0 {")[1].split("}")[0]
    assert 'label="Identity"' in cluster and "p1 [" in cluster and "p2 [" in cluster and "p0 [" not in cluster
    boxed = parse('box "Front"\nparticipant A\nend box\nbox "Back"\nparticipant B\nparticipant C\nend box\nA -> B\nB -> C')
    source = communication_view(boxed).source
    assert source.count("subgraph cluster_") == 2 and 'label="Back"' in source


def test_aggregate_counts_every_message_once(seed):
    view = communication_view(seed, aggregate=True)
    found = edges(view.source)
    pairs = {(m.source, m.target) for m in seed.messages}
    assert len(found) == len(pairs)
    counted = 0
    for _, _, at in found:
        label = at["label"].strip('"').replace("\\n", " ")
        many = re.match(r"(\d+)× \(steps ", label)
        counted += int(many[1]) if many else 1
        colours = at["color"].strip('"').split(":")
        assert set(colours) <= {phase_color(p, seed.phases) for p in seed.phases}
    assert counted == len(seed.messages)


def test_filters_keep_only_what_they_name(seed):
    auth = communication_view(seed, phase="auth")
    assert len(edges(auth.source)) == len(seed.phase_messages("auth"))
    assert len(nodes(auth.source)) == 4  # Client, Keystone, LDAP, Token Store
    window = communication_view(seed, steps=(10, 12))
    assert [at["id"] for *_, at in edges(window.source)] == ['"s10"', '"s11"', '"s12"']
    keystone = communication_view(seed, participants={"Keystone"})
    touching = [m for m in seed.messages if "Keystone" in (m.source, m.target)]
    assert len(edges(keystone.source)) == len(touching)
    with pytest.raises(ValueError, match="unknown phase"):
        communication_view(seed, phase="booting")


def test_highlight_marks_one_edge_and_its_two_ends_and_fades_the_rest(seed):
    view = communication_view(seed, highlight=4)
    hot = [(a, b) for a, b, at in edges(view.source) if at["color"] == f'"{HIGHLIGHT}"']
    assert len(hot) == 1
    n = nodes(view.source)
    assert {k for k, at in n.items() if at.get("color") == f'"{HIGHLIGHT}"'} == set(hot[0])
    others = [at for *_, at in edges(view.source) if at["id"] != '"s4"']
    assert others and all(at["color"] == f'"{FADE}"' for at in others)
    with pytest.raises(ValueError, match="filters leave it out"):
        communication_view(seed, phase="auth", highlight=40)


def test_text_alternative_and_copy(seed):
    view = communication_view(seed, phase="image", highlight=22)
    assert view.text == view.to_text() == step_list(seed, phase="image", highlight=22)
    twin = view.copy()
    assert isinstance(twin, CommunicationView) and twin.source == view.source and twin.text == view.text


def test_dot_string_keeps_every_character_literal():
    assert dot_string('a "b" \\N \\l') == '"a \\"b\\" \\\\N \\\\l"'
    assert dot_string("x\ny & <z>") == '"x\\ny &amp; <z>"'
    assert dot_string("ends with \\") == '"ends with \\\\"'


# --- drawing -----------------------------------------------------------------------------------------


def _geometry(svg: str) -> dict:
    root = ET.fromstring(svg)
    return {
        g.get("id"): [
            (c.tag, c.get("d") or c.get("points") or c.get("cx"), c.get("stroke"), c.get("fill"), c.get("stroke-width"))
            for c in g
            if c.tag != SVG + "title"
        ]
        for g in root.iter(SVG + "g")
        if g.get("class") in ("node", "edge", "cluster")
    }


@pytest.mark.dot
@requires_dot
@pytest.mark.parametrize("aggregate", [False, True], ids=["per-step", "aggregate"])
@pytest.mark.parametrize("step", [1, 16, 27, 54])
def test_recoloured_layout_equals_what_dot_draws(seed, step, aggregate):
    # .source is the first layout; max_width=None draws that one too (the recolouring is the same in all).
    view = communication_view(seed, highlight=step, aggregate=aggregate, max_width=None)
    fast, direct = _geometry(view.svg()), _geometry(view.pipe(format="svg", encoding="utf-8"))
    assert fast.keys() == direct.keys() and len(direct) > 40
    assert fast == direct


@pytest.mark.dot
@requires_dot
def test_svg_carries_title_desc_and_readable_element_titles(seed):
    view = communication_view(seed, phase="auth", highlight=4)
    root = ET.fromstring(view.svg())
    assert root[0].tag == SVG + "title" and "phase auth" in root[0].text and "step 4" in root[0].text
    assert root[1].tag == SVG + "desc" and root[1].text == view.text
    titles = {g.get("id"): g.findtext(SVG + "title") for g in root.iter(SVG + "g")}
    assert titles["s4"] == "4. Keystone -> Token Store: Save token [request]"
    assert titles["p3"] == "Token Store (participant)"


@pytest.mark.dot
@requires_dot
def test_stepping_the_highlight_runs_dot_once(seed, monkeypatch):
    for cached in (graph._layout, graph._layout_tree, graph._finish):
        cached.cache_clear()
    real, calls = graph.subprocess.run, []
    monkeypatch.setattr(graph.subprocess, "run", lambda *a, **k: calls.append(tuple(a[0])) or real(*a, **k))
    started = time.perf_counter()
    for step in range(1, len(seed.messages) + 1):
        assert "<desc>" in communication_view(seed, highlight=step).svg()
        if step == 1:
            # The layouts tried for the page's width (each once), the first one that fits kept ...
            tried = len(calls)
            assert 1 <= tried <= len(graph.LAYOUTS) and set(calls) == {("dot", "-Tsvg")}
    per_step = (time.perf_counter() - started) / len(seed.messages)
    assert len(calls) == tried  # ... and every later step reuses it
    assert per_step < 0.1, f"{per_step * 1000:.1f} ms per highlighted step"


def test_without_dot_the_notebook_gets_mermaid_and_the_install_hint(seed, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # a directory without dot
    for cached in (graph._layout, graph._layout_tree, graph._finish):
        cached.cache_clear()
    view = communication_view(seed, phase="auth", highlight=2)
    with pytest.raises(graphviz.ExecutableNotFound):
        view.svg()
    monkeypatch.setattr(graph, "_hinted", False)
    bundle = view._repr_mimebundle_()
    assert view._repr_mimebundle_() == bundle  # a redraw (a step player) ...
    assert capsys.readouterr().err == INSTALL_HINT + "\n"  # ... does not repeat the one-line hint
    assert set(bundle) == {"text/vnd.mermaid", "text/plain"}
    assert "apt install graphviz" in INSTALL_HINT and "brew" in INSTALL_HINT and "conda" in INSTALL_HINT
    assert len(INSTALL_HINT.splitlines()) == 1
    plain = bundle["text/plain"].splitlines()
    assert plain[0] == INSTALL_HINT and "\n".join(plain[1:]) + "\n" == view.text
    mermaid = bundle["text/vnd.mermaid"]
    assert "flowchart LR" in mermaid and f'title: "{FALLBACK_TITLE}"' in mermaid.splitlines()
    assert "apt install graphviz" in FALLBACK_TITLE and not set(FALLBACK_TITLE) & set('"\\\n')
    links = [line for line in mermaid.splitlines() if re.match(r"\s+(p|x)\w* [-.x<]+[->x]\|", line)]
    assert len(links) == len(seed.phase_messages("auth"))
    assert f"stroke:{HIGHLIGHT}" in mermaid


def test_mermaid_flowchart_keeps_clusters_and_styles(seed):
    groups = {"Keystone": "Identity", "LDAP": "Identity", "Token Store": "Identity"}
    chart = communication_view(seed, phase="auth", groups=groups).mermaid()
    assert 'subgraph g0 ["Identity"]' in chart
    assert chart.count("-.->") == 3  # three replies
    styles = re.findall(r"linkStyle (\d+) stroke:(#\w+)", chart)
    assert [int(i) for i, _ in styles] == list(range(6))
    assert {c for _, c in styles} == {phase_color("auth", seed.phases)}


@pytest.mark.dot
@requires_dot
def test_big_views_place_labels_after_layout_and_still_recolour_exactly():
    names = [f"N{i}" for i in range(12)]
    lines = [f"{names[i % 12]} -> {names[(i * 5 + 1) % 12]} : message {i}" for i in range(graph.LABEL_LIMIT + 20)]
    d = parse("\n".join(lines))
    view = communication_view(d, highlight=7)
    found = edges(view.source)
    assert len(found) == len(d.messages) and all("xlabel" in at and "label" not in at for *_, at in found)
    assert _geometry(view.svg()) == _geometry(view.pipe(format="svg", encoding="utf-8"))
    root = ET.fromstring(view.svg())
    hot = next(g for g in root.iter(SVG + "g") if g.get("id") == "s7")
    assert [t.text for t in hot.iter(SVG + "text")] == ["7. message 6"]
    assert len(edges(communication_view(d, steps=(1, graph.LABEL_LIMIT)).source)) == graph.LABEL_LIMIT
    assert "xlabel" not in communication_view(d, steps=(1, graph.LABEL_LIMIT)).source


@pytest.mark.dot
@requires_dot
def test_a_view_draws_the_first_layout_that_fits_the_width_with_legible_labels(seed):
    from flowlib.views.overlay import PAGE_ROOM, legible_width

    def width(view, layout):
        return legible_width(graph._layout(graph._layout_dot(view.plan, layout))[0].decode())

    from launch_course import service_groups

    # The course's overview map: one edge per pair, clustered by service (00-overview shows it).
    view = communication_view(seed, aggregate=True, groups=service_groups(seed))
    widths = [width(view, layout) for layout in graph.LAYOUTS]
    assert widths[0] > PAGE_ROOM, "the overview no longer needs a narrower layout: pick a harder case"
    chosen = view.layout()
    first_fit = next(i for i, w in enumerate(widths) if w <= PAGE_ROOM)
    assert chosen == graph.LAYOUTS[first_fit]
    assert legible_width(view.svg()) == widths[first_fit] <= PAGE_ROOM
    assert f"rankdir={chosen.rankdir}" in view.layout_source
    assert communication_view(seed, aggregate=True, groups=service_groups(seed), max_width=None).layout() == graph.LAYOUTS[0]
    # Nothing fits 50 px: the narrowest is drawn.
    narrow = communication_view(seed, aggregate=True, groups=service_groups(seed), max_width=50)
    assert narrow.layout() == graph.LAYOUTS[widths.index(min(widths))]


@pytest.mark.dot
@requires_dot
def test_a_notebook_shows_the_view_as_wide_as_the_page_never_below_11px_labels(seed):
    from flowlib.views.overlay import legible_width

    view = communication_view(seed, phase="auth", highlight=2)
    bundle = view._repr_mimebundle_()
    assert bundle["text/plain"] == view.text and bundle["image/svg+xml"] == view.svg()
    page = bundle["text/html"]
    assert page.startswith('<div class="flowlib-figures"')
    root = re.search(r"<svg\b[^>]*>", page).group(0)
    low, high = (float(x) for x in re.search(r"min-width:([\d.]+)px;max-width:([\d.]+)px", root).groups())
    assert round(low) == round(legible_width(view.svg())) and high > low
    # Every text is 11 pt (14.7 px) as drawn, so 3/4 of the drawing's width keeps it at 11 px.
    assert set(re.findall(r'font-size="([\d.]+)"', page)) == {"11.00"}
    assert high == pytest.approx(low * 4 / 3, abs=1)
    assert "<desc>" in page and 'role="img"' in page  # the text alternative stays with it
