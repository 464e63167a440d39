"""Build notebooks/NN-name.ipynb from its MyST source course/notebooks/NN-name.md, executed with widget state.

Usage (from the repository root; ``make notebooks`` and ``make notebooks NB="01 07"`` run it)::

    .venv/bin/python scripts/build_notebooks.py            # build and execute every notebook
    .venv/bin/python scripts/build_notebooks.py 01 07      # only these
    .venv/bin/python scripts/build_notebooks.py --check    # exit 1 if a committed notebook's cells differ

Edit the .md sources, never the notebooks' cells. Each notebook is run in a fresh kernel from notebooks/
with ``store_widget_state=True`` so that GitHub's viewer and a static export show diagrams, tables and
working step players. Solutions stay hidden: COURSE_SOLUTIONS is removed from the kernel's environment.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "course" / "notebooks"
NOTEBOOKS = ROOT / "notebooks"


def sources(names=()) -> list[Path]:
    """The MyST sources, all or those whose file name starts with one of ``names`` ("01", "07-capstone")."""
    found = sorted(SOURCES.glob("[0-9][0-9]-*.md"))
    unknown = [n for n in names if not any(p.name.startswith(n) for p in found)]
    if unknown:
        raise SystemExit(f"no source in {SOURCES.relative_to(ROOT)} for: {', '.join(unknown)}")
    return [p for p in found if not names or any(p.name.startswith(n) for n in names)]


def build(source: Path):
    """The notebook of ``source``, unexecuted, with stable cell ids ("01-auth-00", ...)."""
    nb = jupytext.read(source, fmt="md:myst")
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"{source.stem}-{index:02d}"  # stable ids keep rebuilt notebooks' diffs small
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return nb


def execute(nb) -> float:
    """Run ``nb`` in a fresh kernel from notebooks/, storing widget state; return the seconds it took."""
    from nbclient import NotebookClient

    os.environ.pop("COURSE_SOLUTIONS", None)  # the committed notebooks are the learner edition
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}},
                            store_widget_state=True, record_timing=False)
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def cells(nb) -> list[tuple[str, str, list[str]]]:
    """What a source decides of each cell: its type, its text and its tags (nbval's, for example)."""
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook numbers or names (01, 07-capstone); default all")
    parser.add_argument("--check", action="store_true", help="only compare cells with the committed notebooks")
    args = parser.parse_args(argv)
    stale = []
    for source in sources(args.names):
        path = NOTEBOOKS / f"{source.stem}.ipynb"
        nb = build(source)
        if args.check:
            if not path.exists() or cells(nbformat.read(path, as_version=4)) != cells(nb):
                stale.append(source.stem)
            continue
        seconds = execute(nb)
        nbformat.validate(nb)
        nbformat.write(nb, path)
        print(f"{path.relative_to(ROOT)}: executed in {seconds:.2f} s, {path.stat().st_size // 1024} KB")
    if not args.check:
        return 0
    named = {p.stem for p in sources()}
    orphans = [] if args.names else [p.stem for p in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")) if p.stem not in named]
    if stale:
        print(f'out of date: {" ".join(stale)} (run make notebooks NB="{" ".join(stale)}")')
    if orphans:
        print(f"no source in {SOURCES.relative_to(ROOT)} for: {' '.join(orphans)}")
    if stale or orphans:
        return 1
    print("up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
