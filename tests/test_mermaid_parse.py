"""Every Mermaid export parses in the real mermaid library (11.17.2), and each box keeps its own colour.

The sources go to ``tests/mermaid_parse.mjs`` in one node process: mermaid's own ``parse()`` and the
sequence database it fills (jsdom stands in for the browser, which mermaid asks whether a box's colour is a
CSS colour). ``make test`` installs mermaid and jsdom with ``scripts/ensure-mermaid`` into a cache outside
the checkout and sets ``MERMAID_DIR``; run by hand, the test looks in the same cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from flowlib import parse, parse_file
from flowlib.errors import DiagramError
from flowlib.views.mermaid import to_mermaid

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
CONTENT = ROOT / "course" / "launch_course" / "content"
SCRIPT = Path(__file__).with_name("mermaid_parse.mjs")
_CACHE = Path(os.environ.get("FLOWLIB_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
              / "flowlib")
MERMAID_DIR = Path(os.environ.get("MERMAID_DIR") or _CACHE / "mermaid-11.17.2")


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "install Node.js (apt-get install -y npm) to parse the Mermaid exports with mermaid itself"
    for package in ("mermaid", "jsdom"):
        if not (MERMAID_DIR / "node_modules" / package / "package.json").is_file():
            return f"{package} is not in {MERMAID_DIR}: run scripts/ensure-mermaid (make test does)"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=str(_missing()))


def mermaid_parse(sources: dict[str, str]) -> dict[str, dict]:
    """name -> {"error": ...} or {"boxes": [[title, colour, ids], ...]}, as mermaid itself reads each source."""
    done = subprocess.run(["node", str(SCRIPT), str(MERMAID_DIR)], input=json.dumps(sources), capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def _refused(results: dict[str, dict]) -> dict[str, str]:
    return {name: r["error"].splitlines()[0:4] for name, r in results.items() if "error" in r}


def _views(name: str, diagram) -> dict[str, str]:
    """The whole diagram, each phase, a window of steps and a highlighted step: each writes its own nesting."""
    out = {name: to_mermaid(diagram).source}
    steps = [m.step for m in diagram.messages]
    if steps:
        middle = steps[len(steps) // 2]
        out[f"{name} [highlight {middle}]"] = to_mermaid(diagram, highlight=middle).source
        out[f"{name} [steps {steps[len(steps) // 3]}-{middle}]"] = to_mermaid(
            diagram, steps=(steps[len(steps) // 3], middle)).source
    for phase in diagram.phases:
        out[f"{name} [phase {phase}]"] = to_mermaid(diagram, phase=phase).source
    return out


def _corpus_sources() -> dict[str, str]:
    sources: dict[str, str] = {}
    for path in sorted((CORPUS / "sequence").glob("*.puml")):
        try:
            diagram = parse(path.read_text(encoding="utf-8"), file=path.name)
        except DiagramError:
            continue  # refused, as PlantUML refuses it: nothing to export
        sources.update(_views(path.stem, diagram))
    manifest = (CORPUS / "with-includes" / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for row in manifest:
        name, main = row.split("\t")[:2]
        folder = CORPUS / "with-includes" / name
        try:
            diagram = parse_file(folder / main, include_root=folder)
        except DiagramError:
            continue
        sources.update(_views(f"with-includes/{name}", diagram))
    return sources


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not checked out at {CORPUS} (CI has it)")
def test_every_corpus_export_parses_in_mermaid():
    sources = _corpus_sources()
    assert len(sources) > 300  # 170-odd corpus diagrams, with their windows, phases and highlights
    assert _refused(mermaid_parse(sources)) == {}


def test_the_course_diagrams_parse_in_mermaid():
    sources = {}
    for path in sorted(CONTENT.glob("*.puml")):
        sources.update(_views(path.name, parse_file(path)))
    assert sources
    assert _refused(mermaid_parse(sources)) == {}


#: Consecutive boxes, each with its own colour (named, hex, short hex, none) and a title that needs escaping.
BOXES = """@startuml
box "Front; end" #LightGreen
participant Alice
end box
box #ADD8E6
participant Bob
end box
box "Third" #F0F
participant Carol
end box
box "Plain"
participant Dave
end box
participant Erin
Alice -> Bob : hi
Bob -> Carol : on
Carol -> Dave : and on
Dave -> Erin : out
@enduml
"""


def test_consecutive_boxes_keep_their_own_colours_in_mermaid():
    result = mermaid_parse({"boxes": to_mermaid(parse(BOXES)).source})["boxes"]
    assert "error" not in result, result
    assert [(fill, ids) for _title, fill, ids in result["boxes"]] == [
        ("lightgreen", ["P0"]),
        ("rgb(173, 216, 230)", ["P1"]),
        ("rgb(255, 0, 255)", ["P2"]),
        ("rgba(128, 128, 128, 0.08)", ["P3"]),
    ]
    titles = [title for title, _fill, _ids in result["boxes"]]
    assert titles[2] == "Third" and titles[3] == "Plain" and titles[1] is None


def test_hostile_labels_parse_in_mermaid():
    from test_hostile_labels import DIAGRAMS

    sources = {}
    for name, make in DIAGRAMS.items():
        sources.update(_views(f"hostile {name}", make()))
    assert _refused(mermaid_parse(sources)) == {}


def test_a_broken_source_is_refused():
    """The check can fail: mermaid refuses what it cannot read."""
    result = mermaid_parse({"broken": "sequenceDiagram\n    P0->>: no target\n"})
    assert "Parse error" in result["broken"]["error"]
