"""The phases' prose lives in the notebooks' sources (course/notebooks/NN-name.md), once.

phases.yaml holds only each phase's name and title; a phase's summary, learning objectives, "Then and
now" and references are written in its notebook's source, and each notebook states its estimated time
once, at the top (00-overview only links to the notebooks). These tests check the sources themselves, so
they hold before the notebooks are rebuilt; the counts and step numbers the prose states about the
2014 diagram are recomputed in tests/test_course.py (test_counts_stated_in_the_prose_follow_the_diagram).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from launch_course.course import DEFAULT_DATA_DIR, PHASE_ORDER, load_course, reference_problem

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {p.stem: p for p in sorted((ROOT / "course" / "notebooks").glob("[0-9][0-9]-*.md"))}
#: The phase notebooks and the phases each teaches, in order (06 ends with the closing phase, status).
PHASE_NOTEBOOKS = {
    "01-auth": ("auth",), "02-scheduling": ("scheduling",), "03-image": ("image",), "04-network": ("network",),
    "05-volume": ("volume",), "06-metadata": ("metadata", "status"),
}
#: Where a notebook's second phase starts.
CLOSING = "\n# Closing phase: "
LINK = re.compile(r"\[([^\]]*)\]\((https?://[^)\s]*)\)")
TIME = re.compile(r"^\*\*Estimated time:\*\* (\d+) minutes\.$", re.M)


@pytest.fixture(scope="module")
def course():
    return load_course()


def _text(stem: str) -> str:
    return SOURCES[stem].read_text(encoding="utf-8")


def _parts(stem: str) -> dict[str, str]:
    """``{phase: its part of the source}``: the whole source, or 06's split at its closing phase."""
    text = _text(stem)
    phases = PHASE_NOTEBOOKS[stem]
    pieces = text.split(CLOSING)
    assert len(pieces) == len(phases), f"{stem}: expected {len(phases) - 1} '# Closing phase:' heading(s)"
    return dict(zip(phases, [pieces[0]] + ["# Closing phase: " + p for p in pieces[1:]]))


def _section(text: str, start: str, end: str) -> str:
    assert text.count(start) == 1, f"{start!r} should occur once"
    after = text.split(start, 1)[1]
    assert end in after, f"{end!r} should follow {start!r}"
    return after.split(end, 1)[0]


def _bullets(text: str) -> list[str]:
    return [line[2:].strip() for line in text.splitlines() if line.startswith("- ")]


def test_the_phase_notebooks_cover_every_phase_once():
    assert set(PHASE_NOTEBOOKS) <= set(SOURCES)
    assert tuple(p for phases in PHASE_NOTEBOOKS.values() for p in phases) == PHASE_ORDER


def test_phases_yaml_holds_only_names_and_titles():
    entries = yaml.safe_load(Path(DEFAULT_DATA_DIR, "phases.yaml").read_text(encoding="utf-8"))
    assert [set(e) for e in entries] == [{"name", "title"}] * len(PHASE_ORDER)


@pytest.mark.parametrize("stem", PHASE_NOTEBOOKS)
def test_each_phase_has_its_heading_summary_then_and_now_and_references(stem, course):
    for index, (phase, text) in enumerate(_parts(stem).items()):
        title = course.phase(phase).title
        heading = f"# {stem[:2].lstrip('0')}. {title}" if index == 0 else f"# Closing phase: {title}"
        assert text.lstrip("\n").startswith(heading) or f"\n{heading}\n" in text, f"{stem}: no heading {heading!r}"
        summary = text.split(heading, 1)[1].split("\n**Estimated time:**" if index == 0 else "\n+++", 1)[0]
        summary = "\n".join(line for line in summary.splitlines() if not line.startswith("←"))
        assert len(summary.split()) >= 25, f"{stem}: {phase}'s summary, under its heading, is missing"
        then_and_now = _section(text, "\n## Then and now\n", "\n**References**\n")
        assert len(_bullets(then_and_now)) >= 2, f"{stem}: {phase}'s Then and now needs its bullets"
        references = _section(text, "\n**References**\n", "\n+++")
        links = LINK.findall(references)
        assert links and len(links) == len(_bullets(references)), f"{stem}: each reference is one '- [title](url)'"
    assert "poll" in _parts("06-metadata")["status"].split("## Who takes part")[0].lower()


@pytest.mark.parametrize("stem", PHASE_NOTEBOOKS)
def test_each_phase_notebook_lists_three_or_four_objectives_per_phase(stem):
    objectives = _bullets(_section(_text(stem), "\n**You will be able to:**\n", "```"))
    phases = len(PHASE_NOTEBOOKS[stem])
    assert 3 * phases <= len(objectives) <= 4 * phases, f"{stem}: {len(objectives)} objectives"


@pytest.mark.parametrize("stem", sorted(SOURCES))
def test_every_notebook_but_the_overview_states_its_estimated_time_once(stem):
    times = TIME.findall(_text(stem))
    if stem == "00-overview":
        assert not times and "Estimated time" not in _text(stem)
    else:
        assert len(times) == 1 and int(times[0]) > 0, f"{stem}: one '**Estimated time:** N minutes.' line"
        assert _text(stem).count("Estimated time") == 1


@pytest.mark.parametrize("stem", sorted(SOURCES))
def test_links_to_documentation_are_well_formed(stem):
    for title, url in LINK.findall(_text(stem)):
        assert title.strip(), f"{stem}: a link without a title: {url}"
        assert reference_problem(url) is None, f"{stem}: {reference_problem(url)}"


def test_the_overview_lists_every_notebook_with_the_phases_titles(course):
    text = _text("00-overview")
    rows = dict(re.findall(r"^\| \[([0-9][0-9]-[a-z-]+)\]\(\1\.ipynb\) \| (.+?) \|$", text, re.M))
    assert list(rows) == [stem for stem in SOURCES if stem != "00-overview"]
    for stem, phases in PHASE_NOTEBOOKS.items():
        assert rows[stem] == ", ".join(course.phase(p).title for p in phases), stem


# ------------------------------------------------------------------------- the arrow legend, the links

def _steps_text(steps: list[int]) -> str:
    if len(steps) == 1:
        return f"step {steps[0]}"
    return "steps " + ", ".join(map(str, steps[:-1])) + f" and {steps[-1]}"


def _solid_replies(diagram, phase=None) -> list[int]:
    from flowlib import messages_table

    m = messages_table(diagram)
    if phase is not None:
        m = m[m["phase"] == phase]
    return m.loc[(m["arrow"] == "solid") & (m["role"] == "reply"), "step"].tolist()


@pytest.mark.parametrize("stem", list(PHASE_NOTEBOOKS), ids=str)
def test_each_phase_legend_names_the_replies_drawn_solid(stem, course):
    for phase, text in _parts(stem).items():
        solid = _solid_replies(course.diagram, phase)
        if solid:
            assert f"except where the 2014 diagram draws a reply solid: here {_steps_text(solid)} " in text, phase
        else:
            assert "Solid arrows are requests, dotted arrows are replies (in this phase the 2014 diagram draws every " \
                   "reply dotted)" in text, phase
        assert "`role`" in text


def test_the_overview_says_where_2014_draws_a_reply_solid(course):
    from flowlib import messages_table

    text = " ".join(_text("00-overview").split())
    m = messages_table(course.diagram)
    dotted = m.loc[m["arrow"] == "dotted", "step"].tolist()
    solid = _solid_replies(course.diagram)
    assert f"it draws four replies dotted ({_steps_text(dotted)}) and fourteen solid, at {_steps_text(solid)}" in text
    assert len(dotted) == 4 and len(solid) == 14
    casts = m.loc[(m["arrow"] == "solid") & (m["role"] == "async"), "step"].tolist()
    assert f"Its two `rpc.cast` messages ({_steps_text(casts)}) are drawn solid" in text
    assert _solid_replies(course.today) == [] and "Today's diagram, in 08, draws every reply dotted." in text


def test_every_notebook_links_to_the_next_at_its_top_and_bottom():
    stems = list(SOURCES)
    for stem, following in zip(stems, stems[1:]):
        nav = [line for line in _text(stem).splitlines() if "[course overview](00-overview.ipynb)" in line]
        assert len(nav) == 2, stem
        for line in nav:
            assert line.endswith(f"[{following}]({following}.ipynb) →"), f"{stem} does not link to {following}"
    last = [line for line in _text(stems[-1]).splitlines() if "[course overview](00-overview.ipynb)" in line]
    assert last and all("→" not in line for line in last)  # the last leads back to the overview
