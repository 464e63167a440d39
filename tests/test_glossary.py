"""The glossary: at least 25 terms as data, every one used in the course, and hover marks that are escaped."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from flowlib import DiagramError
from launch_course import load_course
from launch_course.glossary import GlossedNarration, Term, glossary_table, load_glossary, mark_terms

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "course" / "launch_course" / "content"
TERMS = load_glossary()
COURSE = load_course()


def test_the_glossary_covers_the_words_of_issue_11():
    assert len(TERMS) >= 25
    names = {name.casefold() for t in TERMS for name in t.names}
    for word in ("rpc cast", "rpc call", "vm_state", "task_state", "cell", "cell0", "placement", "allocation",
                 "bdm", "vif", "port binding"):
        assert word in names, word


def test_every_term_is_used_in_the_course():
    text = " ".join(
        [n.what + " " + n.why + " " + n.now for n in COURSE.narrations]
        + [p.summary + " " + p.then_and_now for p in COURSE.phases]
        + [p.read_text() for p in (ROOT / "course" / "notebooks").glob("*.md")]
        + [m.label for m in COURSE.today.messages]
    ).casefold()
    unused = [t.term for t in TERMS if not any(name.casefold() in text for name in t.names)]
    assert not unused, unused


def test_marks_wrap_the_first_use_and_escape_the_definition():
    terms = (Term("cell0", 'a "cell" <with> & no hosts', "https://docs.openstack.org/nova/latest/admin/cells.html"),)
    marked = mark_terms("buried in <code>cell0</code>, then cell0 again; not cell0x", terms)
    assert marked.count("<abbr") == 1
    assert 'title="a &quot;cell&quot; &lt;with&gt; &amp; no hosts"' in marked
    assert mark_terms('<a href="cell0">x</a>', terms) == '<a href="cell0">x</a>'  # never inside a tag


def test_narration_with_glossary_is_html_for_the_player():
    glossed = COURSE.narration_with_glossary(9)
    assert isinstance(glossed, GlossedNarration) and glossed.is_html
    assert "<abbr" in glossed.what + glossed.why + glossed.now
    assert glossed.now.startswith(html.escape("Wrong even in 2014."))


def test_the_table_is_sorted_and_has_links():
    table = glossary_table()
    assert list(table["term"]) == sorted(table["term"], key=str.casefold)
    assert table["link"].str.startswith("https://").all()


@pytest.mark.parametrize("old, new, says", [
    ("url: https://docs.openstack.org/nova/latest/reference/rpc.html", "url: http://example.com/x", "must start with https"),
    ("  also: [MQ, RabbitMQ]", "  also: [MQ, cast]", "already a spelling of"),
    ("- term: vm_state\n", "- term: vm_state\n  tag: x\n", "keys are term, also"),
])
def test_mistakes_are_located(tmp_path, old, new, says):
    text = (CONTENT / "glossary.yaml").read_text()
    assert old in text
    (tmp_path / "glossary.yaml").write_text(text.replace(old, new, 1))
    with pytest.raises(DiagramError) as err:
        load_glossary(tmp_path / "glossary.yaml")
    assert says in str(err.value) and err.value.line
