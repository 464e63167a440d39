"""The parser, syntax by syntax and error by error (expected values checked against PlantUML's oracle)."""

from __future__ import annotations

import pytest

from flowlib import DiagramError, parse, parse_file, parse_lenient
from flowlib.model import (
    Divider,
    GroupElse,
    GroupEnd,
    GroupStart,
    LifeEvent,
    Message,
    NewPage,
    Reference,
    Spacer,
)
from flowlib.reading.themes import THEMES


def wrap(body: str) -> str:
    return "@startuml\n" + body + "\n@enduml\n"


def one(body: str) -> Message:
    (message,) = parse(wrap(body)).messages
    return message


# --------------------------------------------------------------------------------------------- arrows

# (source, target, label, dotted, head, bidirectional, exo, exo_short)
ARROWS = [
    ("plain", "A -> B: hi", ("A", "B", "hi", False, "normal", False, None, None)),
    ("no-space", "A->B:hi", ("A", "B", "hi", False, "normal", False, None, None)),
    ("dotted", "A --> B: ok", ("A", "B", "ok", True, "normal", False, None, None)),
    ("long-dotted", "A ---> B", ("A", "B", "", True, "normal", False, None, None)),
    ("async", "A ->> B", ("A", "B", "", False, "async", False, None, None)),
    ("half-top", "A -\\ B", ("A", "B", "", False, "normal", False, None, None)),
    ("half-async", "A -\\\\ B", ("A", "B", "", False, "async", False, None, None)),
    ("half-bottom", "A -/ B", ("A", "B", "", False, "normal", False, None, None)),
    ("lost", "A ->x B", ("A", "B", "", False, "crossx", False, None, None)),
    ("lost-reversed", "A x<- B", ("B", "A", "", False, "crossx", False, None, None)),
    ("reversed", "A <- B: back", ("B", "A", "back", False, "normal", False, None, None)),
    ("reversed-dotted", "A <-- B", ("B", "A", "", True, "normal", False, None, None)),
    ("both-ways", "A <-> B", ("A", "B", "", False, "normal", True, None, None)),
    ("circle", "A o-> B", ("A", "B", "", False, "normal", False, None, None)),
    ("circle-end", "A ->o B", ("A", "B", "", False, "normal", False, None, None)),
    ("colour", "A -[#red]> B", ("A", "B", "", False, "normal", False, None, None)),
    ("colour-dotted", "A -[#red]-> B", ("A", "B", "", True, "normal", False, None, None)),
    ("style-dashed", "A -[dashed]> B", ("A", "B", "", True, "normal", False, None, None)),
    ("self", "A -> A: think", ("A", "A", "think", False, "normal", False, None, None)),
    ("quoted", 'A -> "Token Store": save', ("A", "Token Store", "save", False, "normal", False, None, None)),
    ("quoted-alias", '"Long Name" as L -> B', ("L", "B", "", False, "normal", False, None, None)),
    ("alias-quoted", 'L as "Long Name" -> B', ("L", "B", "", False, "normal", False, None, None)),
    ("empty-label", "A -> B:", ("A", "B", "", False, "normal", False, None, None)),
    ("newline-label", "A -> B: one\\ntwo", ("A", "B", "one\ntwo", False, "normal", False, None, None)),
    ("escaped-newline", "A -> B: one\\\\ntwo", ("A", "B", "one\\ntwo", False, "normal", False, None, None)),
    ("tab-label", "A -> B: a\\tb", ("A", "B", "a\tb", False, "normal", False, None, None)),
    ("trailing-blanks", "A -> B: hi   ", ("A", "B", "hi", False, "normal", False, None, None)),
    ("comment-in-label", "A -> B: <b>x</b> /' y '/ z", ("A", "B", "<b>x</b> /' y '/ z", False, "normal", False, None,
                                                         None)),
    ("comment-at-end", "A -> B: x /' y '/", ("A", "B", "x", False, "normal", False, None, None)),
    ("comment-first", "/' y '/ A -> B: x", ("A", "B", "x", False, "normal", False, None, None)),
    ("url-kept", "A -> B: see [[http://x{tip} lbl]]", ("A", "B", "see [[http://x{tip} lbl]]", False, "normal", False,
                                                      None, None)),
    ("dotted-names", "a.b@c -> d_e: x", ("a.b@c", "d_e", "x", False, "normal", False, None, None)),
    ("unicode-names", "Käse -> 服务: x", ("Käse", "服务", "x", False, "normal", False, None, None)),
    ("from-left", "[-> A: in", (None, "A", "in", False, "normal", False, "from_left", False)),
    ("to-left", "[<- A: out", ("A", None, "out", False, "normal", False, "to_left", False)),
    ("to-right", "A ->]: out", ("A", None, "out", False, "normal", False, "to_right", False)),
    ("from-right", "A <-]: in", (None, "A", "in", False, "normal", False, "from_right", False)),
    ("short-in", "?-> A: c", (None, "A", "c", False, "normal", False, "from_left", True)),
    ("short-out", "A ->? : d", ("A", None, "d", False, "normal", False, "to_right", True)),
    ("no-target", "A -> : g", ("A", None, "g", False, "normal", False, "to_right", False)),
    ("bare-left", "-> A: h", (None, "A", "h", False, "normal", False, "from_left", False)),
    ("exo-dotted", "[--> A", (None, "A", "", True, "normal", False, "from_left", False)),
    ("exo-async", "[->> A", (None, "A", "", False, "async", False, "from_left", False)),
    ("exo-lost", "[->x A", (None, "A", "", False, "crossx", False, "from_left", False)),
    ("exo-cross-at-tail", "[x-> A", (None, "A", "", False, "normal", True, "from_left", False)),  # 1.2026
    ("exo-both", "[<-> A", (None, "A", "", False, "normal", True, "from_left", False)),
]


@pytest.mark.parametrize("line, expected", [c[1:] for c in ARROWS], ids=[c[0] for c in ARROWS])
def test_arrow(line, expected):
    m = one(line)
    assert (m.source, m.target, m.label, m.dotted, m.head, m.bidirectional, m.exo, m.exo_short) == expected


def test_arrow_colour_and_position():
    d = parse(wrap("  A -[#red]> B: x\nA -> B"))
    assert d.messages[0].color == "#red" and d.messages[1].color is None
    assert (d.messages[0].line, d.messages[0].column) == (2, 3)
    assert (d.messages[1].line, d.messages[1].column) == (3, 1)


def test_steps_and_self():
    d = parse(wrap("A -> B\nB -> B\nB --> A"))
    assert [m.step for m in d.messages] == [1, 2, 3]
    assert [m.is_self for m in d.messages] == [False, True, False]


def test_teoz_parallel():
    d = parse(wrap("!pragma teoz true\nA -> B\n& B -> C\n&C->D"))
    assert [m.parallel for m in d.messages] == [False, True, True]


# --------------------------------------------------------------------------------------------- participants

# (code, display, kind, stereotype, color, order, box, declared)
PARTICIPANTS = [
    ("implied", "A -> B", ("A", "A", "participant", None, None, None, None, False)),
    ("declared", "participant A", ("A", "A", "participant", None, None, None, None, True)),
    ("actor", "actor User", ("User", "User", "actor", None, None, None, None, True)),
    ("any-case", "PARTICIPANT A", ("A", "A", "participant", None, None, None, None, True)),
    ("long-as", 'participant "Long Name" as L', ("L", "Long Name", "participant", None, None, None, None, True)),
    ("as-long", 'participant L as "Long Name"', ("L", "Long Name", "participant", None, None, None, None, True)),
    ("word-as", "participant Long as L", ("L", "Long", "participant", None, None, None, None, True)),
    ("quoted", 'database "Token-Store"', ("Token-Store", "Token-Store", "database", None, None, None, None, True)),
    ("multiline", 'entity "Two\\nLines" as E', ("E", "Two\nLines", "entity", None, None, None, None, True)),
    ("stereotype-colour", "control C <<svc>> #LightBlue",
     ("C", "C", "control", "<<svc>>", "#LightBlue", None, None, True)),
    ("order", "queue Q order 5", ("Q", "Q", "queue", None, None, 5, None, True)),
    ("box", 'box "Front" #White\nboundary F\nend box', ("F", "F", "boundary", None, None, None, "Front", True)),
    ("box-unquoted", "box Cactus #White\ncollections F\nend box",
     ("F", "F", "collections", None, None, None, "Cactus ", True)),
    ("box-untitled", "box\nparticipant F\nendbox", ("F", "F", "participant", None, None, None, "", True)),
]


@pytest.mark.parametrize("body, expected", [c[1:] for c in PARTICIPANTS], ids=[c[0] for c in PARTICIPANTS])
def test_participant(body, expected):
    p = parse(wrap(body)).participants[0]
    assert (p.code, p.display, p.kind, p.stereotype, p.color, p.order, p.box, p.declared) == expected


def test_participant_order_and_redeclaration():
    d = parse(wrap("participant C order 5\nA -> B\nD -> B\nactor B\nentity E order -1"))
    # `order` sorts (stable); declaring a known participant again moves it last and keeps its kind.
    assert [p.code for p in d.participants] == ["E", "A", "D", "B", "C"]
    assert d.participant("B").kind == "participant"
    assert d.participant("A").line == 3


# --------------------------------------------------------------------------------------------- structure

def test_notes():
    d = parse(wrap("""A -> B
note left: on the message
note over A, B: two
hnote over A: hex
rnote right of B
  four
    indented
end rnote
note across: all
note left of "A" #red: coloured
note top: above"""))
    got = [(n.position, n.participants, n.style, n.attached_to, n.text, n.after_step) for n in d.notes]
    assert got == [
        ("left", (), "normal", "message", "on the message", 1),
        ("over_several", ("A", "B"), "normal", None, "two", 1),
        ("over", ("A",), "hexagonal", None, "hex", 1),
        ("right", ("B",), "box", None, "four\n  indented", 1),
        ("across", (), "normal", None, "all", 1),
        ("left", ("A",), "normal", None, "coloured", 1),
        ("top", (), "normal", "message", "above", 1),
    ]


def test_note_on_an_edge_message_goes_inside():
    d = parse(wrap("[-> A\nnote left: a\nA ->]\nnote right: b\nA ->]\nnote top: c"))
    assert [n.position for n in d.notes] == ["right", "left", "left"]


def test_empty_notes_as_plantuml_keeps_them():
    # An empty note block on a participant adds nothing; one with a blank line, or on a message, is kept.
    d = parse(wrap("A -> B\nnote over A, B\nend note\nnote left of A\nend note\nnote right\nend note\n"
                   "note over A\n\nend note"))
    assert [(n.position, n.participants, n.text) for n in d.notes] == [("right", (), ""), ("over", ("A",), "")]


def test_note_after_group_end_is_attached_to_the_group():
    d = parse(wrap("alt x\nA -> B\nend\nnote left: about the group"))
    assert d.notes[0].attached_to == "group"


def test_groups():
    d = parse(wrap("""A -> B
alt ok
  B -> C
else bad
  B -> D
  loop 3 times
    D -> D
  end
else
end
group Tx [commit]
end
group
  A -> B
end
& par2
end"""))
    got = [(g.kind, g.title, g.label, g.level, g.else_labels, g.parallel, g.first_step, g.last_step, g.line,
            g.end_line) for g in d.groups]
    assert got == [
        ("alt", "alt", "ok", 0, ("bad", None), False, 2, 4, 3, 11),
        ("loop", "loop", "3 times", 1, (), False, 4, 4, 7, 9),
        ("group", "Tx ", "commit", 0, (), False, None, None, 12, 13),
        ("group", "group", "group", 0, (), False, 5, 5, 14, 16),
        ("par2", "par2", None, 0, (), True, None, None, 17, 18),
    ]
    kinds = [type(e) for e in d.events if isinstance(e, (GroupStart, GroupElse, GroupEnd))]
    assert kinds == [GroupStart, GroupElse, GroupStart, GroupEnd, GroupElse, GroupEnd, GroupStart, GroupEnd,
                     GroupStart, GroupEnd, GroupStart, GroupEnd]


def test_group_keywords_in_any_case():
    d = parse(wrap("ALT x\nA -> B\nELSE y\nEND"))
    assert d.groups[0].else_labels == ("y",)


def test_dividers_give_phases():
    d = parse(wrap("A -> B\n== Auth ==\nA -> C\n==Boot==\nC -> D"))
    assert [div.text for div in d.dividers] == ["Auth ", "Boot"]
    assert [m.phase for m in d.messages] == [None, "Auth", "Boot"]
    assert d.phases == ("Auth", "Boot")


def test_delays_spacers_newpages_references():
    d = parse(wrap("A -> B\n...\n... 5 min ...\n|||\n||45||\nref over A, B: see x\nref over A\n  a\n   b\nend ref\n"
                   "newpage\nnewpage Part two\nA -> B"))
    events = [e for e in d.events if not isinstance(e, Message)]
    assert events[:2] == [type(events[0])(text="", line=3), type(events[1])(text=" 5 min ", line=4)]
    assert [e for e in events if isinstance(e, Spacer)] == [Spacer(None, 5), Spacer(45, 6)]
    assert [e for e in events if isinstance(e, Reference)] == [Reference(("A", "B"), "see x", 7),
                                                               Reference(("A",), "a\n b", 8)]
    assert [e for e in events if isinstance(e, NewPage)] == [NewPage(None, 12), NewPage("Part two", 13)]


def test_autonumber_formats():
    d = parse(wrap('autonumber\nA -> B\nautonumber 10 5\nA -> B\nA -> B\nautonumber "<b>[000]"\nA -> B\n'
                   'autonumber stop\nA -> B\nautonumber resume\nA -> B\nautonumber 1.1\nA -> B\nautonumber inc A\n'
                   'A -> B\nautonumber 3 "<font color=red>Step 0:"\nA -> B'))
    assert [m.number for m in d.messages] == [
        "<b>1</b>", "<b>10</b>", "<b>15</b>", "<b>[001]", None, "<b>[002]", "<b>1.1</b>", "<b>2.1</b>",
        "<font color=red>Step 3:"]


def test_life_events_explicit_and_implied():
    d = parse(wrap("A -> B ++ : call\nB --> A -- : done\nA -> C ** : new\nA -> C !! : bye\nActivate A\n"
                   "deactivate A\nA -> B\nactivate B #Gold"))
    got = [(e.action, e.participant, e.implicit, e.color, e.after_step, e.line)
           for e in d.events if isinstance(e, LifeEvent)]
    assert got == [
        ("activate", "B", True, None, 1, 2),
        ("deactivate", "B", True, None, 2, 3),
        ("create", "C", True, None, 2, 4),
        ("destroy", "C", True, None, 4, 5),
        ("activate", "A", False, None, 4, 6),
        ("deactivate", "A", False, None, 4, 7),
        ("activate", "B", False, "#Gold", 5, 9),
    ]


def test_return_answers_the_activating_message():
    d = parse(wrap("A -> B ++\nB -> C ++\nreturn r1\nreturn\nreturn again"))
    got = [(m.source, m.target, m.label, m.dotted, m.is_return) for m in d.messages[2:]]
    # With no activation left, PlantUML reverses the last message.
    assert got == [("C", "B", "r1", True, True), ("B", "A", "", True, True), ("A", "B", "again", True, True)]
    deactivations = [e.participant for e in d.events if isinstance(e, LifeEvent) and e.action == "deactivate"]
    assert deactivations == ["C", "B"]


def test_implied_life_events_are_not_checked():
    # PlantUML ignores its checks for ++ ** !! and return: after a delay the event is dropped, otherwise kept.
    d = parse(wrap("A -> B\n...\nA -> C ** : new\nC -> B !!\nB -> C ++\ncreate D\nreturn\nA -> D"))
    got = [(e.action, e.participant) for e in d.events if isinstance(e, LifeEvent)]
    assert got == [("destroy", "B"), ("activate", "C"), ("create", "D"), ("deactivate", "C")]


def test_autoactivate():
    d = parse(wrap("autoactivate on\nA -> B: x\nB --> A"))
    assert [(e.action, e.participant, e.implicit) for e in d.events if isinstance(e, LifeEvent)] == [
        ("activate", "B", True), ("deactivate", "B", True)]


def test_title_header_footer_legend_caption():
    d = parse(wrap("title Single\nheader H\nright footer F\nlegend right\n  L1\n  L2\nendlegend\ncaption C\nA -> B"))
    assert (d.title, d.header, d.footer, d.legend, d.caption) == ("Single", "H", "F", "L1\nL2", "C")
    assert parse(wrap("title\n  multi\n  line\nend title\nA -> B")).title == "multi\nline"


def test_ignored_lines_and_comments():
    d = parse(wrap("""' a comment
/' a block
   comment '/
skinparam monochrome true
skinparam sequence {
  ArrowColor red
  Stereotype {
    Size 11
  }
}
hide footbox
!theme plain
!pragma teoz true
scale 2
A -> B: x"""))
    assert [(m.source, m.target, m.label, m.line) for m in d.messages] == [("A", "B", "x", 16)]


def test_continuation_lines():
    m = one("A -> B: one \\\n  two")
    assert m.label == "one   two"


def test_preprocessor_define_and_if():
    d = parse(wrap('!define SVC Nova\n!$who = "Alice"\n!if %variable_exists("$who")\n$who -> SVC: hi\n!else\n'
                   "Bob -> SVC\n!endif"))
    assert [(m.source, m.target) for m in d.messages] == [("Alice", "Nova")]


def test_keyword_glued_to_text():
    # PlantUML reads "returns" as "return" + "s ...", and a repeated @startuml starts the block again.
    d = parse("@startuml\n@startuml\nA -> B\nreturns done\n@enduml\n")
    assert [(m.source, m.target, m.label) for m in d.messages] == [("A", "B", ""), ("B", "A", "s done")]


def test_first_block_of_several():
    d = parse("@startuml\nA -> B\n@enduml\n\n@startuml\nC -> D\nE -> F\n@enduml\n")
    assert [m.source for m in d.messages] == ["A"] and d.block_count == 2


def test_text_without_startuml_is_one_block():
    assert parse("A -> B").block_count == 1


# --------------------------------------------------------------------------------------------- errors

# (id, body, message, line, column): line and column are in the file (the body starts on line 2).
ERRORS = [
    ("hyphen-source", "Nova-api -> DB",
     'unquoted name "Nova-api" contains a hyphen: write "Nova-api" in quotes, or declare participant "Nova-api" '
     "as Nova_api", 2, 1),
    ("hyphen-target", "  DB -> nova-compute: x",
     'unquoted name "nova-compute" contains a hyphen: write "nova-compute" in quotes, or declare participant '
     '"nova-compute" as nova_compute', 2, 9),
    ("no-head", "A -> B\nA - B", "this arrow has no head: write '->' or '<-'", 3, 3),
    ("unknown", "A -> B\nhello world", "syntax error: this line is not a sequence-diagram command", 3, 1),
    # Near misses: the caret under the offending token, and what would be accepted.
    ("misspelt-command", "A -> B\n  partcipant C as D", "unknown command 'partcipant': did you mean 'participant'?",
     3, 3),
    ("misspelt-else", "alt ok\nA -> B\nesle failure\nB -> A\nend", "unknown command 'esle': did you mean 'else'?",
     4, 1),
    ("misspelt-word", "A -> B\nnote lef of A: x", "unknown word 'lef': did you mean 'left'?", 3, 6),
    ("missing-colon", "Bob -> Alice hi there", "expected ':' before the label: write 'Bob -> Alice: hi there'", 2, 14),
    ("note-missing-colon", "A -> B\nnote left of A hello",
     "expected ':' before the label: write 'note left of A: hello'", 3, 16),
    ("extra-token", "participant A B", "unexpected 'B' after 'participant A'", 2, 15),
    ("divider-unclosed", "== login", "a divider needs '==' at both ends: write '== login =='", 2, 9),
    ("else-alone", "A -> B\nelse", "'else' without an open group (alt, opt, loop, par, break, critical, group)", 3, 1),
    ("end-alone", "A -> B\nend", "'end' without an open group (alt, opt, loop, par, break, critical, group)", 3, 1),
    ("return-first", "return x", "'return' has nowhere to return to: no message before it", 2, 1),
    ("end-box", "end box", "'end box' without a 'box' before it", 2, 1),
    ("after-delay", "A -> B\n...\nactivate A",
     "cannot activate A right after a '...' delay: put a message between them", 4, 1),
    ("deactivate-first", "deactivate A\nA -> B", "cannot deactivate A before the first message", 2, 1),
    ("activate-twice", "A -> B\ndeactivate B\nactivate B",
     "cannot activate B again before the next message: it was just deactivated "
     "(PlantUML: Activate/Deactivate already done on B)", 4, 10),
    ("create-then-other", "create B\nA -> C", "after 'create B' the next message must go to B from another participant",
     3, 1),
    ("create-then-self", "create B\nB -> B", "after 'create B' the next message must go to B from another participant",
     3, 1),
    ("note-never-closed", "A -> B\nnote left of A\n  text", "this note is never closed: add 'end note' after its text",
     3, 1),
    ("ref-never-closed", "ref over A\n  text", "this ref is never closed: add 'end ref' after its text", 2, 1),
    ("note-without-message", "note left: x",
     "a note without 'of' or 'over' belongs to the message before it, and there is none", 2, 1),
    ("include", "!include other-file-that-is-not-there.puml",
     "cannot include other-file-that-is-not-there.puml: no such file", 2, 1),
    ("preprocessor", "!foo bar", "unknown preprocessor directive !foo: PlantUML refuses it too", 2, 1),
    ("foreach-never-closed", "!foreach $x in [1]\nA -> B", "this !foreach is never closed: add !endfor", 2, 1),
    ("definelong-never-closed", "!definelong M(x)\nA -> B : x", "this !definelong is never closed: add "
     "!enddefinelong", 2, 1),
    ("unknown-theme", "!theme azure\nA -> B", "cannot load theme azure: PlantUML 1.2026.8 bundles no theme of that "
     "name (it has " + ", ".join(sorted(THEMES)) + ")", 2, 1),
    ("inc-beyond-levels", "autonumber\nA -> B\nautonumber inc B", "cannot increment level B: the numbering has "
     "1 level (start it with 'autonumber 1.1')", 4, 16),
    ("class-diagram", "class Server {\n  +boot()\n}", "this looks like a class diagram, not a sequence diagram", 2, 1),
    ("state-diagram", "[*] --> Idle\nIdle --> Busy : go", "this looks like a state diagram, not a sequence diagram",
     2, 1),
    ("activity-diagram", "start\n:boot;\nstop", "this looks like an activity diagram, not a sequence diagram", 2, 1),
    ("empty", "' nothing here", "empty diagram: no participant and no message", 2, 1),  # the last line of the block, at its first character
]


@pytest.mark.parametrize("body, message, line, column", [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_error(body, message, line, column):
    with pytest.raises(DiagramError) as info:
        parse(wrap(body), file="flow.puml")
    err = info.value
    assert (err.message, err.line, err.column, err.file) == (message, line, column, "flow.puml")


def test_other_start_block_is_refused():
    with pytest.raises(DiagramError) as info:
        parse("@startmindmap\n* root\n@endmindmap\n")
    assert info.value.message == "this is a @startmindmap block, not a sequence diagram (@startuml)"


def test_error_text_shows_the_line_with_a_caret():
    with pytest.raises(DiagramError) as info:
        parse(wrap("A -> B\n  B -> nova-api: boot"), file="launch.puml")
    assert str(info.value) == (
        'launch.puml:3:8: error: unquoted name "nova-api" contains a hyphen: write "nova-api" in quotes, or '
        'declare participant "nova-api" as nova_api\n'
        "      B -> nova-api: boot\n"
        "           ^")


def test_lenient_lists_every_problem_and_keeps_the_rest():
    diagram, problems = parse_lenient(wrap("A -> B\nNova-api -> B\nB -> C\nelse\nC - D\nC --> A"), file="f.puml")
    assert [(p.line, p.column) for p in problems] == [(3, 1), (5, 1), (6, 3)]
    assert [(m.source, m.target) for m in diagram.messages] == [("A", "B"), ("B", "C"), ("C", "A")]
    assert all(p.file == "f.puml" for p in problems)


def test_lenient_goes_on_after_an_unclosed_note():
    diagram, problems = parse_lenient(wrap("A -> B\nnote left of A\n  text\nB -> C"))
    assert [(p.line, p.message) for p in problems] == [
        (3, "this note is never closed: add 'end note' after its text"),
        (4, "syntax error: this line is not a sequence-diagram command")]
    assert [(m.source, m.target) for m in diagram.messages] == [("A", "B"), ("B", "C")]


def _reading_modules():
    import importlib
    import pkgutil

    import flowlib.reading

    names = [info.name for info in pkgutil.iter_modules(flowlib.reading.__path__)]
    assert len(names) >= 10, names  # the parser is split into small modules, not one
    return [importlib.import_module(f"flowlib.reading.{name}") for name in names]


@pytest.mark.parametrize("module", _reading_modules(), ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_reading_module_opens_with_a_one_line_docstring(module):
    first, _, rest = (module.__doc__ or "").partition("\n")
    assert first.strip() and first.rstrip().endswith((".", ":")), module.__name__
    assert not rest or rest.startswith("\n"), "the summary is one line, then a blank line"


def test_reading_package_exposes_the_parser():
    import flowlib
    import flowlib.reading

    for name in ("parse", "parse_file", "parse_lenient"):
        assert getattr(flowlib.reading, name) is getattr(flowlib, name)
        assert getattr(flowlib, name).__module__ == flowlib._LAZY[name]


def test_lenient_on_good_text_finds_nothing():
    diagram, problems = parse_lenient(wrap("A -> B"))
    assert problems == () and len(diagram.messages) == 1


def test_parse_file_names_the_file(tmp_path):
    path = tmp_path / "x.puml"
    path.write_text(wrap("A -> B\nA -> nova-api"), encoding="utf-8")
    with pytest.raises(DiagramError) as info:
        parse_file(path)
    assert info.value.file == str(path) and info.value.line == 3
    path.write_text(wrap("A -> B"), encoding="utf-8")
    assert parse_file(path).file == str(path)


def test_parse_file_missing(tmp_path):
    with pytest.raises(DiagramError, match="cannot read file: No such file or directory"):
        parse_file(tmp_path / "missing.puml")


def test_parse_needs_text():
    with pytest.raises(TypeError):
        parse(b"A -> B")


def test_seed_diagram():
    from pathlib import Path

    d = parse_file(Path(__file__).resolve().parents[1] / "course" / "launch_course" / "content" / "launch-instance.puml")
    assert len(d.participants) == 23 and len(d.messages) == 62
    assert d.phases[:6] == ("auth", "scheduling", "image", "network", "volume", "metadata")
    assert all(m.phase is not None for m in d.messages)
    lives = [e.action for e in d.events if isinstance(e, LifeEvent)]
    assert lives.count("activate") == 13 and lives.count("deactivate") == 13
    assert any(isinstance(e, Divider) for e in d.events)


@pytest.mark.parametrize("line, field, value", [
    ("title -> B: x", "title", "-> B: x"),
    ("caption -> B", "caption", "-> B"),
    ("footer -> B", "footer", "-> B"),
    ("center header -> B", "header", "-> B"),
], ids=["title", "caption", "footer", "header"])
def test_a_command_tried_before_arrows_wins_over_the_plain_arrow_fast_path(line, field, value):
    diagram, problems = parse_lenient(line + "\nA -> B")
    assert getattr(diagram, field) == value and len(diagram.messages) == 1, problems


def test_the_fast_path_checks_each_first_word_even_a_known_participant():
    """do_simple_arrow remembers the names that passed the check; a participant named like a command never does."""
    diagram, problems = parse_lenient("A -> footer\nA -> B\nfooter -> B\nA -> caption\nCaption -> A\nA -> B")
    assert (diagram.footer, diagram.caption) == ("-> B", "-> A"), problems
    assert [(m.source, m.target) for m in diagram.messages] == [("A", "footer"), ("A", "B"), ("A", "caption"),
                                                                ("A", "B")]


def test_the_fast_path_skips_the_first_words_of_every_command_tried_before_arrows():
    from flowlib.reading.commands import COMMANDS, EARLY_WORDS
    from flowlib.reading.patterns import ARROW

    before_arrows = COMMANDS[:[getattr(c, "pattern", None) for c in COMMANDS].index(ARROW)]
    assert {"title", "skinparam", "participant", "activate"} <= EARLY_WORDS
    assert all(set(c.keys.split()) <= EARLY_WORDS for c in before_arrows)


def test_message_stereotypes_and_slants_are_kept():
    """1.2026's '<<stereotype>>' after the target and slanted arrows are in the model, and written back."""
    from flowlib.writing.plantuml import to_plantuml

    diagram = parse("A ->(30) B : s\nA (20)<- B\nA -> B <<create>> : x\nA -> B ++ <<async>> : y\nA <->(10) B\nA -> B\n"
                    "A -> B <<a>> <<b>> : x >> y\nA -> B <<a : b>> : z")
    kept = [(m.source, m.target, m.slant, m.stereotype) for m in diagram.messages]
    assert kept == [("A", "B", 30, None), ("B", "A", 20, None), ("A", "B", None, "<<create>>"),
                    ("A", "B", None, "<<async>>"), ("A", "B", 10, None), ("A", "B", None, None),
                    ("A", "B", None, "<<a>> <<b>>"), ("A", "B", None, "<<a : b>>")]
    again = parse(to_plantuml(diagram))
    assert [(m.slant, m.stereotype, m.label) for m in again.messages] == \
        [(m.slant, m.stereotype, m.label) for m in diagram.messages]


def test_themes_are_kept_in_the_model(tmp_path):
    """'!theme' styles a diagram; the model keeps each name, also from an included file or a procedure,
    but not from a branch that is not taken."""
    assert parse("A -> B").themes == ()
    assert parse("!theme cerulean\n!if 0\n!theme toy\n!endif\nA -> B").themes == ("cerulean",)
    (tmp_path / "style.iuml").write_text("!theme sketchy-outline\n", encoding="utf-8")
    main = tmp_path / "main.puml"
    main.write_text("!include style.iuml\n!procedure $p()\n!theme plain\n!endprocedure\n$p()\nA -> B\n",
                    encoding="utf-8")
    assert parse_file(main).themes == ("sketchy-outline", "plain")


def test_a_guarded_pattern_refuses_a_line_without_its_construct_before_compiling():
    """1.2026's newer arrow forms are tried only on lines holding their construct (a '(30)', ' & ', '<<', '_>')."""
    import re

    from flowlib.reading.patterns import ARROW_SLANTED, rx

    broken = rx("(", needs="x")             # compiling this pattern would raise re.error
    assert broken.match("A -> B") is None
    with pytest.raises(re.error):
        broken.match("A -x B")
    assert ARROW_SLANTED.match('note right of "Nova-api": x') is None
    assert ARROW_SLANTED.match("A ->(30) B").group("acode") == "A"


def test_the_parsed_model_is_not_left_for_the_next_young_collection():
    """The parse pauses the cyclic collector; a large model it made goes to the oldest generation, unscanned."""
    import gc

    from benchmarks.generate import generate

    from flowlib.reading.driver import PROMOTED_FROM

    text = generate(PROMOTED_FROM)
    gc.collect()
    assert gc.isenabled()
    diagram = parse(text)
    assert gc.isenabled() and gc.get_count()[0] < 50 and len(diagram.events) >= PROMOTED_FROM
    parse("A -> B")                          # a small model stays young, as everything else does
    assert gc.get_count()[0] > 0
    gc.freeze()                              # a program that froze its own objects keeps them frozen
    try:
        frozen = gc.get_freeze_count()
        parse(text)
        # Not thawed (0) and the model not frozen too (+ its thousands of objects); a frozen object that the
        # parse's imports or caches let go may leave, so the count is not exact.
        assert abs(gc.get_freeze_count() - frozen) < PROMOTED_FROM // 2, (gc.get_freeze_count(), frozen)
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("name", ["Message", "LifeEvent", "Note", "GroupStart", "GroupElse", "GroupEnd"])
def test_the_builders_fast_twins_build_exactly_the_model_records(name):
    """The builder makes these records with plain assignments (records.twin); they are the model's, frozen."""
    import dataclasses

    from flowlib import model
    from flowlib.reading import builder

    cls, twin = getattr(model, name), getattr(builder, "New" + name)
    values = tuple(f"v{i}" for i in range(len(dataclasses.fields(cls))))
    built = twin(*values)
    assert type(built) is cls and built == cls(*values) and repr(built) == repr(cls(*values))
    required = {f.name: f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING}
    assert twin(**required) == cls(**required)        # the same defaults
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.line = 1
