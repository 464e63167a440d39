"""One verdict per 2014 step (issue 11, point 14): bughunt.yaml holds it, and no prose contradicts it."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowlib import DiagramError
from launch_course import load_course
from launch_course.today import load_bughunt
from launch_course.verdicts import (
    Prose,
    claims,
    contradictions,
    course_prose,
    load_wording,
    markdown_prose,
    steps_named,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "course" / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.md"))
COURSE = load_course()
VERDICTS = load_bughunt()
WORDING = load_wording()


def test_there_are_notebook_sources_to_read():
    assert len(SOURCES) >= 9


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_no_notebook_contradicts_a_verdict(source):
    problems = contradictions(markdown_prose(source), VERDICTS, WORDING)
    assert not problems, "\n".join(map(str, problems))


def test_no_narration_or_phase_text_contradicts_a_verdict():
    problems = contradictions(course_prose(COURSE), VERDICTS, WORDING)
    assert not problems, "\n".join(map(str, problems))


# The four contradictions issue 11 found, in the words the course used then: the check must catch each.
OLD_PROSE = [
    ("02-scheduling.md", "Then and now",
     '- **Compute\'s "fetch the instance" call is misleading today**: the instance travels inside the build request.',
     17, "outdated"),
    ("03-image.md", "Then and now",
     "- **With Ceph, nothing is downloaded today.** nova-compute makes a copy-on-write clone of the Glance "
     "image, and the RADOS Gateway plays no part.", 26, "outdated"),
    ("06-metadata.md", "Then and now",
     "- **The proxy is haproxy**. It passes the request over a unix socket to the **neutron-metadata-agent**, "
     "which adds X-Instance-ID.", 56, "outdated"),
    ("narration.yaml", "now", "Still right today. Current Nova takes the request off the queue once.", 21, "ok"),
]


@pytest.mark.parametrize("file, section, text, step, claimed", OLD_PROSE, ids=[p[0] for p in OLD_PROSE])
def test_the_check_catches_the_contradictions_of_issue_11(file, section, text, step, claimed):
    found = contradictions([Prose(file, 1, section, text)], VERDICTS, WORDING)
    assert (step, claimed) in {(c.step, c.claimed) for c in found}
    assert f"says step {step} is {claimed!r}" in str(found[0])


def test_a_paragraph_that_agrees_passes_and_one_that_disagrees_fails():
    agree = Prose("x.md", 1, "", "Step 4 is outdated: Fernet tokens are not stored.")
    disagree = Prose("x.md", 2, "", "Step 4 is still right.")
    assert contradictions([agree], VERDICTS, WORDING) == []
    assert [c.claimed for c in contradictions([disagree], VERDICTS, WORDING)] == ["ok"]


def test_claims_and_step_names():
    assert claims("Wrong for Ceph today.", WORDING) == {"outdated"}
    assert claims("The diagram leaves nova-conductor out.", WORDING) == {"wrong"}
    assert claims("Nothing to say here.", WORDING) == set()
    assert steps_named("steps 26 to 28, and messages 4 and 5", VERDICTS) == {4, 5, 26, 27, 28}
    assert steps_named("Compute's fetch the instance call", VERDICTS) == {17, 48}


def test_markdown_prose_reads_paragraphs_and_bullets_but_no_code(tmp_path):
    source = tmp_path / "09-x.md"
    source.write_text("# Title\n\nStep 4 is\nstill right.\n\n```{code-cell} ipython3\n# step 4 is wrong\n```\n"
                      "## Then and now\n\n- first bullet\n  continues\n- second\n")
    units = list(markdown_prose(source))
    assert [(u.line, u.section, u.text) for u in units] == [
        (3, "Title", "Step 4 is still right."),
        (11, "Then and now", "- first bullet continues"),
        (13, "Then and now", "- second"),
    ]


def test_every_narration_opens_with_its_verdict():
    for n in COURSE.narrations:
        verdict = VERDICTS[n.step].verdict
        assert n.verdict == verdict
        assert n.now.startswith(WORDING.headline(verdict)), n.step


def test_a_bad_marker_is_a_located_error(tmp_path):
    text = (ROOT / "course" / "launch_course" / "content" / "bughunt.yaml").read_text()
    bad = tmp_path / "bughunt.yaml"
    bad.write_text(text.replace("'\\bnever\\b'", "'(never'", 1))
    with pytest.raises(DiagramError) as err:
        load_wording(bad)
    assert "not a regular expression" in str(err.value) and err.value.line
