"""Why text is refused: a helpful message for a line no command accepts, and other kinds of diagram named.

The message points at the token that breaks the line and, for a near miss, says what would be
accepted: a misspelt keyword (``partcipant``, ``esle``) is compared with the command table's keywords,
and a missing ``:`` before a label is found by trying the line with one. A suggestion is made only
when the command table accepts the corrected line.
"""

from __future__ import annotations

import difflib
import re

from flowlib.reading.commands import COMMANDS, Single, candidates
from flowlib.reading.patterns import SIMPLE_ARROW


KIND_PHRASES = {
    "class": "a class diagram",
    "state": "a state diagram",
    "activity": "an activity diagram",
    "description": "a component, deployment or use-case diagram",
    "timing": "a timing diagram",
    "nwdiag": "an nwdiag network diagram",
    "PSystemDot": "a Graphviz dot diagram",
    "mindmap": "a mind map",
    "wbs": "a work breakdown structure",
    "gantt": "a Gantt chart",
    "object": "an object diagram",
    "salt": "a salt (wireframe) diagram",
    "json": "a JSON diagram",
    "yaml": "a YAML diagram",
}

_OTHER_KINDS = [  # (kind, weight, pattern on one stripped line): the kind with the highest total wins
    ("PSystemDot", 10, r"(?:strict\s+)?(?:di)?graph\b[^{]*\{"),
    ("nwdiag", 10, r"nwdiag\s*\{"),
    ("timing", 5, r"(?:concise|robust|clock|binary)\s+\S"),
    ("timing", 3, r"@\d+$"),
    ("activity", 3, r"(?:start|stop|detach|kill|endif|endwhile|end\s+fork|fork(?:\s+again)?)\s*;?$"),
    ("activity", 3, r":.*(?:;|\||<|>|\]|\}|/)$"),
    ("activity", 3, r"(?:else\s*)?if\s*\(.*\)\s*then|while\s*\(|repeat(?:\s+while)?\b|partition\s+\S|\(\*\)"),
    ("state", 3, r".*\[\*\]|state\s+\S|hide\s+empty\s+description"),
    ("state", 1, r"\w+\s*:\s*\S"),
    ("class", 3, r"(?:abstract\s+class|abstract|class|enum|annotation|protocol|struct)\s+[\w.\"]+"),
    ("class", 3, r".*\{(?:abstract|static|field|method|classifier)\}"),
    ("class", 3, r"(?:object|map)\s+[\w.\"]+"),              # object diagrams are PlantUML class diagrams
    ("class", 3, r"!define\s+\w+(?:\([^)]*\))?\s+(?:class|entity)\b"),
    ("class", 2, r"hide\s+(?:methods|members|fields|attributes|circle|stereotypes?|empty\s+members)$"),
    ("class", 3, r"[\w.\"]+\s*(?:<\|--|--\|>|\*--|--\*|o--|--o|\.\.\|>|<\|\.\.)"),
    ("description", 3, r"(?:component|node|frame|rectangle|cloud|folder|usecase|artifact|storage|card|file|agent|"
                       r"stack|person|hexagon|interface)\s+\S"),
    ("description", 2, r"\[[^\]]+\]\s*(?:as\b|-|\.|$)|\(\)\s|\([^)*]+\)\s*(?:as\b|-|$)|actor\s*:[^:]+:"),
    ("description", 2, r"left\s+to\s+right\s+direction$|.*-+>\s*\([^)]+\)"),
    ("description", 1, r"package\s+\S"),
]


def guess_other_kind(lines: list[str]) -> str | None:
    """PlantUML's type of the diagram these lines look like, or None when they look like no other kind.

    >>> guess_other_kind(["class Shape", "class Circle", "Shape <|-- Circle"])
    'class'
    >>> guess_other_kind(["Alice -> Bob: hello"]) is None
    True
    """
    scores: dict[str, int] = {}
    for kind, weight, pattern in _OTHER_KINDS:
        hits = 0
        for line in lines:
            if re.match(pattern, line, re.I):
                hits += 1
                if hits == 3:   # a few hits are evidence enough; many weak ones must not outvote strong ones
                    break
        if hits:
            scores[kind] = scores.get(kind, 0) + weight * hits
    if not scores:
        return None
    kind = max(scores, key=scores.get)
    return kind if scores[kind] >= 3 else None


# PlantUML 1.2026's activity diagrams end an activity with ';' only: the older endings '<', '>', '|', '/',
# ']' and '}' became stereotypes written after the ';'. A ':label' line without its ';' opens a multi-line
# activity that the next line ending in ';' closes, whatever lies between (an 'if', a '}', a note); one
# that no later line closes is where PlantUML's activity parser fails ("Syntax Error?" at its first line).
_ACTIVITY_OPEN = re.compile(r"(?:<<[^>]*>>\s*)?(?:#[\w#:/|-]+\s*)?:")  # [<<stereotype>>] [#colour] ':'
_ACTIVITY_END = re.compile(r".*;\s*(?:<<.*>>)?\s*(?:\[\[.*\]\])?\s*$")    # ... ';' [<<stereotype>>] [[[url]]]
_NOTE_OPEN = re.compile(r"(?:floating\s+)?note\b[^:]*$", re.I)              # a note without ':' runs to its end
_NOTE_END = re.compile(r"end\s?note$", re.I)


def unclosed_activity(lines: list[str]) -> int | None:
    """The index of the ``:label`` line whose multi-line activity no later line closes, as PlantUML 1.2026
    reads an activity diagram (an activity ends with ``;``), or None when every activity is closed.

    >>> unclosed_activity(["start", ":send<", ":wait;", ":receive>", "stop"])
    3
    >>> unclosed_activity(["start", ":a;", "stop"]) is None
    True
    """
    opened = None
    in_note = False
    for index, line in enumerate(lines):
        if opened is not None:
            if _ACTIVITY_END.match(line):
                opened = None
        elif in_note:
            in_note = _NOTE_END.match(line) is None
        elif _NOTE_OPEN.match(line):
            in_note = True
        elif _ACTIVITY_OPEN.match(line) and not _ACTIVITY_END.match(line):
            opened = index
    return opened


_HYPHENATED = re.compile(r"(?<![\w.@\"-])[\w.@]*\w-[\w.@-]*\w(?![\w.@\"])")
_DANGLING_ARROW = re.compile(r".*(?:-+>{1,2}|<{1,2}-+|-+[\\/]{1,2}|[\\/]{1,2}-+)\s*$")


#: The words the command table's lines start with (``participant``, ``alt``, ``else``, ``note``...), and
#: the second words of its two-word commands: what a misspelt word is compared with.
KEYWORDS: tuple[str, ...] = tuple(sorted(
    {k for c in COMMANDS for k in c.keys.split() if k.isalpha() and len(k) > 2}
    | {"left", "right", "over", "of", "as", "box", "note", "ref", "across"}
))

_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"[A-Za-z]+")


def accepts(line: str) -> bool:
    """True when a command of the table accepts the trimmed ``line`` (its pattern, or a block's opening).

    >>> accepts("participant Alice"), accepts("partcipant Alice")
    (True, False)
    """
    if "-" in line and SIMPLE_ARROW.fullmatch(line):
        return True
    for command in candidates(line):
        pattern = command.pattern if type(command) is Single else command.start
        if pattern.match(line):
            return True
    return False


def near_miss(line: str) -> tuple[str, int, str] | None:
    """(misspelt word, its 0-based offset, the keyword) when one word's spelling is all that is wrong.

    >>> near_miss("esle failure")
    ('esle', 0, 'else')
    """
    for token in list(_TOKEN.finditer(line))[:6]:
        word = _WORD.fullmatch(token.group())
        if word is None or len(token.group()) < 3 or token.group().lower() in KEYWORDS:
            continue
        for keyword in difflib.get_close_matches(token.group().lower(), KEYWORDS, n=3, cutoff=0.75):
            fixed = line[:token.start()] + keyword + line[token.end():]
            if accepts(fixed):
                return token.group(), token.start(), keyword
    return None


def _accepted_prefix(line: str) -> int | None:
    """Where the first token after the longest accepted prefix of whole tokens starts (None: no prefix)."""
    tokens = list(_TOKEN.finditer(line))
    for token in reversed(tokens[1:]):
        if accepts(line[:token.start()].rstrip()):
            return token.start()
    return None


def why_not(line: str) -> tuple[str, int]:
    """A helpful message and 1-based column (in the trimmed line) for a line no command accepts.

    The column is the offending token's:

    >>> why_not("Bob -> Alice hi there")
    ("expected ':' before the label: write 'Bob -> Alice: hi there'", 14)
    >>> why_not("partcipant Bob")
    ("unknown command 'partcipant': did you mean 'participant'?", 1)
    """
    head = line.split(":", 1)[0]
    m = _HYPHENATED.search(head)
    if m:
        name = m.group()
        return (f'unquoted name "{name}" contains a hyphen: write "{name}" in quotes, or declare '
                f'participant "{name}" as {name.replace("-", "_")}', m.start() + 1)
    if _DANGLING_ARROW.match(head):
        return "expected a participant name after the arrow", len(head.rstrip()) + 1
    if line.startswith("==") and accepts(line + " =="):
        return f"a divider needs '==' at both ends: write '{line} =='", len(line) + 1
    miss = near_miss(line)
    if miss is not None:
        word, offset, keyword = miss
        what = "command" if offset == 0 else "word"
        return f"unknown {what} '{word}': did you mean '{keyword}'?", offset + 1
    cut = _accepted_prefix(line)
    if cut is not None:
        before = line[:cut].rstrip()
        rest = line[cut:]
        if accepts(f"{before}: {rest}"):
            return f"expected ':' before the label: write '{before}: {rest}'", cut + 1
        return f"unexpected '{rest.split()[0]}' after '{before}'", cut + 1
    return "syntax error: this line is not a sequence-diagram command", 1
