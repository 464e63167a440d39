"""``python -m flowlib render``: every view and format, and one-line errors (exit 2) for bad options."""

import io
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from flowlib import parse_file
from flowlib.cli import main
from flowlib.views.graph import INSTALL_HINT
from flowlib.views.text import step_list

SEED = str(Path(__file__).resolve().parents[1] / "course" / "launch_course" / "content" / "launch-instance.puml")
SVG = "{http://www.w3.org/2000/svg}"
requires_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's dot is not installed: sudo apt install graphviz (or brew/conda install graphviz)",
)


def run(*argv, path=SEED):
    out = io.StringIO()
    status = main(["render", str(path), *argv], out=out)
    return status, out.getvalue()


@pytest.mark.dot
@requires_dot
def test_communication_svg_file_is_accessible_xml(tmp_path):
    target = tmp_path / "auth.svg"
    assert run("--view", "communication", "--phase", "auth", "--highlight", "4", "-o", str(target)) == (0, "")
    root = ET.parse(target).getroot()
    assert root.tag == SVG + "svg"
    assert root[0].tag == SVG + "title" and "step 4 highlighted" in root[0].text
    assert root[1].text == step_list(parse_file(SEED), phase="auth", highlight=4)
    edges = [g for g in root.iter(SVG + "g") if g.get("class") == "edge"]
    assert len(edges) == 6


@pytest.mark.dot
@requires_dot
def test_communication_png_and_aggregate(tmp_path):
    target = tmp_path / "all.png"
    assert run("--view", "communication", "--aggregate", "-o", str(target))[0] == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_dot_source_clusters_by_the_diagrams_boxes(tmp_path):
    boxed = tmp_path / "boxed.puml"
    boxed.write_text('@startuml\nbox "Front"\nparticipant A\nend box\nbox "Back"\nparticipant B\nend box\n'
                     "A -> B: hi\nB --> A: ok\n@enduml\n", encoding="utf-8")
    status, dot = run("--view", "communication", "--format", "dot", path=boxed)
    assert status == 0 and dot.startswith("digraph communication {")
    assert 'label="Front"' in dot and 'label="Back"' in dot
    assert dot.count(" -> ") == 2


def test_dot_source_of_the_seed_has_no_clusters_without_boxes():
    status, dot = run("--view", "communication", "--format", "dot", "--steps", "1-6")
    assert status == 0 and "subgraph cluster" not in dot
    assert dot.count(" -> ") == 6


def test_text_and_mermaid_formats():
    d = parse_file(SEED)
    status, text = run("--format", "text", "--steps", "3-5", "--highlight", "4")
    assert status == 0 and text == step_list(d, steps=(3, 5), highlight=4)
    status, mermaid = run("--format", "mermaid", "--phase", "network")
    assert status == 0 and mermaid.startswith("sequenceDiagram\n")
    assert mermaid.count("->>") + mermaid.count("-->>") >= len(d.phase_messages("network"))
    status, chart = run("--view", "communication", "--format", "mermaid", "--phase", "auth")
    assert status == 0 and "flowchart LR" in chart


def test_sequence_svg_to_stdout_and_file(tmp_path):
    pytest.importorskip("flowlib.views.svg", reason="the sequence view (flowlib/svg.py) is not in this checkout")
    status, svg = run("--phase", "auth", "--highlight", "2")
    assert status == 0
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg" and root.find(SVG + "title") is not None
    target = tmp_path / "seq.mmd"
    assert run("--steps", "1-3", "-o", str(target)) == (0, "")
    assert target.read_text().startswith("sequenceDiagram")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--steps", "3-x"], "steps must be N, (first, last), a range or 'A-B', got '3-x'"),
        (["--steps", "5-2"], "steps 5-2: need 1 <= first <= last"),
        (["--steps", "70-80"], "steps 70-80: the diagram has 62 steps"),
        (["--phase", "boot"], "unknown phase 'boot'; phases: auth, scheduling, image, network, volume, metadata, status"),
        (["--phase", "auth", "--highlight", "9"], "cannot highlight step 9: the filters leave it out (they show steps 1-6)"),
        (["--highlight", "99"], "cannot highlight step 99: the diagram has steps 1 to 62"),
        (["--format", "png"], "PNG output needs a file: -o OUT.png"),
        (["-o", "out.xyz"], "cannot tell the format from 'out.xyz': use --format svg|png|mermaid|text|dot"),
        (["--format", "dot"], "--format dot applies to --view communication only"),
        (["--aggregate"], "--aggregate applies to --view communication only"),
    ],
    ids=["steps-syntax", "steps-reversed", "steps-past-end", "phase", "highlight-filtered", "highlight-range",
         "png-stdout", "suffix", "dot-sequence", "aggregate-sequence"],
)
def test_bad_options_give_one_line_and_exit_2(argv, message, capsys):
    status, out = run(*argv)
    err = capsys.readouterr().err
    assert (status, out) == (2, "")
    assert err == f"python -m flowlib render: error: {message}\n"


def test_without_dot_svg_says_how_to_install_and_text_still_works(monkeypatch, tmp_path, capsys):
    from flowlib.views import graph

    monkeypatch.setenv("PATH", str(tmp_path))
    for cached in (graph._layout, graph._layout_tree, graph._finish):
        cached.cache_clear()
    status, out = run("--view", "communication", "--phase", "image")
    err = capsys.readouterr().err
    assert (status, out) == (1, "")
    assert err.count("\n") == 1 and INSTALL_HINT in err and "Traceback" not in err
    assert run("--view", "communication", "--format", "mermaid", "--phase", "image")[0] == 0
    assert run("--view", "communication", "--format", "dot")[0] == 0


def test_service_groups_only_for_diagrams_the_components_data_knows():
    from flowlib import parse
    from launch_course import service_groups

    seed = parse_file(SEED)
    groups = service_groups(seed)
    assert set(groups) == {p.code for p in seed.participants}
    assert groups["Keystone"] == "Identity"
    # cluster labels are the services' display labels, all capitalised
    assert groups["MQ"] == "Infrastructure" and groups["VM-instance"] == "Guest" and groups["Client"] == "Client"
    assert all(label[0].isupper() for label in groups.values())
    today = service_groups(parse_file(Path(SEED).parent / "launch-instance-today.puml"))
    assert today is not None and today["Placement"] == "Placement" and today["nova-scheduler"] == "Compute"
    assert service_groups(parse("Keystone -> Stranger : hi")) is None


def test_numbers_follow_the_diagram_unless_steps_are_asked_for(tmp_path):
    import io

    from flowlib.cli import main

    path = tmp_path / "plain.puml"
    path.write_text("@startuml\nA -> B: hi\n@enduml\n")
    out = io.StringIO()
    assert main(["render", str(path)], out) == 0
    assert ">hi</text>" in out.getvalue()
    out = io.StringIO()
    assert main(["render", "--numbers", "steps", str(path)], out) == 0
    assert 'font-weight="bold">1</tspan> hi</text>' in out.getvalue()
    path.write_text("@startuml\nautonumber 10\nA -> B: hi\nautonumber stop\nB -> A: ok\n@enduml\n")
    out = io.StringIO()
    assert main(["render", str(path)], out) == 0
    assert 'font-weight="bold">10</tspan> hi</text>' in out.getvalue() and ">ok</text>" in out.getvalue()
