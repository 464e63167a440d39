"""PlantUML's own parse of small diagrams that exercise its quirks: flowlib must read each one the same way.

Each case is a few lines of the kind people write (a byte order mark, ``hide unlinked``, stereotype spots,
autonumber formats, ``x->`` arrows, ``!undef``, ``!definelong``); the expected parse is not written here but
asked of PlantUML itself, through ``../shared/tools/puml-oracle``, all cases in one JVM.
"""

from __future__ import annotations

import pytest
from plantuml_ref import needs_plantuml, oracle

from flowlib import parse
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
}

KEYS = ("ok", "diagram_type", "participants", "messages", "note_list", "groups", "dividers", "delays",
        "references", "life_events", "newpages", "autonumber", "title")

def _source(text: str) -> str:
    return text if "@startuml" in text else f"@startuml\n{text}\n@enduml\n"


@pytest.fixture(scope="module")
def plantuml(tmp_path_factory) -> dict[str, dict]:
    """PlantUML's parse of every case, by case name."""
    folder = tmp_path_factory.mktemp("quirks")
    paths = {}
    for name, text in CASES.items():
        path = folder / f"{name}.puml"
        path.write_bytes(_source(text).encode("utf-8"))
        paths[str(path)] = name
    return {paths[file]: record for file, record in oracle(list(paths)).items()}


@pytest.mark.plantuml
@needs_plantuml
@pytest.mark.parametrize("name", CASES)
def test_flowlib_reads_it_as_plantuml_does(plantuml, name):
    expected = plantuml[name]
    assert expected["ok"], f"PlantUML refused the case itself: {expected['error']}"
    ours = to_corpus_json(parse(_source(CASES[name])), file=expected["file"])
    for key in KEYS:
        assert ours[key] == expected[key], key
