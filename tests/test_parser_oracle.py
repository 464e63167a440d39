"""PlantUML 1.2026.8's own parse of small diagrams that exercise its quirks: flowlib must read each one the same way.

Each case is a few lines of the kind people write (a byte order mark, ``hide unlinked``, stereotype spots,
autonumber formats, ``x->`` arrows, ``!undef``, ``!definelong``); the expected parse is not written here but
asked of PlantUML itself, through ``../shared/tools/puml-oracle``, all cases in one JVM.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from plantuml_ref import JAR_2020, needs_plantuml, needs_plantuml_2020, oracle

from flowlib import DiagramError, parse, parse_file
from flowlib.writing.corpusjson import to_corpus_json

CASES = {
    "bom": "\ufeff@startuml\nA -> B : x\n@enduml\n",
    "bom-crlf": "\ufeff@startuml\r\nA -> B : x\r\nB --> A\r\n@enduml\r\n",
    "hide-unlinked": "hide unlinked\nparticipant A\nparticipant U\nA -> B",
    "hide-unlinked-keeps-notes-and-life": "hide unlinked\nparticipant U\nparticipant V\nparticipant W\nA -> B\n"
                                          "note over U: hi\nactivate V",
    "hide-unlinked-ref-exo": "hide unlinked\nparticipant U\nparticipant W\n[-> A\nA ->]\nref over U, A: x",
    "show-unlinked-after": "participant U\nhide unlinked\nA -> B\nshow unlinked",
    "hide-class-things": "A -> B\nhide circle\nhide empty description\nshow stereotype\nhide <<x>> stereotype\n"
                         "hide members\nhide empty members\nshow <<x>> methods\nhide class circle\nB -> A",
    "stereotype-spots": "participant A << (C,#ADD1B2) Testable >>\nparticipant B << (S,#FF7700) >>\n"
                        "participant C <<(C,red)Foo>>\nparticipant D <<one>> <<two>>\n"
                        "participant E << (C,#ADD1B2) one >> <<two>>\nparticipant F <<(C,#red) x>>\n"
                        "participant G <<(C,red)>><<(D,blue)>>\nparticipant H <<one>> foo <<two>>\n"
                        "participant I << C, red >>\nparticipant J <<(C,#ADD1B2),x>>\nA -> B",
    "autonumber-point": 'autonumber "0."\nA -> B\nA -> B\nautonumber inc A\nA -> B',
    "autonumber-formats": 'autonumber "00."\nA -> B\nautonumber "0.0"\nA -> B\nautonumber "[0]."\nA -> B\n'
                          'autonumber 1234 "#,##0.00"\nA -> B\nautonumber "0.#"\nA -> B\nautonumber 5 "00%"\nA -> B\n'
                          "autonumber \"'#'0\"\nA -> B\nautonumber \"0;(0)\"\nA -> B\nautonumber 3 \"Step 0:\"\nA -> B",
    "autonumber-dotted-ignores-format": 'autonumber 2.1 "0."\nA -> B\nA -> B\nautonumber inc A\nA -> B\n'
                                        'autonumber 1.1.1 "<b>[00]"\nA -> B\nautonumber 1-1 "<b>0"\nA -> B\n'
                                        'autonumber stop\nA -> B\nautonumber resume "0."\nA -> B',
    "autonumber-inc-single-level": "autonumber 10 10\nA -> B\nautonumber inc A\nA -> B\nA -> B",
    "autonumber-in-label": 'A -> B : off %autonumber%\nautonumber\nA -> B : m %autonumber% x\n'
                           'autonumber "<i>0</i>"\nA -> B : %autonumber% and %AUTONUMBER%\n'
                           'autonumber 1.1 "<b>[00]"\nA -> B : %autonumber%',
    "cross-heads": "A x-> B\nA x->x B\nC x<- D\nA x-> A\nA <->x B\nA x<-> B\nA x<<- B\nA o<-x B\nA ->x B",
    "undef": "!define U foo\nA -> B : U\n!undef U\nA -> B : U",
    "definelong": "!definelong MSG(x)\nA -> B : x\nB --> A : ack x\n!enddefinelong\nMSG(one)\nMSG(two)",
    "note-after-else-and-end": "alt ok\nA -> B\nrnote right: y\nelse x\nnote right: on A -> B\n& B -> A\nend\n"
                               "note right: on the group\nalt\nelse\nnote left: still the group\nend",
    "attached-note-listed-with-its-message": 'A -> B\nalt ok\nnote over A\n  free\nend note\nelse no\n'
                                             'rnote left: on A -> B\nend',
    "repeated-startuml-starts-again": "@startuml first\ntitle T\nparticipant P\nA -> P\n@startuml again\nB -> P\n"
                                      "@enduml\n",
    "ignore-newpage": "ignore newpage\nA -> B\nnewpage\nB -> A\nnewpage next",
    # 1.2026's newer syntax: one command-table entry each (flowlib/reading/commands.py).
    "slanted-arrows": "A ->(30) B : s\nA (20)<- B\nA -->(10) B : t\nA ->>(5) B",
    "multicast": 'A -> B & C : m\nA -> B & C & D\nA --> "B" & C : q\nA -> B & C ++ : r',
    "message-stereotypes": "A -> B <<create>> : x\nA -> B ++ <<async>> : y\nA -> B <<s1>>\n"
                           "A -> B <<a>> <<b>> : x >> y\nA -> B <<a : b>>:z\nA -> B ++ #red <<s>> [[http://x]] : u",
    "underscore-heads": "A -_> B\nA <_- B\nA -> B",
    "en-dash-arrows": "A \u2013> B : a \u2013 b\nA <\u2013 B\nA \u2013\u2013> B",
    "nested-boxes": 'box "Outer"\nparticipant A\nbox "Inner" #LightBlue\nparticipant B\nend box\nparticipant C\n'
                    "end box\nA -> B\nC -> D",
    "lifeline-suffix-pairs": "A -> B ++\nB -> C --++\nC -> A ++--",
    # Where 1.2026 reads differently from 1.2020 (docs/plantuml-versions.md).
    "quoted-title": 'title "Quoted"\nA -> B',
    "note-after-ref": "A -> B\nref over A, B, A : r\nnote right: on the ref\n== d ==\nnote left: still the ref\n"
                      "A -> B\nref over A\n  multi\nend ref\nnote right: on it too",
    "activate-unrelated": "A -> B\nactivate C\nB -> A\ndeactivate C\ndeactivate C",
    "backslash-space-in-note": "A -> B\nnote over A: a\\ b\\tc",
    "cross-at-the-tail": "A <-x B\nA <<-x B\n[x-> A\n[<-x A\nA x->]\nA <-x]\n[->x A\nA x<-]",
    "bundled-themes": "!theme cerulean\n!theme _none_\n!theme plain\nA -> B",
    "theme-from-a-variable": '!$t = "toy"\n!theme $t\n!procedure $p()\n!theme  sketchy-outline  \n!endprocedure\n'
                             "$p()\nA -> B",
    # The preprocessor.
    "variables": '!$x = 3\n!$y = $x * 2 + 1\n!$s = "ab" + 1\n!$a = "q"\n!$a ?= "r"\n!$b ?= "s"\n'
                 "A -> B : $x and $y $s $a $b x$x $xx",
    "if-elseif": '!$x = 2\n!if $x == 1\nA -> B : one\n!elseif $x == 2\nA -> B : two\n!else\nA -> B : other\n'
                 '!endif\n!if ""\nA -> B : empty\n!endif\n!if "0"\nA -> B : zero string\n!endif\n'
                 "!if $x > 1 && %not($x == 3) || 0\nA -> B : logic\n!endif",
    "while-foreach": '!$i = 0\n!while $i < 3\nA -> B : $i\n!$i = $i + 1\n!endwhile\n'
                     '!foreach $k in [1, "two", 3]\nB -> A : $k\n!endfor',
    "functions-procedures": '!function $f($a, $b=2)\n!if $a > 5\n!return "big"\n!endif\n!return $a + $b\n'
                            "!endfunction\n!function $g($x) !return $x * 3\n"
                            '!procedure $msg($from, $to, $text="hi")\n$from -> $to : $text\n!endprocedure\n'
                            '$msg(A, B)\n$msg("A", "C", $f(1))\nA -> B : $f(1) $f(1,5) $f(9) $g(2) x $msg(B, A) y',
    "builtins": 'A -> B : %strlen("abc") %upper("ab") %substr("abcdef", 1, 3) %intval("42") %string(5) '
                '%lower("AB")\n!if %variable_exists("$nope")\nA -> B : yes\n!else\nA -> B : no\n!endif\n'
                'A -> B : a%newline()b %date("yyyy")',
    "unknown-percent-call-kept": "A -> B : 50%discount(now) and %foo(1)\n!$x = 1\nA -> B : %foo($x) $x",
}

# What 1.2026 refuses (and flowlib must refuse on the same line).
REFUSED = {
    "single-plus": "A -> B : x\nA -> B+ : y",
    "single-minus": "A -> B : x\nB -> A- : y",
    "unknown-colour": "A -> B\nnote over A #Light : hi",
    "unknown-colour-multiline": "A -> B\nrnote over A #Nope\n  text\nend note",
    "unknown-theme": "!theme azure\nA -> B",
    "theme-wrong-case": "!theme Cerulean\nA -> B",
    "theme-with-more-words": "!theme plain junk\nA -> B",
    "theme-from-a-variable-unknown": '!$t = "azure"\nA -> B\n!theme $t',
    "theme-unknown-in-a-procedure": "!procedure $p()\n!theme nope\n!endprocedure\nA -> B\n$p()",
    "modulo-operator": "!$x = 7 % 3\nA -> B : $x",
    "not-operator": "!$x = 1\n!if !($x == 3)\nA -> B\n!endif",
    "missing-include": "A -> B\n!include nowhere.iuml",
    # A DOT graph inside @startuml: blamed at @enduml when it is the first statement, else where it stands.
    "dot-graph": "digraph g {\n  a -> b\n}",
    "dot-graph-then-lines": "digraph g {\n  a -> b\n}\n\n\nfoo",
    "dot-strict-after-comment": "' a comment\nstrict digraph g {\n  a -> b\n}",
    "dot-undirected": "graph g {\n  a -- b\n}",
    "dot-after-a-title": "title x\ndigraph g {\n  a -> b\n}",
    # An activity diagram: 1.2026 ends an activity with ';' only, and blames one that nothing closes.
    "activity-never-closed": "start\n:send<\n:wait;\nif (ok) then (yes)\n:receive>\nendif\nstop",
    "activity-closed-by-a-later-line": "start\n:a;\n#pink:b>\nnote right\n:c<\nend note\n:d; <<input>>\n:e<\nstop",
}

# Diagrams with local includes: (main text, {file: text}), written in a folder of their own.
INCLUDE_CASES = {
    "include-relative": ("!include parts/calls.iuml\nB -> C : three",
                         {"parts/calls.iuml": "A -> B : one\n!include more.iuml",
                          "parts/more.iuml": "@startuml\nB --> A : two\n@enduml"}),
    "include-many-once-sub": ("!include_many m.iuml\n!include_many m.iuml\n!include_once m.iuml\n!include m.iuml\n"
                              "!includesub s.iuml!TWO",
                              {"m.iuml": "A -> B : m",
                               "s.iuml": "!startsub ONE\nA -> B : one\n!endsub\n!startsub TWO\nB -> A : two\n!endsub"}),
    "include-defines": ("!include defs.iuml\n$call(A, B, hello)\nA -> B : $greeting",
                        {"defs.iuml": '!$greeting = "hi"\n!procedure $call($a, $b, $t)\n$a -> $b : $t\n'
                                      "!endprocedure\nskinparam monochrome true"}),
    "include-nth-block": ("!include blocks.puml!1\nA -> B : main",
                          {"blocks.puml": "@startuml\nX -> Y : first\n@enduml\n@startuml\nP -> Q : second\n@enduml"}),
}

KEYS = ("ok", "diagram_type", "participants", "messages", "note_list", "groups", "dividers", "delays",
        "references", "life_events", "newpages", "autonumber", "title")

def _source(text: str) -> str:
    return text if "@startuml" in text else f"@startuml\n{text}\n@enduml\n"


def _oracle_of(cases: dict[str, str], folder: Path) -> dict[str, dict]:
    """Each case written to ``folder`` as NAME.puml, and PlantUML's parse of each, by case name."""
    paths = {}
    for name, text in cases.items():
        path = folder / f"{name}.puml"
        path.write_bytes(_source(text).encode("utf-8"))
        paths[str(path)] = name
    return {paths[file]: record for file, record in oracle(list(paths)).items()}


@pytest.fixture(scope="module")
def plantuml(tmp_path_factory) -> dict[str, dict]:
    """PlantUML's parse of every case, by case name."""
    return _oracle_of(CASES, tmp_path_factory.mktemp("quirks"))


@pytest.fixture(scope="module")
def refused(tmp_path_factory) -> dict[str, dict]:
    """PlantUML's parse (its error) of every refused case, by case name."""
    return _oracle_of(REFUSED, tmp_path_factory.mktemp("refused"))


@pytest.fixture(scope="module")
def included(tmp_path_factory) -> dict[str, tuple[Path, dict]]:
    """Each include case written in a folder of its own, and PlantUML's parse of its main file."""
    paths = {}
    for name, (text, files) in INCLUDE_CASES.items():
        folder = tmp_path_factory.mktemp(name)
        for file, body in files.items():
            (folder / file).parent.mkdir(parents=True, exist_ok=True)
            (folder / file).write_text(body + "\n", encoding="utf-8")
        path = folder / "main.puml"
        path.write_text(_source(text), encoding="utf-8")
        paths[str(path)] = name
    records = oracle(list(paths))
    return {paths[file]: (Path(file), record) for file, record in records.items()}


@pytest.mark.plantuml
@needs_plantuml
@pytest.mark.parametrize("name", REFUSED)
def test_flowlib_refuses_what_plantuml_refuses(refused, name):
    expected = refused[name]
    assert not (expected["ok"] and expected["diagram_type"] == "sequence"), "PlantUML reads it"
    with pytest.raises(DiagramError) as info:
        parse(_source(REFUSED[name]))
    if expected["error"] is not None:
        assert info.value.line == expected["error"]["line"]


@pytest.mark.plantuml
@needs_plantuml
@pytest.mark.parametrize("name", INCLUDE_CASES)
def test_flowlib_includes_as_plantuml_does(included, name):
    path, expected = included[name]
    assert expected["ok"], f"PlantUML refused the case itself: {expected['error']}"
    ours = to_corpus_json(parse_file(path), file=expected["file"])
    for key in KEYS:
        assert ours[key] == expected[key], key


@pytest.mark.plantuml
@needs_plantuml
@pytest.mark.parametrize("name", CASES)
def test_flowlib_reads_it_as_plantuml_does(plantuml, name):
    expected = plantuml[name]
    assert expected["ok"], f"PlantUML refused the case itself: {expected['error']}"
    ours = to_corpus_json(parse(_source(CASES[name])), file=expected["file"])
    for key in KEYS:
        assert ours[key] == expected[key], key


COURSE = sorted((Path(__file__).resolve().parents[1] / "course" / "launch_course" / "content").glob("*.puml"))


@pytest.mark.plantuml
@needs_plantuml
@needs_plantuml_2020
def test_course_diagrams_read_the_same_under_both_versions():
    """The course's own diagrams: 1.2020.02, 1.2026.8 and flowlib all read them alike."""
    assert COURSE, "the course's diagrams were not found"
    new = oracle([str(p) for p in COURSE])
    old = oracle([str(p) for p in COURSE], jar=JAR_2020)
    for path in COURSE:
        ours = to_corpus_json(parse_file(path), file=str(path))
        for key in KEYS:
            assert new[str(path)][key] == old[str(path)][key] == ours[key], (path.name, key)
