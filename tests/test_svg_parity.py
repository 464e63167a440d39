"""flowlib's sequence SVG shows the text PlantUML's own SVG shows, for every diagram of the shared corpus.

PlantUML (``plantuml -tsvg``, Debian's 1.2020.02 here: the drawing reference, while 1.2026.8 is the parser's)
draws each corpus file that 1.2026.8 reads once per session, in one
Java process, into a cache keyed by PlantUML's version and the file's text. Both drawings are read
back as text: PlantUML writes one ``<text>`` per styled run (spaces dropped, each run placed by x), so
its runs are joined into lines and both sides are compared word by word:

- every word PlantUML shows appears in flowlib's drawing as often (participant names twice where
  PlantUML draws a footbox, once where it hides it). A diagram with ``newpage`` is drawn by PlantUML
  as several pages that repeat the heads: there, each word must appear at least once;
- flowlib shows no word PlantUML does not show (no literal ``\\n``, no raw ``<latex>``), except its
  placeholders for what it cannot draw (``class="placeholder"``: formulas, sprites) and the bullet of a
  ``* item`` line, which PlantUML draws as a shape.

Sub- and superscripts (``A<sub>p</sub>``) are runs at another height in PlantUML's drawing, so they may
split a word differently: a word is also found when its PlantUML line, spaces removed, is part of
flowlib's text, spaces removed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from flowlib import parse
from flowlib.views.svg import sequence_svg
from plantuml_ref import readable

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "sequence"
# The files PlantUML 1.2026.8, the parser's reference, reads as sequence diagrams: flowlib refuses the few
# that only 1.2020 took (tests/test_corpus.py checks that), so there is nothing of theirs to draw.
FILES = readable(sorted(CORPUS.glob("*.puml")))
SVG = "{http://www.w3.org/2000/svg}"

needs_corpus = pytest.mark.skipif(not FILES, reason=f"the shared corpus is not checked out at {CORPUS} (CI has it)")


def plantuml_version() -> str:
    out = subprocess.run(["plantuml", "-version"], capture_output=True, text=True, timeout=120).stdout
    match = re.search(r"PlantUML version (\S+)", out)
    return match.group(1) if match else "unknown"


@pytest.fixture(scope="session")
def plantuml_svgs() -> dict[str, list[str]]:
    """Corpus file name -> PlantUML's SVG pages, drawn once (one Java run for the files not cached)."""
    if shutil.which("plantuml") is None or shutil.which("java") is None:
        pytest.skip("PlantUML is missing (the parity test compares with its drawings): "
                    "install it with `sudo apt-get install -y plantuml` (make test does)")
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "flowlib-tests" / "plantuml-svg"
    cache = cache / plantuml_version()
    folders = {}
    for path in FILES:
        text = path.read_bytes()
        folder = cache / hashlib.sha256(text).hexdigest()[:20]
        folders[path.name] = folder
        if not any(folder.glob("*.svg")):
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "diagram.puml").write_bytes(text)
    todo = [str(f / "diagram.puml") for f in folders.values() if not any(f.glob("*.svg"))]
    if todo:
        subprocess.run(["plantuml", "-tsvg", "-nbthread", "2", *todo], capture_output=True, timeout=900)
    return {name: [p.read_text(encoding="utf-8") for p in sorted(f.glob("*.svg"))] for name, f in folders.items()}


def plantuml_lines(svg: str) -> list[str]:
    """PlantUML's text runs joined into lines: a run that starts where the last one ended continues it."""
    lines: list[str] = []
    last = None
    for el in ET.fromstring(svg).iter(SVG + "text"):
        text = "".join(el.itertext())
        x, y = float(el.get("x", 0)), float(el.get("y", 0))
        if last is not None and abs(last[1] - y) < 12 and 0 <= x - last[0] < 1.5:
            lines[-1] += text
        elif last is not None and abs(last[1] - y) < 0.5 and 0 <= x - last[0] < 8:
            lines[-1] += " " + text
        else:
            lines.append(text)
        last = (x + float(el.get("textLength") or 0), y)
    return lines


def flowlib_lines(svg: str) -> list[str]:
    """flowlib's text lines (one ``<text>`` each), its placeholders left out."""
    root = ET.fromstring(svg)
    for el in root.iter():
        if el.get("class") == "placeholder":
            el.text = ""
    return ["".join(el.itertext()) for el in root.iter(SVG + "text")]


def _words(lines) -> Counter:
    return Counter(w for line in lines for w in line.split())


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def compare(theirs: list[str], ours: list[str], pages: int) -> tuple[list[str], list[str]]:
    """(words PlantUML shows that flowlib lacks, words flowlib shows that PlantUML does not)."""
    want, got = _words(theirs), _words(ours)
    missing = (want - got) if pages == 1 else Counter(set(want) - set(got))
    all_ours = _squeezed("".join(ours))
    lost = []
    for word in missing:
        where = [line for line in theirs if word in line.split()]
        if not where or any(_squeezed(line) not in all_ours for line in where):
            lost.append(word)
    all_theirs = _squeezed("".join(theirs))
    extra = [w for w in set(got) - set(want) if w != "\u2022" and _squeezed(w) not in all_theirs]
    return sorted(lost), sorted(extra)


@needs_corpus
def test_corpus_is_there():
    assert len(FILES) > 100


@needs_corpus
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_sequence_svg_shows_plantumls_text(path, plantuml_svgs):
    pages = plantuml_svgs[path.name]
    assert pages, f"PlantUML drew nothing for {path.name}"
    diagram = parse(path.read_text(encoding="utf-8"), file=str(path))
    theirs = [line for page in pages for line in plantuml_lines(page)]
    if diagram.title:  # 1.2026 (flowlib's reference) takes the quotes off `title "..."`; 1.2020 drew them
        theirs = [line[1:-1] if line == f'"{diagram.title}"' else line for line in theirs]
    ours = flowlib_lines(sequence_svg(diagram).source)
    lost, extra = compare(theirs, ours, len(pages))
    assert not lost, f"PlantUML shows these words, flowlib does not (or not as often): {lost}"
    assert not extra, f"flowlib shows these words, PlantUML does not: {extra}"


# --- the constructs the corpus showed wrong, one by one (no PlantUML needed) -----------------------------


def _texts(source: str, **options) -> list[str]:
    return flowlib_lines(sequence_svg(parse(source), **options).source)


def test_multi_line_group_and_else_labels():
    texts = _texts("@startuml\nA -> B\nalt On gathering\\nsame digests\nA -> B\nelse two\\nlines\nB -> A\nend\n@enduml")
    assert "[On gathering" in texts and "same digests]" in texts
    assert "[two" in texts and "lines]" in texts
    assert not any("\\n" in t for t in texts)


def test_backslash_space_after_a_line_break_is_not_shown():
    texts = _texts("@startuml\nA -> B\nnote over B: measurement\\n\\ saved\n@enduml")
    assert "saved" in texts and not any("\\" in t for t in texts)


def test_empty_bold_is_four_asterisks():
    assert "200 ****" in _texts("@startuml\nA -> B: 200 ****\n@enduml", numbers="none")


def test_latex_and_sprites_get_placeholders_not_source():
    svg = sequence_svg(parse("@startuml\nA -> B: <latex>x_A</latex> and <$actor> ok\n@enduml")).source
    drawn = "".join(ET.fromstring(svg).find(SVG + "g[@class='msg']").itertext())
    assert "latex" not in drawn and "$actor" not in drawn
    assert svg.count('class="placeholder"') == 2 and "x_A" in drawn


def test_monospace_keeps_its_leading_spaces():
    svg = sequence_svg(parse('@startuml\nA -> B\nnote over A: ""  two  spaces""\n@enduml')).source
    assert ">  two  spaces</tspan>" in svg and 'xml:space="preserve"' in svg


@pytest.mark.parametrize("line", ["hide footbox", "skinparam style strictuml", "footbox off"])
def test_hidden_footbox(line):
    assert _texts(f"@startuml\n{line}\nA -> B: hi\n@enduml").count("A") == 1


def test_destroyed_participant_keeps_its_footbox():
    assert _texts("@startuml\nA -> B: hi\ndestroy B\n@enduml").count("B") == 2


def test_consecutive_boxes_keep_their_own_colours():
    svg = sequence_svg(parse("@startuml\nbox #lightgreen\nparticipant A\nend box\nbox #lightblue\n"
                             "participant B\nend box\nA -> B: hi\n@enduml")).source
    boxes = re.findall(r'<rect class="box"[^>]*fill="([^"]+)"', svg)
    assert boxes == ["lightgreen", "lightblue"]


def test_note_colour():
    svg = sequence_svg(parse("@startuml\nA -> B\nrnote over A #LightGray: grey\n@enduml")).source
    assert 'fill="lightgray"' in svg


def test_unclosed_group_is_not_drawn_as_plantuml_does():
    svg = sequence_svg(parse("@startuml\ngroup never closed\nA -> B\n@enduml")).source
    assert 'class="group"' not in svg
