"""Writing a model back to PlantUML: parse -> write -> parse gives the same model, and PlantUML reads it."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from flowlib import parse, to_plantuml
from flowlib.writing.corpusjson import to_corpus_json
from flowlib.model import (
    Diagram,
    Divider,
    Group,
    GroupElse,
    GroupStart,
    LifeEvent,
    Message,
    Note,
    Participant,
    Reference,
)
from flowlib.reading.escaping import escape, unescape
from plantuml_ref import JAR_2026, readable

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = readable(sorted((SHARED / "corpus" / "sequence").glob("*.puml")))
SELFTEST = sorted(p for p in (SHARED / "tools" / "puml-oracle" / "selftest").glob("*.puml") if "error" not in p.name)
ORACLE = SHARED / "tools" / "puml-oracle" / "oracle"
SEED = ROOT / "course" / "launch_course" / "content" / "launch-instance.puml"

needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"the shared corpus is not checked out at {SHARED} (CI has it)")


def _needs_plantuml():
    if not (JAR_2026.is_file() and shutil.which("java")):
        pytest.skip(f"PlantUML 1.2026.8 is missing at {JAR_2026}: run scripts/ensure-plantuml-jar (make test does)")


def _unlocated(x):
    """``x`` with every source position (line, column, end_line, file) reset, recursively."""
    if isinstance(x, tuple):
        return tuple(_unlocated(y) for y in x)
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        changes = {f.name: _unlocated(getattr(x, f.name)) for f in dataclasses.fields(x) if f.init}
        for name in ("line", "column", "end_line", "file"):
            if name in changes:
                changes[name] = None if name == "file" else (1 if name == "column" else 0)
        return dataclasses.replace(x, **changes)
    return x


def _round_trip(diagram: Diagram) -> tuple[str, Diagram]:
    text = to_plantuml(diagram)
    return text, parse(text, file="<written>")


def assert_same_model(got: Diagram, want: Diagram):
    """Equal models, ignoring source positions; the corpus view first, since it reads best on failure."""
    assert to_corpus_json(got, file="x") == to_corpus_json(want, file="x")
    assert _unlocated(got.participants) == _unlocated(want.participants)
    for a, b in zip(got.events, want.events):
        assert _unlocated(a) == _unlocated(b)
    assert _unlocated(got) == _unlocated(want)


# --------------------------------------------------------------------------- every real diagram

ALL = [*CORPUS, *SELFTEST]


@needs_shared
def test_corpus_is_there():
    assert len(CORPUS) >= 150 and SELFTEST


@needs_shared
@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_corpus_round_trip(path):
    original = parse(path.read_text(encoding="utf-8"), file=str(path))
    text, again = _round_trip(original)
    assert_same_model(again, original)
    assert to_plantuml(again) == text  # writing is stable


@needs_shared
@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_corpus_round_trip_with_themes(path):
    """A theme is written back as '!theme' lines, which send the text through the preprocessor: the
    model read back is still the same (no label is taken for a directive or a variable)."""
    original = dataclasses.replace(parse(path.read_text(encoding="utf-8"), file=str(path)),
                                   themes=("cerulean", "_none_"))
    text, again = _round_trip(original)
    assert text.startswith("@startuml\n!theme cerulean\n!theme _none_\n")
    assert again.themes == ("cerulean", "_none_")
    assert_same_model(again, original)


def test_seed_round_trip():
    original = parse(SEED.read_text(encoding="utf-8"), file=str(SEED))
    text, again = _round_trip(original)
    assert_same_model(again, original)
    assert len(again.messages) == 62
    # The seed's own forms survive: implied participants stay implied, quoted names stay quoted.
    assert "participant" not in text
    assert 'Keystone -> "Token Store" : Save token' in text


@pytest.mark.plantuml
@needs_shared
def test_plantuml_reads_written_files_as_the_originals(tmp_path):
    """PlantUML 1.2026.8 accepts every written file (one JVM), and its own parse of each equals its
    parse of the original (the corpus' ``expected-1.2026/``)."""
    _needs_plantuml()
    written = []
    for path in [*CORPUS, SEED]:
        out = tmp_path / path.name
        out.write_text(to_plantuml(parse(path.read_text(encoding="utf-8"))), encoding="utf-8")
        written.append(out)
    check = subprocess.run(["java", "-Djava.awt.headless=true", "-jar", str(JAR_2026), "-checkonly", *map(str, written)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr

    oracle = subprocess.run([str(ORACLE), "--jsonl", *map(str, written[:-1])], capture_output=True, text=True,
                            env={**os.environ, "PLANTUML_JAR": str(JAR_2026)})
    lines = oracle.stdout.splitlines()
    assert len(lines) == len(CORPUS), oracle.stderr
    for path, line in zip(CORPUS, lines):
        got = json.loads(line)
        want = json.loads((SHARED / "corpus" / "expected-1.2026" / f"{path.stem}.expected.json").read_text(encoding="utf-8"))
        got["file"] = want["file"]
        assert got == want, path.name


# --------------------------------------------------------------------------- arrows, against PlantUML

def _all_arrows() -> list[Message]:
    """Every arrow the model can describe and PlantUML can draw, between A and B or to an edge."""
    found = []
    for exo in (None, "from_left", "to_left", "to_right", "from_right"):
        for short in ((None,) if exo is None else (False, True)):
            for dotted in (False, True):
                for head in ("normal", "async", "crossx"):
                    for both in (False, True):
                        if exo and both and (head == "crossx" or exo in ("to_left", "from_right")):
                            continue  # PlantUML has no such arrow
                        for color in (None, "#red"):
                            source, target = {None: ("A", "B"), "from_left": (None, "A"), "from_right": (None, "A"),
                                              "to_left": ("A", None), "to_right": ("A", None)}[exo]
                            found.append(dict(source=source, target=target, dotted=dotted, head=head,
                                              bidirectional=both, exo=exo, exo_short=short, color=color))
    return [Message(i + 1, label=f"m{i + 1}", parallel=i % 7 == 3, **f) for i, f in enumerate(found)]


def _arrow_diagram() -> Diagram:
    people = (Participant("A", "A", declared=True), Participant("B", "B", declared=True))
    messages = tuple(_all_arrows())
    return Diagram(people, messages, messages)


def test_every_arrow_round_trips():
    d = _arrow_diagram()
    text, again = _round_trip(d)
    assert len(again.messages) == len(d.messages) > 100
    for got, want in zip(again.messages, d.messages):
        assert _unlocated(got) == _unlocated(want), text.splitlines()[want.step + 2]


@pytest.mark.plantuml
@needs_shared
def test_every_arrow_means_the_same_to_plantuml(tmp_path):
    _needs_plantuml()
    d = _arrow_diagram()
    path = tmp_path / "arrows.puml"
    path.write_text(to_plantuml(d), encoding="utf-8")
    got = json.loads(subprocess.run([str(ORACLE), str(path)], capture_output=True, text=True,
                                 env={**os.environ, "PLANTUML_JAR": str(JAR_2026)}).stdout)
    assert got["ok"], got["error"]
    assert got["messages"] == to_corpus_json(d)["messages"]


# --------------------------------------------------------------------------- hostile text

HOSTILE = {
    "quotes": 'say "hi" to \u201cthem\u201d',
    "backslash": "C:\\temp\\new",
    "literal-backslash-n": "keep \\n literal",
    "newline": "two\nlines",
    "both-newlines": "real\nand \\n literal\\",
    "create": "<<create>> A",
    "unicode": "\u00fcn\u00efc\u00f6d\u00e9 \u2713 \u65e5\u672c \U0001F680",
    "tab": "a\tb",
    "link": "[[http://x/a\\b see]] then \\ here",
    "script": "<script>alert(1)</script>",
    "dot-injection": '"]; x [label="pwned',
    "html": "<img src=x onerror=alert(1)> & &amp;",
    "fake-lines": "x\n@enduml\nA -> B : injected\nend note\n== no ==",
    "comment-like": "' not a comment /' nor this '/ really",
    "arrows": "A -> B : still a label",
    "percent": "100% sure, 50 %",
    "braces": "{x} [y] (z)",
    "trailing-backslash": "ends with \\",
}


def _hostile_diagram(text: str) -> Diagram:
    """A model holding ``text`` in every free-text field; the rest of it as the parser builds it."""
    d = parse("""@startuml
title T
participant "P" as A
participant B
== D ==
A -> B : L1
note left of A : N1
note over A, B
N2a
N2b
end note
... X ...
ref over A, B : R
alt G
B --> A : L2
else E
A -> B
note right : N3
end
@enduml
""")
    one_line = text.replace("\n", " ").rstrip("\\").strip()  # group labels are raw: one line
    name = text.replace('"', "'").replace("\u201c", "'").replace("\u201d", "'")
    phase = text.strip()
    events = []
    for e in d.events:
        if isinstance(e, Message):
            e = dataclasses.replace(e, label=text, phase=phase)
        elif isinstance(e, Note):
            e = dataclasses.replace(e, text=text)
        elif isinstance(e, (Reference,)):
            e = dataclasses.replace(e, text=text)
        elif isinstance(e, Divider):
            e = dataclasses.replace(e, text=phase)
        elif isinstance(e, GroupStart):
            e = dataclasses.replace(e, label=one_line)
        elif isinstance(e, GroupElse):
            e = dataclasses.replace(e, label=one_line)
        elif type(e).__name__ == "Delay":
            e = dataclasses.replace(e, text=f"later: {text}")
        events.append(e)
    events = tuple(events)
    return dataclasses.replace(
        d,
        title=text,
        participants=(dataclasses.replace(d.participants[0], display=name), d.participants[1]),
        events=events,
        messages=tuple(e for e in events if isinstance(e, Message)),
        notes=tuple(e for e in events if isinstance(e, Note)),
        groups=tuple(dataclasses.replace(g, label=one_line, else_labels=(one_line,)) for g in d.groups),
    )


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_round_trips(text):
    d = _hostile_diagram(text)
    written, again = _round_trip(d)
    assert_same_model(again, d)
    assert len(again.messages) == 3 and len(again.notes) == 3
    # One line per construct: nothing in the text became a command of its own.
    assert written.count("@enduml") == 1 or "@enduml" in text


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_escape_is_undone_by_plantuml_reading(text):
    line = escape(text)
    assert "\n" not in line
    assert unescape(line) == text


def test_literal_and_real_newlines_are_written_apart():
    assert escape("a\nb") == "a\\nb"
    assert escape("a\\nb") == "a\\\\nb"
    assert unescape("a\\\\nb") == "a\\nb"


@pytest.mark.plantuml
@needs_shared
def test_hostile_text_means_the_same_to_plantuml(tmp_path):
    _needs_plantuml()
    paths = []
    for key, text in HOSTILE.items():
        path = tmp_path / f"{key}.puml"
        path.write_text(to_plantuml(_hostile_diagram(text)), encoding="utf-8")
        paths.append(path)
    out = subprocess.run([str(ORACLE), "--jsonl", *map(str, paths)], capture_output=True, text=True,
                         env={**os.environ, "PLANTUML_JAR": str(JAR_2026)}).stdout
    assert len(out.splitlines()) == len(HOSTILE), out
    for (key, text), line in zip(HOSTILE.items(), out.splitlines()):
        got, want = json.loads(line), to_corpus_json(_hostile_diagram(text))
        assert got["ok"], (key, got["error"])
        if "%" in text:
            continue  # PlantUML's preprocessor reads %name( as a function call; flowlib does not
        assert got["messages"] == want["messages"], key
        if key != "link":  # PlantUML drops a `\b` inside a link in a note (not in a label)
            assert got["note_list"] == want["note_list"], key
        assert got["participants"] == want["participants"], key


def _alt(label: str) -> Diagram:
    return Diagram((), (GroupStart("alt", "alt", label, 0, 0),), (), groups=(Group("alt", "alt", label, 0),))


def _one(**fields) -> Diagram:
    m = Message(1, "A", "B", **fields)
    return Diagram((Participant("A", "A"), Participant("B", "B")), (m,), (m,))


@pytest.mark.parametrize("diagram, why", [
    (Diagram((Participant("A B", 'say "x"', declared=True),), (), ()), "cannot be written"),
    (Diagram((Participant("A", 'say "x"', declared=True),), (), ()), "double quote"),
    (Diagram((Participant('A"B', "A", declared=True),), (), ()), "cannot be written"),
    (_alt("two\nlines"), "line break"),
    (_alt("ends in \\"), "something else"),
    (_alt("-> B"), "something else"),
    (_alt("#red"), "something else"),
    (_one(label="x /' gone '/"), "comment"),
    (_one(label="[[link\nbreak]]"), "link"),
    (_one(label="ok", number='say "1"'), "autonumber"),
    (_one(label="-> x", is_return=True), "arrow"),
    (_one(label="x", stereotype="<<a>> : <<b>>"), "stereotype"),
    (dataclasses.replace(_one(), themes=("azure",)), "theme"),
    (_one(stereotype="<<a>>\n<<b>>"), "stereotype"),
], ids=["quoted-name-with-display", "quote-in-display", "quote-in-name", "group-newline",
        "group-backslash", "group-arrow", "group-colour", "trailing-comment", "newline-in-link",
        "quote-in-number", "return-arrow", "stereotype-ending-early", "unknown-theme", "stereotype-newline"])
def test_unwritable_text_is_refused_not_changed(diagram, why):
    with pytest.raises(ValueError, match=why):
        to_plantuml(diagram)


# --------------------------------------------------------------------------- forms people write

LIFE = """@startuml
participant A
A -> B ++ #gold : call
B -> C ** : make
C -> C !! : bye
B --> A -- : done
A -> B ++ : again
B -> D ++-- : hand over
return back
A -> B ++ : parallel return
& return at once
activate A
deactivate A
create participant E <<new>>
A -> E : hello
@enduml
"""


ORDER = """@startuml
A -> B : implied first
participant C #red
box "Edge" #eee
participant "Long name" as D <<svc>> order 5
end box
B -> E : E is implied after C and D's declarations
actor F order -1
@enduml
"""


AUTONUMBER = """@startuml
autonumber
A -> B : 1
autonumber 10 5 "<b>[000]"
A -> B : 10
A -> B : 15
autonumber stop
A -> B : none
autonumber resume
A -> B : 20
autonumber 2.3
A -> B : 2.3
autonumber inc A
A -> B : 3.1
autonumber 7 "'0'0.#"
A -> B : literal digit
@enduml
"""


FRAMES = """@startuml
title
  Multi
  line title
end title
header page head
footer foot\\nline
caption the caption
legend
 a legend
 of two lines
endlegend
A -> B : x
note top : on the message
rnote over A
  box note
  with lines
end rnote
hnote across : everywhere
group My group [extra]
A -> B
else other
end
& loop 3 times
A -> B
end
||45||
newpage second page
A -> B
@enduml
"""



def test_implicit_and_explicit_life_events_keep_their_form():
    original = parse(LIFE)
    written, again = _round_trip(original)
    assert_same_model(again, original)
    for form in ("++ #gold", "**", "!!", "B --> A --", "return back", "activate A",
                 "create participant E <<new>>"):
        assert form in written
    implicit = [e.implicit for e in again.events if isinstance(e, LifeEvent)]
    assert implicit == [e.implicit for e in original.events if isinstance(e, LifeEvent)]
    assert True in implicit and False in implicit


def test_participant_order_survives_mixed_declaration():
    original = parse(ORDER)
    written, again = _round_trip(original)
    assert_same_model(again, original)
    assert [p.code for p in again.participants] == [p.code for p in original.participants]
    assert [p.declared for p in again.participants] == [p.declared for p in original.participants]


def test_autonumber_forms():
    original = parse(AUTONUMBER)
    _, again = _round_trip(original)
    assert [m.number for m in again.messages] == [m.number for m in original.messages]
    assert None in [m.number for m in again.messages]


def test_headers_notes_and_frames():
    original = parse(FRAMES)
    _, again = _round_trip(original)
    assert_same_model(again, original)
    assert again.title == "Multi\nline title" and again.legend == "a legend\nof two lines"


def test_block_count_survives():
    original = parse("@startuml\nA -> B\n@enduml\n@startuml\nC -> D\n@enduml\n@startuml\n@enduml\n")
    assert original.block_count == 3
    _, again = _round_trip(original)
    assert_same_model(again, original)


@pytest.mark.plantuml
@needs_shared
def test_written_forms_mean_the_same_to_plantuml(tmp_path):
    """PlantUML's own parse of each written snippet equals its parse of the snippet as people wrote it."""
    _needs_plantuml()
    paths = []
    for name, text in {"life": LIFE, "order": ORDER, "autonumber": AUTONUMBER, "frames": FRAMES}.items():
        (tmp_path / f"{name}.puml").write_text(text, encoding="utf-8")
        (tmp_path / f"{name}-written.puml").write_text(to_plantuml(parse(text)), encoding="utf-8")
        paths += [tmp_path / f"{name}.puml", tmp_path / f"{name}-written.puml"]
    out = subprocess.run([str(ORACLE), "--jsonl", *map(str, paths)], capture_output=True, text=True,
                         env={**os.environ, "PLANTUML_JAR": str(JAR_2026)}).stdout
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == len(paths)
    for original, written in zip(results[::2], results[1::2]):
        assert original["ok"], original
        original["file"] = written["file"]
        assert written == original


# --------------------------------------------------------------------------- every label the reader accepts

from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from flowlib import DiagramError  # noqa: E402

# Pieces that PlantUML's escapes and raw regions are made of, and plain characters between them.
_LABEL_PIECES = st.sampled_from(
    ["\\", "\\n", "\\t", "\\l", "\\r", "\\\\", "[[", "]]", "<math>", "</math>", "<latex>", "</latex>",
     "/'", "'/", "'", '"', ":", "-", ">", "#", " ", "a", "B", "é", "%", "<b>", "\t"]
)
_LABELS = st.lists(st.one_of(_LABEL_PIECES, st.text(max_size=3)), max_size=12).map("".join)


@given(_LABELS)
@settings(max_examples=300)
@example("<math>a\\nb</math>")  # the reader once unescaped formulas, which PlantUML keeps raw
@example("[[x\\ny]] \\n <latex>\\\\</latex>\\t")
def test_every_label_the_reader_accepts_round_trips(label):
    text = f"@startuml\nA -> B : {label}\nB --> A : {label}\nnote over A : {label}\n@enduml\n"
    try:
        diagram = parse(text)
    except DiagramError:
        return  # the reader refuses it: nothing to write
    written, again = _round_trip(diagram)
    assert_same_model(again, diagram)


def test_multicast_round_trips():
    d = parse("A -> B & C & D : hi\nA --> B & C")
    again = parse(to_plantuml(d))
    assert [m.multicast for m in again.messages] == [("C", "D"), ("C",)]
    assert [p.code for p in again.participants] == ["A", "B", "C", "D"]
