"""Why text is refused: a helpful message for a line no command accepts, and other kinds of diagram named."""

from __future__ import annotations

import re


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
    """PlantUML's type of the diagram these lines look like, or None when they look like no other kind."""
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


_HYPHENATED = re.compile(r"(?<![\w.@\"-])[\w.@]*\w-[\w.@-]*\w(?![\w.@\"])")
_DANGLING_ARROW = re.compile(r".*(?:-+>{1,2}|<{1,2}-+|-+[\\/]{1,2}|[\\/]{1,2}-+)\s*$")


def why_not(line: str) -> tuple[str, int]:
    """A helpful message and 1-based column (in the trimmed line) for a line no command accepts."""
    head = line.split(":", 1)[0]
    m = _HYPHENATED.search(head)
    if m:
        name = m.group()
        return (f'unquoted name "{name}" contains a hyphen: write "{name}" in quotes, or declare '
                f'participant "{name}" as {name.replace("-", "_")}', m.start() + 1)
    if _DANGLING_ARROW.match(head):
        return "expected a participant name after the arrow", len(head.rstrip()) + 1
    return "syntax error: this line is not a sequence-diagram command", 1
