"""One verdict per 2014 step: how prose may state it, and where the course's prose contradicts it.

Rule 1: whether a step of the 2014 diagram is still right lives in ``bughunt.yaml`` and nowhere else.
Prose (the notebooks' Markdown, the narration, the phases' then-and-now) may repeat a verdict in words,
and :func:`contradictions` finds every paragraph that names a step (by number, or by one of the names
in the step's ``called`` list) and states another verdict (``wording.markers`` in the same file).

>>> from launch_course.today import load_bughunt
>>> verdicts, wording = load_bughunt(), load_wording()
>>> [p.claimed for p in contradictions([Prose("x.md", 1, "", "Step 17 is misleading today.")], verdicts, wording)]
['outdated']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from flowlib.errors import DiagramError
from flowlib.reading.yamlfile import load_yaml, require

from launch_course.files import content_path

__all__ = ["Wording", "Prose", "Contradiction", "load_wording", "claims", "steps_named",
           "markdown_prose", "course_prose", "contradictions"]

_VERDICTS = ("ok", "outdated", "wrong")


@dataclass(frozen=True, slots=True)
class Wording:
    """How prose states a verdict.

    headlines: verdict -> the sentence that opens the step player's "Today" line.
    markers: (verdict, pattern) pairs in matching order (outdated first, see :func:`claims`).
    section_defaults: (heading words, verdict): a paragraph under such a heading that names a step and
    states nothing claims that verdict ("Then and now" bullets present what changed).
    """

    headlines: tuple[tuple[str, str], ...]
    markers: tuple[tuple[str, re.Pattern], ...]
    section_defaults: tuple[tuple[str, str], ...] = ()

    def headline(self, verdict: str) -> str:
        """The headline of ``verdict`` (``"Wrong even in 2014."``)."""
        return dict(self.headlines)[verdict]


@dataclass(frozen=True, slots=True)
class Prose:
    """One paragraph or bullet of the course's prose: where it is, under which heading, its text.

    steps: the steps it is about whatever it names (a narration's own step), besides those it names.
    """

    file: str
    line: int
    section: str
    text: str
    steps: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Contradiction:
    """A paragraph that states ``claimed`` about ``step``, whose verdict is ``verdict``."""

    prose: Prose
    step: int
    claimed: str
    verdict: str

    def __str__(self) -> str:
        text = " ".join(self.prose.text.split())
        text = text if len(text) <= 140 else text[:137] + "..."
        return (f"{self.prose.file}:{self.prose.line}: says step {self.step} is {self.claimed!r}, "
                f"but bughunt.yaml says {self.verdict!r}: {text}")


def load_wording(path=None) -> Wording:
    """The ``wording`` section of bughunt.yaml (or ``path``), patterns compiled; errors are located.

    >>> load_wording().headline("wrong")
    'Wrong even in 2014.'
    """
    path = content_path(path if path is not None else "bughunt.yaml")
    file = str(path)
    data = load_yaml(path)
    wording = require(data, "wording", dict, file, "file")
    headlines = require(wording, "headlines", dict, file, "wording")
    markers = require(wording, "markers", dict, file, "wording")
    defaults = wording.get("section_defaults", {})
    for name, table in (("headlines", headlines), ("markers", markers)):
        if set(table) != set(_VERDICTS):
            raise DiagramError(f"wording: {name} needs exactly the verdicts {', '.join(_VERDICTS)}",
                               file=file, line=getattr(table, "line", wording.line))
    compiled = []
    for verdict in ("outdated", "wrong", "ok"):  # outdated first: "wrong ... today" is an outdated claim
        patterns = markers[verdict]
        if not isinstance(patterns, list) or not patterns:
            raise DiagramError(f"wording: markers of {verdict!r} must be a non-empty list", file=file,
                               line=markers.line)
        for pattern in patterns:
            try:
                compiled.append((verdict, re.compile(str(pattern), re.IGNORECASE)))
            except re.error as exc:
                raise DiagramError(f"wording: marker {pattern!r} is not a regular expression: {exc}",
                                   file=file, line=markers.line) from None
    if not isinstance(defaults, dict) or not set(defaults.values()) <= set(_VERDICTS):
        raise DiagramError("wording: section_defaults maps heading words to a verdict", file=file,
                           line=wording.line)
    return Wording(
        tuple((v, str(headlines[v]).strip()) for v in _VERDICTS),
        tuple(compiled),
        tuple((str(k).casefold(), v) for k, v in defaults.items()),
    )


def claims(text: str, wording: Wording) -> set[str]:
    """The verdicts ``text`` states in words; a match is blanked before the next marker is tried.

    >>> sorted(claims("Wrong for Ceph today.", load_wording()))
    ['outdated']
    >>> sorted(claims("That was never how Nova used Ceph.", load_wording()))
    ['wrong']
    """
    found = set()
    for verdict, pattern in wording.markers:
        text, n = pattern.subn(" ", text)
        if n:
            found.add(verdict)
    return found


_STEP_REFS = re.compile(
    r"""\b(?:steps?|messages?)\s+           # "step 17", "steps 26 to 28", "messages 4 and 5"
        (\d+)(?:\s*(?:to|-|–|and|,)\s*(\d+))?   # one number, or a range or pair
    """,
    re.IGNORECASE | re.VERBOSE,
)


def steps_named(text: str, verdicts: Mapping) -> set[int]:
    """The 2014 steps ``text`` names: by number ("steps 26 to 28") or by a ``called`` name.

    >>> from launch_course.today import load_bughunt
    >>> sorted(steps_named("the RADOS gateway and step 9", load_bughunt()))
    [9, 26, 27, 28]
    """
    found = set()
    for match in _STEP_REFS.finditer(text):
        first = int(match[1])
        last = int(match[2]) if match[2] else first
        if "and" in match[0] or "," in match[0]:
            found |= {first, last}
        elif last >= first:
            found |= set(range(first, last + 1))
    low = text.casefold()
    for step, verdict in verdicts.items():
        if any(re.search(rf"(?<![\w-]){re.escape(name.casefold())}(?![\w-])", low) for name in verdict.called):
            found.add(step)
    return {s for s in found if s in verdicts}


def markdown_prose(path: str | Path) -> Iterator[Prose]:
    """The Markdown paragraphs and bullets of a MyST notebook source, outside code cells and fences.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "01-intro.md"
    >>> _ = path.write_text("# Intro\\n\\nStep 4 is right.\\n\\n```{code-cell}\\nx = 1\\n```\\n")
    >>> [(p.line, p.section, p.text) for p in markdown_prose(path)]
    [(3, 'Intro', 'Step 4 is right.')]
    """
    path = Path(path)
    section, block, start, fenced = "", [], 0, False

    def flush():
        if block:
            yield Prose(path.name, start, section, " ".join(block))

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("```"):
            yield from flush()
            block, fenced = [], not fenced
            continue
        if fenced:
            continue
        if stripped.startswith("#"):
            yield from flush()
            block, section = [], stripped.lstrip("#").strip()
            continue
        if not stripped or stripped in ("+++", "---") or stripped.startswith(("- ", "* ")):
            yield from flush()
            block = []
            if not stripped.startswith(("- ", "* ")):
                continue
        if not block:
            start = number
        block.append(stripped)
    yield from flush()


def course_prose(course, notebooks: str | Path | None = None) -> Iterator[Prose]:
    """All the prose that may state a verdict: each narration's ``now`` (about its own step) and, given
    the folder of the notebooks' MyST sources (where the phases' prose lives), their Markdown.

    >>> from launch_course import load_course
    >>> next(course_prose(load_course())).file
    'narration.yaml'
    """
    for n in course.narrations:
        yield Prose("narration.yaml", n.line, "now", n.now, (n.step,))
    if notebooks is not None:
        for path in sorted(Path(notebooks).glob("[0-9][0-9]-*.md")):
            yield from markdown_prose(path)


def contradictions(prose: Iterable[Prose], verdicts: Mapping, wording: Wording) -> list[Contradiction]:
    """Every paragraph that names steps and states a verdict none of them has.

    A paragraph that names several steps may state each of their verdicts; one that names a step and
    states nothing takes its section's default (``wording.section_defaults``), if any.

    >>> from launch_course.today import load_bughunt
    >>> found = contradictions([Prose("x.md", 1, "", "Step 17 is misleading today.")], load_bughunt(), load_wording())
    >>> [(c.step, c.claimed, c.verdict) for c in found]
    [(17, 'outdated', 'wrong')]
    """
    problems = []
    for p in prose:
        steps = set(p.steps) | steps_named(p.text, verdicts)
        if not steps:
            continue
        said = claims(p.text, wording)
        if not said:
            section = p.section.casefold()
            said = {v for words, v in wording.section_defaults if words in section}
        allowed = {verdicts[s].verdict for s in steps}
        for claimed in sorted(said - allowed):
            for step in sorted(steps):
                problems.append(Contradiction(p, step, claimed, verdicts[step].verdict))
    return problems
