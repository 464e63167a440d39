"""The course's glossary as data, a table of it, and narration whose known terms show their definition on hover.

Rule 1: definitions live in ``content/glossary.yaml``; :func:`mark_terms` wraps a term's first use in a
piece of HTML in ``<abbr title="definition">`` (the title escaped), and :func:`narration_with_glossary`
gives the step player narration whose fields are that HTML (``is_html`` tells it not to escape them again).

>>> mark_terms("compute sends an <b>RPC cast</b>", load_glossary())
'compute sends an <b><abbr class="glossary" title="A remote procedure call sent over the message queue without waiting for an answer: the sender goes on at once (fire and forget).">RPC cast</abbr></b>'
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from flowlib.errors import DiagramError
from flowlib.reading.yamlfile import load_yaml, require
from flowlib.views.html import renderer
from flowlib.views.markup import inline_markdown

from launch_course.files import content_path

__all__ = ["Term", "load_glossary", "glossary_table", "mark_terms", "GlossedNarration", "narration_with_glossary"]


@dataclass(frozen=True, slots=True)
class Term:
    """A glossary entry: the term, the other spellings matched, a plain-text definition, a URL."""

    term: str
    definition: str
    url: str
    also: tuple[str, ...] = ()
    line: int = 0

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling that is matched, longest first."""
        return tuple(sorted({self.term, *self.also}, key=len, reverse=True))


def load_glossary(path=None) -> tuple[Term, ...]:
    """Read glossary.yaml (or ``path``); a malformed entry raises a located :class:`DiagramError`.

    >>> len(load_glossary()) >= 25
    True
    """
    from launch_course.course import reference_problem

    path = content_path(path if path is not None else "glossary.yaml")
    file = str(path)
    data = load_yaml(path)
    if not isinstance(data, list) or not data:
        raise DiagramError("expected a list of terms (lines starting with '- ')", file=file, line=1)
    terms, seen = [], {}
    for entry in data:
        line = getattr(entry, "line", None)
        where = f"term {entry.get('term', '?')!r}" if isinstance(entry, dict) else "entry"
        if not isinstance(entry, dict) or not set(entry) <= {"term", "also", "definition", "url"}:
            raise DiagramError(f"{where}: keys are term, also, definition and url", file=file, line=line)
        term = require(entry, "term", str, file, where).strip()
        definition = " ".join(require(entry, "definition", str, file, where).split())
        url = require(entry, "url", str, file, where)
        also = entry.get("also", [])
        if not isinstance(also, list) or not all(isinstance(a, str) and a.strip() for a in also):
            raise DiagramError(f"{where}: 'also' must be a list of spellings", file=file, line=line)
        if not term or not definition:
            raise DiagramError(f"{where}: term and definition must be non-empty", file=file, line=line)
        problem = reference_problem(url)
        if problem:
            raise DiagramError(f"{where}: {problem}", file=file, line=line)
        for name in (term, *also):
            key = name.casefold()
            if key in seen:
                raise DiagramError(f"{where}: {name!r} is already a spelling of {seen[key]!r}", file=file, line=line)
            seen[key] = term
        terms.append(Term(term, definition, url, tuple(a.strip() for a in also), line or 0))
    return tuple(terms)


@lru_cache(maxsize=4)
def _default(path: str | None) -> tuple[Term, ...]:
    return load_glossary(path)


def glossary_table(terms: tuple[Term, ...] | None = None):
    """The glossary as a pandas DataFrame (term, also, definition, link), sorted by term.

    >>> glossary_table().columns.tolist()
    ['term', 'also', 'definition', 'link']
    """
    import pandas as pd

    terms = _default(None) if terms is None else terms
    rows = sorted(terms, key=lambda t: t.term.casefold())
    return pd.DataFrame({
        "term": pd.Series([t.term for t in rows], dtype="string"),
        "also": pd.Series([", ".join(t.also) for t in rows], dtype="string"),
        "definition": pd.Series([t.definition for t in rows], dtype="string"),
        "link": pd.Series([t.url for t in rows], dtype="string"),
    })


render = renderer("launch_course")  # the course's templates/*.html.j2, autoescaping on


@lru_cache(maxsize=4)
def _pattern(terms: tuple[Term, ...]) -> tuple[re.Pattern, dict[str, Term]]:
    by_name = {name.casefold(): t for t in terms for name in t.names}
    names = sorted(by_name, key=len, reverse=True)  # "RPC cast" before "cast"
    alternatives = "|".join(re.escape(html.escape(n, quote=False)) for n in names)
    return re.compile(rf"(?<![\w:./-])({alternatives})(?![\w-])", re.IGNORECASE), by_name


def mark_terms(markup: str, terms: tuple[Term, ...] | None = None) -> str:
    """``markup`` (HTML) with the first use of each glossary term, outside tags and ``<abbr>``, wrapped in
    ``<abbr class="glossary" title="definition">``; the definition is escaped for the attribute.

    >>> terms = (Term("RPC cast", "a one-way RPC message", "https://example.org/rpc"),)
    >>> mark_terms("<p>an RPC cast, then another RPC cast</p>", terms).count("<abbr")
    1
    """
    terms = _default(None) if terms is None else terms
    pattern, by_name = _pattern(terms)
    done: set[str] = set()
    out = []
    for piece in re.split(r"(<[^>]+>)", markup):
        if piece.startswith("<"):
            out.append(piece)
            continue

        def wrap(match: re.Match) -> str:
            term = by_name[html.unescape(match[1]).casefold()]
            if term.term in done:
                return match[0]
            done.add(term.term)
            return render("abbr.html.j2", definition=term.definition, text=match[0])

        out.append(pattern.sub(wrap, piece))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class GlossedNarration:
    """A narration whose fields are HTML (inline markdown rendered, glossary terms marked): give a
    player the fields as they are, without escaping them again (``is_html``)."""

    what: str
    why: str = ""
    protocol: str = ""
    if_it_fails: str = ""
    now: str = ""
    is_html: bool = True


def narration_with_glossary(narration, terms: tuple[Term, ...] | None = None) -> GlossedNarration | None:
    """A narration (any object with ``what``, ``why``, ``protocol``, ``if_it_fails``, ``now``) as
    :class:`GlossedNarration`: each field rendered with flowlib's inline markdown, then its terms marked.
    None stays None.

    >>> from launch_course import load_course
    >>> "<abbr" in narration_with_glossary(load_course().narration(9)).what
    True
    """
    if narration is None:
        return None
    terms = _default(None) if terms is None else terms
    fields = {name: mark_terms(inline_markdown(getattr(narration, name, "") or ""), terms)
              for name in ("what", "why", "protocol", "if_it_fails", "now")}
    return GlossedNarration(**fields)
