"""Properties of the parser: only DiagramError escapes, valid diagrams lose nothing, PlantUML agrees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowlib import DiagramError, parse, parse_file, parse_lenient
from flowlib.writing.corpusjson import to_corpus_json
from plantuml_ref import SHARED, needs_plantuml, oracle

CORPUS_FILES = sorted((SHARED / "corpus" / "sequence").glob("*.puml"))

# ------------------------------------------------------------------------------------ random text

FRAGMENTS = [
    "@startuml", "@enduml", "participant", "actor", " as ", '"', "->", "-->", "<-", "->>", "-\\", "-/", "->x",
    "<->", "o->", "-[#red]>", "[->", "->]", "?->", ":", " ", "\t", "++", "--", "**", "!!", "\\n", "note left of",
    "note over", "end note", "alt", "else", "end", "loop", "group", "== x ==", "...", "|||", "||45||",
    "autonumber", "activate", "deactivate", "create", "destroy", "return", "box", "end box", "ref over",
    "end ref", "title", "legend", "endlegend", "skinparam {", "}", "'", "/'", "'/", "&", "!pragma teoz true",
    "!define X Y", "!if", "!else", "!endif", "!include x", "\\", "A", "B", "Nova-api", "<<s>>", "#Red", "order 3",
    "[*]", "class C {", ":act;", "start", "\u00e9", "\u2026", "\r\n",
]

puml_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40).map("".join)
puml_lines = st.lists(st.lists(st.sampled_from(FRAGMENTS), max_size=6).map(" ".join), max_size=25).map("\n".join)


def check_only_diagram_errors(text: str):
    try:
        parse(text)
    except DiagramError as err:
        assert err.message and (err.line is None or err.line >= 1)
        assert str(err)  # renders, caret and all
    diagram, problems = parse_lenient(text)
    assert all(isinstance(p, DiagramError) for p in problems)
    count = len(text.splitlines())
    assert all(p.line is None or 1 <= p.line <= max(count, 1) for p in problems)
    assert len(diagram.messages) == len({m.step for m in diagram.messages})


@settings(max_examples=300, deadline=None)
@given(st.one_of(puml_text, puml_lines))
def test_random_text_raises_only_diagram_errors(text):
    check_only_diagram_errors(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(puml_text, puml_lines))
def test_the_line_reading_shortcuts_give_what_the_general_reading_gives(text):
    """The driver skips line joining, comment and preprocessor checks when the whole text shows none is needed."""
    from flowlib.reading.blocks import find_block
    from flowlib.reading.lines import has_continuation, is_plain, logical_lines

    try:
        block = list(find_block(text, None).numbered())
    except DiagramError:
        return                               # a @startxxx block of another kind: nothing is read
    general = logical_lines(block, [], joined=True, percent=True)
    quick = logical_lines(block, [], joined=has_continuation(text), percent="%" in text, plain=is_plain(text))
    assert quick == general


# ------------------------------------------------------------------------------------ mutated corpus


def mutate(text: str, edits: list[tuple[str, int, str]]) -> str:
    lines = text.split("\n")
    for kind, where, char in edits:
        if not lines:
            break
        i = where % len(lines)
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif kind in ("replace", "insert"):
            line = lines[i]
            j = (where // 7) % (len(line) + 1)
            lines[i] = line[:j] + char + line[j + (kind == "replace"):]
    return "\n".join(lines)


edits = st.lists(st.tuples(st.sampled_from(["delete", "duplicate", "swap", "replace", "insert"]),
                           st.integers(0, 10_000), st.sampled_from(list("-<>\"':[]{}#*+!\\/ox&=.|\t") + ["", "\n"])),
                 min_size=1, max_size=6)


@pytest.mark.skipif(not CORPUS_FILES, reason=f"the shared corpus is not checked out at {SHARED} (CI has it)")
@settings(max_examples=200, deadline=None)
@given(st.sampled_from(CORPUS_FILES or [None]), edits)
def test_mutated_corpus_raises_only_diagram_errors(path, changes):
    check_only_diagram_errors(mutate(path.read_text(encoding="utf-8"), changes))


# ------------------------------------------------------------------------------------ valid diagrams

RESERVED = {"title", "caption", "header", "footer", "left", "right", "center", "legend", "skinparam",
            "skinparamlocked", "sprite", "hide", "show", "skin", "scale", "autonewpage", "ignore", "mainframe",
            "url", "footbox", "o", "x", "as", "autonumber", "autoactivate", "newpage"}

plain_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True).filter(lambda s: s.lower() not in RESERVED)
quoted_names = st.from_regex(r"[A-Za-z][A-Za-z0-9 _-]{0,8}[A-Za-z0-9]", fullmatch=True).map(lambda s: f'"{s}"')
names = st.one_of(plain_names, plain_names, quoted_names)
labels = st.from_regex(r"[A-Za-z0-9(),.;=+*<>_#-]([A-Za-z0-9 (),.;=+*<>_#-]{0,18}[A-Za-z0-9(),.;=+*_-])?",
                       fullmatch=True)
# Plain words, for delays and titles: "... a - b ..." is not a delay but an arrow without a head.
words = st.from_regex(r"[A-Za-z][A-Za-z0-9 ]{0,10}", fullmatch=True)

# (arrow, reversed, dotted, head)
ARROW_FORMS = [
    ("->", False, False, "normal"), ("-->", False, True, "normal"), ("->>", False, False, "async"),
    ("-->>", False, True, "async"), ("-\\", False, False, "normal"), ("-/", False, False, "normal"),
    ("->x", False, False, "crossx"), ("<-", True, False, "normal"), ("<--", True, True, "normal"),
    ("<<-", True, False, "async"), ("x<-", True, False, "crossx"), ("<->", False, False, "normal"),
    ("-[#red]>", False, False, "normal"), ("-[#0000FF]->", False, True, "normal"), ("o->", False, False, "normal"),
    ("->o", False, False, "normal"),
]


# 1.2026's newer arrows: slanted (``->(30)``, ``(30)<-``), an en dash for a hyphen, stereotypes after the target.
SLANTED = [("->({})", False), ("-->({})", False), ("->>({})", False), ("({})<-", True), ("({})<--", True)]
MESSAGE_STEREOTYPES = ["<<create>>", "<<async>>", "<<rpc call>>", "<< s >>", "<<a>> <<b>>"]
# Themes: most diagrams have none; some use one PlantUML bundles, a few one it does not have (refused).
BUNDLED_THEMES = ["cerulean", "plain", "_none_", "sketchy-outline", "spacelab", "aws-orange", "toy", "materia"]
UNKNOWN_THEMES = ["azure", "Cerulean", "my-theme"]

# (form, incoming): messages from or to the diagram's edge
EXO_FORMS = [("[-> {}", True), ("{} ->]", False), ("?-> {}", True), ("{} ->?", False), ("[<- {}", False),
             ("{} <-]", True), ("{} ->", False)]


@st.composite
def diagrams(draw):
    """Text of a sequence diagram and the messages it holds: (source, target, label, dotted, head, slant,
    stereotype, multicast), or None for the messages when PlantUML refuses it (a theme it does not bundle)."""
    out = ["@startuml"]
    roll = draw(st.integers(0, 19))        # about one diagram in ten uses a theme, one in twenty an unknown one
    theme = draw(st.sampled_from(BUNDLED_THEMES)) if roll < 2 else draw(st.sampled_from(UNKNOWN_THEMES)) \
        if roll == 2 else None
    if theme is not None:
        out.append(f"!theme {theme}")
    if draw(st.booleans()):
        out.append("title " + draw(words))
    if draw(st.booleans()):
        out.append("autonumber")
    expected = []
    depth = 0
    used = []
    for _ in range(draw(st.integers(1, 14))):
        kind = draw(st.sampled_from(["msg"] * 6 + ["note", "divider", "delay", "open", "else", "close", "decl",
                                                  "comment", "spacer", "exo", "alias", "box", "onmsg", "ref"]))
        if kind == "msg" or not used:
            a = draw(names) if not used or draw(st.booleans()) else draw(st.sampled_from(used))
            b = draw(names) if not used or draw(st.booleans()) else draw(st.sampled_from(used))
            arrow, rev, dotted, head = draw(st.sampled_from(ARROW_FORMS))
            newer = [None, "slant", "multicast", "stereotype", "dash"][max(0, draw(st.integers(-7, 4)))]
            slant = stereotype = None
            others = []
            if newer == "slant":
                form, rev = draw(st.sampled_from(SLANTED))
                slant = draw(st.integers(0, 60))
                arrow, dotted, head = form.format(slant), "--" in form, "async" if ">>" in form else "normal"
            elif newer == "dash":       # PlantUML 1.2026 reads an en dash as a hyphen
                arrow = arrow.replace("-", "\u2013", draw(st.integers(1, 2)))
            label = draw(st.one_of(st.none(), labels))
            parallel = "& " if expected and draw(st.integers(0, 5)) == 0 else ""
            tail = ""
            if newer == "multicast" and not rev:
                others = draw(st.lists(plain_names, min_size=1, max_size=2))
                tail = "".join(f" & {o}" for o in others)
                used += others
            elif newer == "stereotype":
                stereotype = draw(st.sampled_from(MESSAGE_STEREOTYPES))
                tail = " " + stereotype
            out.append(f"{parallel}{a} {arrow} {b}{tail}" + ("" if label is None else f" : {label}"))
            src, dst = (b, a) if rev else (a, b)
            expected.append((src.strip('"'), dst.strip('"'), label or "", dotted, head, slant, stereotype,
                             tuple(others)))
            used += [a, b]
        elif kind == "note":
            who = draw(st.sampled_from(used))
            text = draw(labels)
            form = draw(st.sampled_from(["left of", "right of", "over"]))
            if draw(st.booleans()):
                out.append(f"note {form} {who}: {text}")
            else:
                out += [f"note {form} {who}", f"  {text}", "end note"]
        elif kind == "divider":
            out.append(f"== {draw(labels)} ==")
        elif kind == "delay":
            out.append(draw(st.sampled_from(["...", f"... {draw(words)} ..."])))
        elif kind == "spacer":
            out.append(draw(st.sampled_from(["|||", "||20||"])))
        elif kind == "open":
            out.append(draw(st.sampled_from(["alt ok", "opt", "loop 3 times", "group My [x]", "par", "critical"])))
            depth += 1
        elif kind == "else" and depth:
            out.append("else " + draw(words))
        elif kind == "close" and depth:
            out.append("end")
            depth -= 1
        elif kind == "decl":
            out.append(f"{draw(st.sampled_from(['participant', 'actor', 'database', 'queue']))} {draw(plain_names)}")
        elif kind == "exo":
            who = draw(names)
            form, incoming = draw(st.sampled_from(EXO_FORMS))
            label = draw(st.one_of(st.none(), labels))
            out.append(form.format(who) + ("" if label is None else f" : {label}"))
            code = who.strip('"')
            expected.append((None, code, label or "", False, "normal", None, None, ()) if incoming
                            else (code, None, label or "", False, "normal", None, None, ()))
            used.append(who)
        elif kind == "alias":
            out.append(f'{draw(st.sampled_from(["participant", "entity"]))} "{draw(words)}" as {draw(plain_names)}'
                       + draw(st.sampled_from(["", " <<svc>>", " #LightBlue", " <<svc>> #Red"])))
        elif kind == "box":
            out += [f'box "{draw(words)}"', f"participant {draw(plain_names)}"]
            if draw(st.integers(0, 2)) == 0:   # a box inside a box (1.2026)
                out += [f'box "{draw(words)}"' + draw(st.sampled_from(["", " #LightBlue"])),
                        f"participant {draw(plain_names)}", "end box"]
                if draw(st.booleans()):
                    out.append(f"participant {draw(plain_names)}")
            out.append("end box")
        elif kind == "onmsg" and expected:
            out.append(f"{draw(st.sampled_from(['note', 'hnote', 'rnote']))} {draw(st.sampled_from(['left', 'right']))}"
                       f": {draw(labels)}")
        elif kind == "ref":
            out.append(f"ref over {', '.join(draw(st.lists(st.sampled_from(used), min_size=1, max_size=3)))} : "
                       f"{draw(words)}")
        elif kind == "comment":
            out.append("' " + draw(labels))
    out += ["end"] * depth
    out.append("@enduml")
    return "\n".join(out) + "\n", None if theme in UNKNOWN_THEMES else expected


@settings(max_examples=300, deadline=None)
@given(diagrams())
def test_valid_diagrams_keep_every_message(case):
    text, expected = case
    if expected is None:   # a theme PlantUML does not bundle: refused at its line
        with pytest.raises(DiagramError, match="cannot load theme") as info:
            parse(text)
        assert info.value.line == 2
        return
    diagram = parse(text)
    got = [(m.source, m.target, m.label, m.dotted, m.head, m.slant, m.stereotype, m.multicast)
           for m in diagram.messages]
    assert got == expected
    assert [m.step for m in diagram.messages] == list(range(1, len(expected) + 1))


# ------------------------------------------------------------------------------------ PlantUML itself

def run_oracle(paths: list[str]) -> dict[str, dict]:
    """PlantUML 1.2026.8's parse of many files, in one JVM."""
    return oracle(paths)


def collect(strategy, count: int, derandomize: bool = False) -> list:
    """``count`` distinct examples drawn by Hypothesis (its first ones are the simplest, so draw many);
    ``derandomize``: the same ones at every run."""
    found: dict = {}

    @settings(max_examples=count, deadline=None, database=None, derandomize=derandomize,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(strategy)
    def draw(example):
        found.setdefault(repr(example), example)

    draw()
    return list(found.values())


@pytest.mark.plantuml
@needs_plantuml
def test_plantuml_agrees_on_generated_diagrams(tmp_path):
    # The same draws at every run, so that the mix checked below is always there (Hypothesis's draws are
    # correlated: a random run may miss a rare construct altogether).
    texts = [text for text, _ in collect(diagrams(), 200, derandomize=True)]
    total, mismatches, theirs = _agreement(tmp_path, texts, "g", (
        "participants", "messages", "note_list", "groups", "dividers", "delays", "references", "title",
        "autonumber"))
    assert sum(len(r.get("messages", ())) for r in theirs.values()) >= 3 * total  # not just trivial ones
    # the newer syntax is there, in a realistic mix
    for needle in (r"->>?\(\d+\)", r"\(\d+\)<", " & ", "<<", "\u2013"):
        assert sum(bool(re.search(needle, text)) for text in texts) >= 5, needle
    for themes in (BUNDLED_THEMES, UNKNOWN_THEMES):
        assert any(f"!theme {t}\n" in text for text in texts for t in themes)
    assert any(re.search(r'\nbox "[^"\n]*"\nparticipant \w+\nbox ', text) for text in texts)  # nested
    print(f"PlantUML 1.2026.8 agrees on {total - len(mismatches)}/{total} generated diagrams")
    assert total >= 150
    assert not mismatches, "\n\n".join(map(str, mismatches[:3]))   # the same draws every run: no slack


@pytest.mark.plantuml
@needs_plantuml
@pytest.mark.skipif(not CORPUS_FILES, reason=f"the shared corpus is not checked out at {SHARED} (CI has it)")
def test_plantuml_agrees_on_mutated_corpus(tmp_path):
    cases = collect(st.tuples(st.sampled_from(CORPUS_FILES or [None]), edits), 150)
    folder = tmp_path
    paths = []
    for i, (source, changes) in enumerate(cases):
        path = folder / f"m{i:03d}.puml"
        path.write_text(mutate(source.read_text(encoding="utf-8"), changes), encoding="utf-8")
        paths.append(str(path))
    theirs = run_oracle(paths)
    compared, mismatches = 0, []
    for path in paths:
        expected = theirs[path]
        text = Path(path).read_text(encoding="utf-8")
        if not (expected["ok"] and expected["diagram_type"] == "sequence"):
            continue  # refused by PlantUML: the properties above check that we fail cleanly, if at all
        try:
            ours = to_corpus_json(parse(text), file=path)
        except DiagramError:
            continue  # a stricter reading (styling, broken @startuml lines): allowed, never a wrong model
        compared += 1
        if (ours["participants"], ours["messages"]) != (expected["participants"], expected["messages"]):
            mismatches.append((path, text))
    assert compared >= 20  # enough files PlantUML still reads as sequence diagrams
    assert not mismatches, "\n\n".join(map(str, mismatches[:3]))


# ------------------------------------------------------------------------------------ preprocessor programs

ints = st.integers(-3, 9)
words_pp = st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True).filter(
    lambda s: s not in ("as", "o", "x", "end", "else", "if", "true", "false"))


@st.composite
def expressions(draw, variables: list[str], depth: int = 0):
    """An expression over ints and strings PlantUML 1.2026 evaluates (no '%' operator, no unary '!')."""
    choices = ["int", "str"] + (["var"] * 2 if variables else [])
    if depth < 2:
        choices += ["sum", "product", "compare", "logic", "builtin", "paren"]
    kind = draw(st.sampled_from(choices))
    sub = lambda: draw(expressions(variables, depth + 1))  # noqa: E731
    if kind == "int":
        return str(draw(st.integers(0, 9)))
    if kind == "str":
        return f'"{draw(words_pp)}"'
    if kind == "var":
        return draw(st.sampled_from(variables))
    if kind == "sum":
        return f"{sub()} {draw(st.sampled_from(['+', '-']))} {draw(st.integers(0, 9))}"
    if kind == "product":
        return f"{draw(st.integers(0, 9))} * {draw(st.integers(0, 9))}"
    if kind == "compare":
        return f"{sub()} {draw(st.sampled_from(['==', '!=', '<', '>', '<=', '>=']))} {sub()}"
    if kind == "logic":
        return f"{sub()} {draw(st.sampled_from(['&&', '||']))} {sub()}"
    if kind == "paren":
        return f"({sub()})"
    name = draw(st.sampled_from(["%strlen", "%upper", "%lower", "%string", "%not", "%intval", "%boolval"]))
    if name == "%intval":
        return f'%intval("{draw(st.integers(0, 99))}")'
    return f"{name}({sub()})"


@st.composite
def programs(draw):
    """A sequence diagram written with PlantUML's preprocessor: variables, !if, !while, !foreach, functions
    and procedures, built-ins; the messages it produces are left to PlantUML and flowlib to agree on."""
    out = ["@startuml"]
    variables: list[str] = []
    people = ["A", "B", "C"]
    functions: list[str] = []
    procedures: list[str] = []
    counter = 0

    def label():
        parts = [draw(words_pp)]
        if variables and draw(st.booleans()):
            parts.append(draw(st.sampled_from(variables)))
        if functions and draw(st.integers(0, 3)) == 0:
            parts.append(f"{draw(st.sampled_from(functions))}({draw(st.integers(0, 9))})")
        if draw(st.integers(0, 4)) == 0:
            parts.append(f'%strlen("{draw(words_pp)}")')
        return " ".join(parts)

    def message():
        arrow = draw(st.sampled_from(["->", "-->", "->>"] * 3 + ["->(10)", "\u2013>", "(20)<-"]))
        target = draw(st.sampled_from(people))
        if draw(st.integers(0, 8)) == 0:
            target += f" & {draw(st.sampled_from(people))}"          # multicast (1.2026)
        if draw(st.integers(0, 8)) == 0:
            target += " " + draw(st.sampled_from(MESSAGE_STEREOTYPES))
        return f"{draw(st.sampled_from(people))} {arrow} {target} : {label()}"

    for _ in range(draw(st.integers(1, 10))):
        kind = draw(st.sampled_from(["assign", "assign", "msg", "msg", "if", "while", "foreach", "function",
                                     "procedure", "call", "default", "theme"]))
        if kind == "assign":
            name = f"$v{len(variables)}" if not variables or draw(st.booleans()) else draw(st.sampled_from(variables))
            out.append(f"!{name} = {draw(expressions(variables))}")
            if name not in variables:
                variables.append(name)
        elif kind == "default" and variables:
            out.append(f"!{draw(st.sampled_from(variables))} ?= {draw(expressions(variables))}")
        elif kind == "if":
            out.append(f"!if {draw(expressions(variables))}")
            out.append(message())
            if draw(st.booleans()):
                out.append(f"!elseif {draw(expressions(variables))}")
                out.append(message())
            if draw(st.booleans()):
                out.append("!else")
                out.append(message())
            out.append("!endif")
        elif kind == "while":
            counter += 1
            var = f"$i{counter}"
            out += [f"!{var} = 0", f"!while {var} < {draw(st.integers(0, 3))}", message(),
                    f"A -> B : turn {var}", f"!{var} = {var} + 1", "!endwhile"]
        elif kind == "foreach":
            counter += 1
            items = draw(st.lists(st.one_of(st.integers(0, 9), words_pp), min_size=0, max_size=3))
            array = ", ".join(f'"{i}"' if isinstance(i, str) else str(i) for i in items)
            out += [f"!foreach $k{counter} in [{array}]", f"A -> B : item $k{counter}", "!endfor"]
        elif kind == "function":
            name = f"$f{len(functions)}"
            if draw(st.booleans()):
                out.append(f"!function {name}($a) !return $a * {draw(st.integers(0, 5))} + {draw(st.integers(0, 5))}")
            else:
                out += [f"!function {name}($a, $b={draw(st.integers(0, 5))})", f"!if $a > {draw(st.integers(0, 9))}",
                        f'!return "big" + $a', "!endif", "!return $a + $b", "!endfunction"]
            functions.append(name)
        elif kind == "procedure":
            name = f"$p{len(procedures)}"
            out += [f'!procedure {name}($x, $y="{draw(words_pp)}")', "$x -> B : $y", "B --> $x", "!endprocedure"]
            procedures.append(name)
        elif kind == "theme":  # a bundled theme, now and then one PlantUML does not have, or a name in a variable
            name = draw(st.sampled_from(BUNDLED_THEMES * 3 + UNKNOWN_THEMES))
            if draw(st.booleans()):
                out += [f'!$theme = "{name}"', "!theme $theme"]
            else:
                out.append(f"!theme {name}")
        elif kind == "call" and procedures:
            name = draw(st.sampled_from(procedures))
            who = draw(st.sampled_from(people))
            out.append(f"{name}({who})" if draw(st.booleans()) else f'{name}({who}, "{draw(words_pp)}")')
        else:
            out.append(message())
    out.append("A -> B : end")
    out.append("@enduml")
    return "\n".join(out) + "\n"


def _agreement(tmp_path, texts: list[str], prefix: str, key_names) -> tuple[int, list, dict]:
    """How many texts, those where flowlib and PlantUML 1.2026.8 disagree, and PlantUML's parses.

    They agree when both read the same ``key_names``, or both refuse the text at the same line."""
    paths = []
    for i, text in enumerate(texts):
        path = tmp_path / f"{prefix}{i:03d}.puml"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    theirs = run_oracle(paths)
    mismatches = []
    for path in paths:
        expected = theirs[path]
        text = Path(path).read_text(encoding="utf-8")
        try:
            ours = to_corpus_json(parse(text, file=path))
        except DiagramError as err:
            if expected["ok"] and expected["diagram_type"] == "sequence":
                mismatches.append((path, "flowlib refused it", err.headline(), text))
            elif not expected["ok"] and expected["error"]["line"] != err.line:
                mismatches.append((path, "refused at another line", expected["error"], err.headline(), text))
            continue
        if not (expected["ok"] and expected["diagram_type"] == "sequence"):
            mismatches.append((path, "PlantUML refused it", expected["error"], text))
            continue
        for key in key_names:
            if ours[key] != expected[key]:
                mismatches.append((path, key, expected[key], ours[key], text))
                break
    return len(paths), mismatches, theirs


@pytest.mark.plantuml
@needs_plantuml
def test_plantuml_agrees_on_generated_programs(tmp_path):
    texts = collect(programs(), 200, derandomize=True)   # the same draws every run, so no slack below
    total, mismatches, _ = _agreement(tmp_path, texts, "p", ("participants", "messages", "note_list", "groups",
                                                          "title", "life_events"))
    for needle in ("->(", " & ", "<<", "\u2013", "!theme $theme"):
        assert any(needle in text for text in texts), needle
    print(f"PlantUML 1.2026.8 agrees on {total - len(mismatches)}/{total} generated preprocessor programs")
    assert total >= 150
    assert not mismatches, "\n\n".join(map(str, mismatches[:3]))


# ------------------------------------------------------------------------------------ diagrams with includes

@st.composite
def include_trees(draw):
    """A main diagram and the local files it includes (``{path: text}``), in folders: includes resolve from
    the including file, some reach back up with ``..``; !include_many, !include_once, !includesub, defines."""
    files: dict[str, str] = {}
    names = ["parts/a.iuml", "parts/b.iuml", "common.iuml", "parts/deep/c.iuml"]

    def message(tag):
        return f"{draw(st.sampled_from(['A', 'B', 'C']))} {draw(st.sampled_from(['->', '-->']))} " \
               f"{draw(st.sampled_from(['A', 'B', 'C']))} : {tag} {draw(words_pp)}"

    def include_line(frm: str, to: str) -> str:
        here = Path(frm).parent
        rel = Path(*([".."] * len(here.parts))) / to if here.parts else Path(to)
        # the shortest relative path from the including file's folder
        if here.parts and to.startswith(str(here) + "/"):
            rel = Path(to).relative_to(here)
        kind = draw(st.sampled_from(["!include", "!include_many", "!include_once", "!includesub"]))
        if kind == "!includesub":
            return f"!includesub {rel.as_posix()}!S"
        return f"{kind} {rel.as_posix()}"

    for index, name in enumerate(names):
        body = [message(Path(name).stem) for _ in range(draw(st.integers(0, 2)))]
        if draw(st.booleans()):
            body = ["!startsub S", *body, "!endsub", message("outside")]
        else:
            body = ["!startsub S", message("sub"), "!endsub", *body]
        if draw(st.booleans()):
            body.insert(0, f'!$d{index} = "{draw(words_pp)}"')
        later = [n for n in names[index + 1:]]
        if later and draw(st.booleans()):
            body.append(include_line(name, draw(st.sampled_from(later))))
        if draw(st.integers(0, 3)) == 0:
            body = ["@startuml", *body, "@enduml"]
        files[name] = "\n".join(body) + "\n"
    main = ["@startuml", message("main")]
    for _ in range(draw(st.integers(1, 4))):
        main.append(include_line("main.puml", draw(st.sampled_from(names))))
        if draw(st.booleans()):
            main.append(message("main"))
    main += ["A -> B : $d0 $d1 $d2 $d3", "@enduml"]
    return "\n".join(main) + "\n", files


@pytest.mark.plantuml
@needs_plantuml
def test_plantuml_agrees_on_generated_includes(tmp_path):
    cases = collect(include_trees(), 100)
    paths = []
    for i, (main, files) in enumerate(cases):
        folder = tmp_path / f"t{i:03d}"
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        (folder / "main.puml").write_text(main, encoding="utf-8")
        paths.append(str(folder / "main.puml"))
    theirs = run_oracle(paths)
    mismatches = []
    for path in paths:
        expected = theirs[path]
        try:
            ours = to_corpus_json(parse_file(path))
        except DiagramError as err:
            if expected["ok"]:
                mismatches.append((path, "flowlib refused it", err.headline()))
            continue
        if not expected["ok"]:
            mismatches.append((path, "PlantUML refused it", expected["error"]))
            continue
        for key in ("participants", "messages", "note_list", "title"):
            if ours[key] != expected[key]:
                mismatches.append((path, key, expected[key], ours[key]))
                break
    print(f"PlantUML 1.2026.8 agrees on {len(paths) - len(mismatches)}/{len(paths)} generated diagrams with includes")
    assert len(paths) >= 80
    assert not mismatches, "\n\n".join(map(str, mismatches[:3]))
