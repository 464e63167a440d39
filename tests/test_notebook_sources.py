"""The notebooks' MyST sources (course/notebooks/*.md): one per notebook, and the committed cells are theirs.

A person edits the .md and runs ``make notebooks`` (scripts/build_notebooks.py); these tests fail when a
committed notebook was not rebuilt after its source changed, or was edited in JupyterLab instead.
"""

from __future__ import annotations

import nbformat
import pytest

from scripts.build_notebooks import NOTEBOOKS, build, cells, main, sources

SOURCES = sources()


def test_every_notebook_has_a_source_and_every_source_a_notebook():
    assert SOURCES, "no course/notebooks/NN-name.md found"
    assert [p.stem for p in SOURCES] == [p.stem for p in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_committed_cells_are_the_sources_cells(source):
    stored, built = nbformat.read(NOTEBOOKS / f"{source.stem}.ipynb", as_version=4), build(source)
    rebuild = f'notebooks/{source.stem}.ipynb differs from its source: run make notebooks NB="{source.stem}"'
    assert len(stored.cells) == len(built.cells), f"{rebuild} ({len(stored.cells)} cells, the source has {len(built.cells)})"
    for index, (old, new) in enumerate(zip(cells(stored), cells(built))):
        assert old == new, f"{rebuild} (first at cell {index})"
    assert [c.id for c in stored.cells] == [c.id for c in built.cells], "cell ids are {stem}-{index:02d}"


def test_check_mode_agrees(capsys):
    assert main(["--check"]) == 0
    assert capsys.readouterr().out == "up to date\n"
