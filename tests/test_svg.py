"""flowlib's own sequence SVG: well-formed, one group per shown step, filters, highlight, escaping, geometry."""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import flowlib
from flowlib import Diagram, Message, Participant, parse, parse_file
from flowlib.model import GroupEnd, GroupStart, Note
from flowlib.views import svg as svgmod
from flowlib.views.palette import HIGHLIGHT, phase_color
from flowlib.views.svg import SequenceSVG, sequence_svg
from flowlib.views.svglayout import layout, select
from flowlib.views.svgtext import block, plain, runs, text_width
from flowlib.views.text import step_list
from plantuml_ref import readable

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "course" / "launch_course" / "content" / "launch-instance.puml"
CORPUS = ROOT.parent / "shared" / "corpus" / "sequence"
SVG = "{http://www.w3.org/2000/svg}"

#: Every element and attribute flowlib's sequence SVG may contain; anything else came from the diagram.
ELEMENTS = {"svg", "title", "desc", "g", "rect", "line", "path", "polygon", "polyline", "circle", "text", "tspan"}
ATTRIBUTES = {
    "xmlns", "width", "height", "viewBox", "role", "aria-label", "font-family", "font-size", "fill", "class",
    "{http://www.w3.org/XML/1998/namespace}space", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx",
    "d", "points", "stroke", "stroke-width", "stroke-dasharray", "opacity", "text-anchor", "font-weight",
    "font-style", "text-decoration", "data-step", "data-phase", "data-line", "data-code", "data-kind",
}


@pytest.fixture(scope="module")
def seed() -> Diagram:
    return parse_file(str(SEED))


def corpus_files():
    if not CORPUS.is_dir():
        return []
    return readable(sorted(CORPUS.glob("*.puml")))


needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the shared corpus is not checked out at {CORPUS} (CI has it)")


def messages_of(root: ET.Element) -> dict[int, ET.Element]:
    """data-step -> the message group, asserting each step appears once."""
    found: dict[int, ET.Element] = {}
    for g in root.iter(SVG + "g"):
        if "msg" in g.get("class", "").split():
            step = int(g.get("data-step"))
            assert step not in found, f"step {step} drawn twice"
            found[step] = g
    return found


def check_only_drawing(source: str) -> ET.Element:
    root = ET.fromstring(source)
    for element in root.iter():
        assert element.tag.startswith(SVG), element.tag
        assert element.tag[len(SVG):] in ELEMENTS, element.tag
        assert set(element.attrib) <= ATTRIBUTES, set(element.attrib) - ATTRIBUTES
    return root


# --- the seed -----------------------------------------------------------------------------------------


def test_seed_is_well_formed_with_one_group_per_message(seed):
    drawing = sequence_svg(seed)
    root = check_only_drawing(drawing.source)
    assert sorted(messages_of(root)) == [m.step for m in seed.messages]
    assert root.get("role") == "img"
    assert root.get("aria-label") == drawing.title == plain(seed.title)
    assert root.findtext(SVG + "title") == drawing.title
    assert root.findtext(SVG + "desc") == drawing.text == step_list(seed)
    assert root[0].tag == SVG + "title" and root[1].tag == SVG + "desc"


def test_messages_are_coloured_by_phase(seed):
    root = ET.fromstring(sequence_svg(seed).source)
    for step, g in messages_of(root).items():
        message = seed.messages[step - 1]
        assert g.get("data-phase") == message.phase
        line = next(e for e in g if e.tag in (SVG + "line", SVG + "path"))
        assert line.get("stroke") == phase_color(message.phase, seed.phases)


@pytest.mark.parametrize("highlight", [1, 17, 62])
def test_highlight_marks_one_step_and_fades_the_rest(seed, highlight):
    drawing = sequence_svg(seed, highlight=highlight)
    root = check_only_drawing(drawing.source)
    groups = messages_of(root)
    marked = [step for step, g in groups.items() if "highlight" in g.get("class").split()]
    assert marked == [highlight] == [drawing.highlight]
    assert groups[highlight].find(SVG + "line").get("stroke") == HIGHLIGHT
    faded = next(g for g in root if g.get("opacity"))
    assert float(faded.get("opacity")) < 1
    assert set(messages_of(faded)) == {m.step for m in seed.messages} - {highlight}
    assert f"step {highlight}" in root.findtext(SVG + "title")
    assert root.findtext(SVG + "desc") == step_list(seed, highlight=highlight)


def test_phase_filter_keeps_exactly_that_phase(seed):
    for phase in seed.phases:
        drawing = sequence_svg(seed, phase=phase)
        root = check_only_drawing(drawing.source)
        expected = [m.step for m in seed.messages if m.phase == phase]
        assert sorted(messages_of(root)) == expected == list(drawing.steps)
        shown = {g.get("data-code") for g in root.iter(SVG + "g") if g.get("class") == "participant"}
        assert shown == {c for m in seed.phase_messages(phase) for c in (m.source, m.target)}
        assert phase in drawing.title


@pytest.mark.parametrize("steps", [(3, 9), "3-9", range(3, 10)])
def test_step_window_keeps_exactly_those_steps(seed, steps):
    root = check_only_drawing(sequence_svg(seed, steps=steps).source)
    assert sorted(messages_of(root)) == list(range(3, 10))


def test_phase_and_window_together(seed):
    auth = [m.step for m in seed.phase_messages("auth")]
    first, last = auth[1], auth[-1] + 5
    root = ET.fromstring(sequence_svg(seed, phase="auth", steps=(first, last), highlight=auth[2]).source)
    assert sorted(messages_of(root)) == auth[1:]


def test_bars_open_before_a_window_start_at_its_top(seed):
    # Keystone is activated after step 1 and deactivated after step 6: a window 3..4 starts inside the bar.
    sel = select(seed, None, (3, 4))
    lay = layout(seed, sel)
    keystone = [b for b in lay.bars if b.code == "Keystone"]
    first_arrow = min(a.y for a in lay.arrows)
    assert keystone and min(b.y1 for b in keystone) < first_arrow


def test_errors_name_what_is_wrong(seed):
    with pytest.raises(ValueError, match="unknown phase"):
        sequence_svg(seed, phase="nope")
    with pytest.raises(ValueError, match="need 1 <= first <= last"):
        sequence_svg(seed, steps=(0, 3))
    with pytest.raises(ValueError, match="cannot highlight step .*: the filters leave it out"):
        sequence_svg(seed, phase="auth", highlight=seed.phase_messages("image")[0].step)


def test_sequence_svg_object(seed, tmp_path):
    drawing = sequence_svg(seed, phase="auth", highlight=2)
    assert isinstance(drawing, SequenceSVG)
    with pytest.raises(AttributeError):
        drawing.source = ""
    bundle = drawing._repr_mimebundle_()
    assert bundle["image/svg+xml"] == drawing._repr_svg_() == drawing.source
    assert bundle["text/plain"] == drawing.text
    assert drawing._repr_mimebundle_(include={"text/plain"}) == {"text/plain": drawing.text}
    out = drawing.save(tmp_path / "auth.svg")
    assert Path(out).read_text(encoding="utf-8") == drawing.source
    assert flowlib.sequence_svg is sequence_svg


def test_stepping_reuses_the_layout(seed, monkeypatch):
    calls = []
    real = svgmod.layout
    monkeypatch.setattr(svgmod, "layout", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(svgmod, "_CACHE", type(svgmod._CACHE)())
    first = sequence_svg(seed, phase="network", highlight=seed.phase_messages("network")[0].step)
    for m in seed.phase_messages("network"):
        drawing = sequence_svg(seed, phase="network", highlight=m.step)
        assert drawing.width == first.width and drawing.height == first.height
    assert len(calls) == 1
    sequence_svg(seed, phase="auth")
    assert len(calls) == 2


# --- hostile text ---------------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '"]; x [label="pwned',
    "<img src=x onerror=alert(1)>",
    "</text></svg><svg onload=alert(1)>",
    "&amp; & &#60; <<create>> {braces} \\ back",
    "ünï 日本 🚀",
]


def hostile_diagram() -> Diagram:
    people = tuple(Participant(f"P{i}", label, kind=kind) for i, (label, kind) in
                   enumerate(zip(HOSTILE, ("participant", "actor", "database", "queue", "collections", "entity"))))
    messages = tuple(Message(i + 1, people[i].code, people[(i + 1) % len(people)].code, label, phase=label)
                     for i, label in enumerate(HOSTILE))
    events = (GroupStart("group", HOSTILE[0], HOSTILE[2], 0, 0), *messages[:3],
              Note("over", ("P0",), HOSTILE[3]), GroupEnd(0, 0), *messages[3:])
    return Diagram(people, events, messages, notes=(events[4],), title=HOSTILE[0])


@pytest.mark.parametrize("highlight", [None, 2])
def test_hostile_labels_are_text(highlight):
    d = hostile_diagram()
    drawing = sequence_svg(d, highlight=highlight, numbers="steps")
    root = check_only_drawing(drawing.source)
    groups = messages_of(root)
    for m in d.messages:
        texts = [t for t in groups[m.step].iter(SVG + "text")]
        assert "".join(texts[0].itertext()) == f"{m.step} {m.label}"
        assert groups[m.step].get("data-phase") == m.label
    heads = {g.get("data-code"): g for g in root.iter(SVG + "g") if g.get("class") == "participant"}
    for p in d.participants:
        assert "".join(heads[p.code].find(SVG + "text").itertext()) == p.display
    assert root.findtext(SVG + "title").startswith(HOSTILE[0])
    assert root.get("aria-label").startswith(HOSTILE[0])
    everything = "".join(root.itertext())
    assert HOSTILE[3] in everything and HOSTILE[2] in everything


def test_characters_xml_cannot_hold_are_dropped():
    d = parse("@startuml\nA -> B: bell\x07 and nul\x00 here\n@enduml")
    root = ET.fromstring(sequence_svg(d).source)
    assert "bell and nul here" in "".join(messages_of(root)[1].itertext())


def test_colours_from_the_diagram_are_checked():
    d = parse("@startuml\nparticipant B #LightBlue\nA -[#00ff00]> B: x\n@enduml")
    root = ET.fromstring(sequence_svg(d).source)
    fills = {e.get("fill") for e in root.iter() if e.get("fill")}
    assert "lightblue" in fills
    assert "#00FF00" in {e.get("stroke") for e in root.iter()}  # no phase: the arrow keeps its own colour
    bad = Diagram((Participant("A", "A", color='red" onload="x'),), (), ())
    assert "onload" not in sequence_svg(bad).source


# --- Creole and widths ------------------------------------------------------------------------------------


def test_creole_markup_is_rendered_not_shown():
    (bold, plain_run, italic) = runs("**GET** /x //now//")
    assert bold.bold and bold.text == "GET" and italic.italic and italic.text == "now"
    assert plain("<color:red>Error</color> code: http://host/path") == "Error code: http://host/path"
    assert plain("a -- b") == "a -- b"  # an unpaired marker stays text
    assert plain("<script>x</script> <img onerror=y>") == "<script>x</script> <img onerror=y>"
    assert plain("[[http://example.org Example]]") == "Example"


def test_stereotypes_show_above_the_name():
    d = parse("@startuml\nparticipant A <<service>>\nactor U <<human>>\nU -> A: hi\n@enduml")
    root = ET.fromstring(sequence_svg(d).source)
    for g in root.iter(SVG + "g"):
        if g.get("class") == "participant":
            texts = ["".join(t.itertext()) for t in g.iter(SVG + "text")]
            participant = d.participant(g.get("data-code"))
            stereotype = participant.stereotype.replace("<<", "\u00ab").replace(">>", "\u00bb")
            assert texts[:2] == [stereotype, participant.display]


def test_widths_follow_the_font_metrics():
    assert text_width("iiii", 13) < text_width("MMMM", 13)
    assert text_width("Ab", 13, bold=True) > text_width("Ab", 13)
    assert text_width("日本", 10) == pytest.approx(20)
    assert block("two\nlines", 13).count == 2


# --- geometry, checked on every corpus diagram ------------------------------------------------------------


def geometry_problems(d: Diagram, phase=None, window=None) -> list[str]:
    """Ways a layout breaks the rules a reader relies on; empty when the drawing is clean."""
    lay = layout(d, select(d, phase, window))
    problems = []
    xs = {c.code: c.x for c in lay.columns}
    # Rows go down in step order, one message per row, except where the diagram asks for parallel
    # drawing (teoz ``&`` messages, ``par2`` branches side by side).
    side_by_side = {m.step for m in d.messages if m.parallel}
    for g in d.groups:
        if g.kind == "par2" and g.first_step is not None:
            side_by_side.update(range(g.first_step, g.last_step + 1))
    for a, b in zip(lay.arrows, lay.arrows[1:]):
        if b.y <= a.y and b.step not in side_by_side:
            problems.append(f"step {b.step} is not below step {a.step}")
    bars = {}
    for b in lay.bars:
        bars.setdefault(b.code, []).append(b)
    next_x = {c.code: n.x for c, n in zip(lay.columns, lay.columns[1:])}
    for a in lay.arrows:
        label_right = a.label_x + a.label.width
        if a.source == a.target and a.source in next_x and max(label_right, a.loop_x) > next_x[a.source] - 5:
            problems.append(f"step {a.step}: self message reaches the next lifeline")
        if a.exo is None and a.source != a.target:
            low, high = sorted((a.x1, a.x2))
            if a.label_x < low or label_right > high + 1e-6:
                problems.append(f"step {a.step}: label overflows its arrow")
            for code, x in ((a.source, a.x1), (a.target, a.x2)):
                created = any(c.code == code and c.created for c in lay.columns)
                edges = {xs[code]} | {e for b in bars.get(code, ()) if b.y1 - 1e-6 <= a.y <= b.y2 + 1e-6
                                      for e in (b.x, b.x + 10)}
                if not created and not any(abs(x - e) < 1e-6 for e in edges):
                    problems.append(f"step {a.step}: arrow end {x:.1f} is neither on {code}'s lifeline nor a bar")
    shown = {a.step for a in lay.arrows}
    groups = [g for g in d.groups if g.first_step is not None and g.first_step in shown and g.last_step in shown
              and g.kind != "par2" and g.end_line]  # par2, and a group never closed, draw no frame
    for g, frame in zip(groups, _frames_in_order(lay, groups)):
        for a in lay.arrows:
            if g.first_step <= a.step <= g.last_step:
                if not (frame.y1 < a.label_y and a.y2 < frame.y2):
                    problems.append(f"step {a.step} is not inside its group frame vertically")
                if not (frame.x1 <= min(a.x1, a.x2) and max(a.x1, a.x2) <= frame.x2):
                    problems.append(f"step {a.step} is not inside its group frame horizontally")
    boxes = [(a.label_x, a.label_y, a.label_x + a.label.width, a.label_y + a.label.count * 15) for a in lay.arrows
             if a.label.count]
    for n in lay.notes:
        for x1, y1, x2, y2 in boxes:
            if x1 < n.x + n.w and n.x < x2 and y1 < n.y + n.h and n.y < y2:
                problems.append(f"note at line {n.line} covers a message label")
    return problems


def _frames_in_order(lay, groups):
    """The frames of ``groups``, in that order (frames are stored as they close)."""
    by_line = {f.line: f for f in lay.frames}
    return [by_line[g.line] for g in groups]


def test_seed_geometry_is_clean(seed):
    assert geometry_problems(seed) == []
    for phase in seed.phases:
        assert geometry_problems(seed, phase) == [], phase
    count = len(seed.messages)
    for first in range(1, count + 1, 7):
        assert geometry_problems(seed, None, (first, min(count, first + 9))) == [], first


def test_a_note_beside_its_message_and_nested_activations():
    d = parse("""@startuml
actor U
participant A
database D
U -> A ++ : call
A -> A ++ : self\\nmulti
note right: beside the loop
A -> D : read
return rows
return done
alt ok
  A -> U : fine
else no
  A ->x U : lost
end
@enduml""")
    assert geometry_problems(d) == []
    root = check_only_drawing(sequence_svg(d).source)
    assert len(messages_of(root)) == len(d.messages)
    kinds = {g.get("data-code"): g.get("data-kind") for g in root.iter(SVG + "g") if g.get("class") == "participant"}
    assert kinds == {"U": "actor", "A": "participant", "D": "database"}


@needs_corpus
def test_the_corpus_is_there():
    assert len(corpus_files()) > 100


@needs_corpus
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.stem)
def test_corpus_diagram_draws_cleanly(path):
    d = parse_file(str(path))
    drawing = sequence_svg(d)
    root = ET.fromstring(drawing.source)
    assert sorted(messages_of(root)) == [m.step for m in d.messages]
    assert root.findtext(SVG + "title") and root.findtext(SVG + "desc") is not None
    assert geometry_problems(d) == []
    # A window over the middle third: groups, bars and notes cut by the window edges.
    count = len(d.messages)
    window = (max(1, count // 3), max(1, 2 * count // 3))
    assert geometry_problems(d, None, window) == []
    root = ET.fromstring(sequence_svg(d, steps=window, highlight=window[1]).source)
    assert sorted(messages_of(root)) == list(range(window[0], window[1] + 1))


def _view_box(source: str) -> tuple[float, float, float]:
    """(left x, width, root width attribute) of a drawing."""
    root = ET.fromstring(source)
    x, _, w, _ = (float(v) for v in root.get("viewBox").split())
    return x, w, float(root.get("width"))


def test_focus_width_shows_a_band_around_the_highlighted_step():
    # Twelve participants in a row: the last arrow lies far to the right of a 300 px band.
    names = [f"P{i}" for i in range(12)]
    d = parse("\n".join(f"{a} -> {b}: step {i}" for i, (a, b) in enumerate(zip(names, names[1:]), 1)))
    whole = sequence_svg(d, highlight=11)
    left, width, attr = _view_box(sequence_svg(d, highlight=11, focus_width=300).source)
    whole_left, whole_width, _ = _view_box(whole.source)
    assert width == attr and 300 <= width < whole_width
    assert whole_left <= left and left + width <= whole_left + whole_width + 0.1  # inside the drawing
    arrow = next(e for e in ET.fromstring(whole.source).iter() if e.get("data-step") == "11")
    xs = [float(v) for e in arrow.iter() for k, v in e.attrib.items() if k in ("x1", "x2")]
    assert xs and left <= min(xs) and max(xs) <= left + width  # the highlighted arrow is in the band
    first_left, _, _ = _view_box(sequence_svg(d, highlight=1, focus_width=300).source)
    assert first_left < left  # another step, another band


def _strip_heads(strip) -> list[str]:
    """The participant codes a head strip draws, in order."""
    return [g.get("data-code") for g in ET.fromstring(strip.source).iter(f"{SVG}g") if g.get("data-code")]


def test_the_head_strip_shares_the_band_and_keeps_the_heads_in_it():
    names = [f"P{i}" for i in range(12)]
    d = parse("\n".join(f"{a} -> {b}: step {i}" for i, (a, b) in enumerate(zip(names, names[1:]), 1)))
    view = sequence_svg(d, highlight=11, focus_width=300)
    left, width, attr = _view_box(view.source)
    strip = view.heads
    root = ET.fromstring(strip.source)
    x, top, w, height = (float(v) for v in root.get("viewBox").split())
    assert (x, w, float(root.get("width"))) == (left, width, attr) and strip.width == pytest.approx(width, abs=0.05)
    assert (top, top + height) == pytest.approx((strip.top, strip.bottom), abs=0.05)
    heads = {g.get("data-code"): g for g in ET.fromstring(view.source).iter(f"{SVG}g") if g.get("class") == "participant"}
    for code in names:  # the drawing's heads: every one in the band is in the strip, at the same height
        rect = heads[code].find(f"{SVG}rect")
        cx = float(rect.get("x")) + float(rect.get("width")) / 2
        assert (code in _strip_heads(strip)) == (left < cx < left + width), code
        assert strip.top <= float(rect.get("y")) and float(rect.get("y")) + float(rect.get("height")) <= strip.bottom
    assert _strip_heads(strip)[-2:] == ["P10", "P11"]  # the ends of step 11, drawn last: highlighted
    assert strip.source.count(f'stroke="{HIGHLIGHT}"') == 2 and "P11" in strip.source.split("</g></g>")[-1]
    assert "role=" not in strip.source and "<title>" not in strip.source  # the drawing keeps the text


def test_the_head_strip_has_a_created_participant_from_its_creation_on():
    d = parse("A -> B: one\ncreate C\nB -> C: new\nC --> A: two\nA -> B: three\ndestroy B")
    assert [sorted(_strip_heads(sequence_svg(d, highlight=s).heads)) for s in (1, 2, 3)] == [
        ["A", "B"], ["A", "B", "C"], ["A", "B", "C"]]
    assert sorted(_strip_heads(sequence_svg(d).heads)) == ["A", "B"]


def test_focus_width_leaves_a_narrow_drawing_whole():
    d = parse("A -> B: hi\nB --> A: ok")
    assert sequence_svg(d, highlight=1, focus_width=2000).source == sequence_svg(d, highlight=1).source


def test_slanted_arrows_fall_as_plantuml_draws_them_and_stereotypes_are_not_text():
    """PlantUML 1.2026.8 draws 'A ->(30) B' from A's lifeline down to a point 30 px lower on B's (either
    way, and the bar an arrow opens starts there); a self message stays a level loop. It shows no text
    for a message's <<stereotype>>, and neither does flowlib."""
    ns = "{http://www.w3.org/2000/svg}"
    diagram = parse("participant A\nparticipant B\nA ->(30) B <<create>> : one\nB ->(20) A\nA <->(10) B\n"
                    "A ->(25) A : self\nA ->(15) B ++ : opens\nA -> B <<async>> : level")
    root = ET.fromstring(sequence_svg(diagram).source)
    groups = {int(g.get("data-step")): g for g in root.iter(ns + "g") if g.get("class") == "msg"}
    lines = {step: g.find(ns + "line") for step, g in groups.items()}
    drops = {step: float(line.get("y2")) - float(line.get("y1")) for step, line in lines.items() if line is not None}
    assert abs(drops[1] - 30) < 1.5 and abs(drops[2] - 20) < 1.5 and abs(drops[3] - 10) < 1.5
    assert drops[5] > 13 and drops[6] == 0
    assert groups[4].find(ns + "line") is None and groups[4].find(ns + "path") is not None   # the self loop
    for step in (1, 2, 3, 5):   # each slanted head is turned along its line
        assert any("rotate(" in (g.get("transform") or "") for g in groups[step].iter(ns + "g"))
    bars = layout(diagram, select(diagram)).bars
    assert any(abs(b.y1 - float(lines[5].get("y2"))) < 6 for b in bars)
    text = " ".join("".join(t.itertext()) for t in root.iter(ns + "text"))
    assert "one" in text and "level" in text and "create" not in text and "async" not in text


@pytest.mark.parametrize("text", ["A -> B: " + "x" * 600,
                                  "\n".join(f"participant P{i}" for i in range(40)) + "\nP0 -> P39: hi"])
def test_a_single_step_too_wide_for_the_page_is_still_shown(text):
    """One step cannot be split: fitted() gives the narrowest drawing, and a notebook still shows it."""
    from flowlib.views.svg import fitted

    diagram = parse(text)
    (view,) = fitted(diagram, width=400)
    assert view.width > 400 and view.width <= sequence_svg(diagram).width
    assert "<svg" in sequence_svg(diagram)._repr_mimebundle_()["text/html"]
