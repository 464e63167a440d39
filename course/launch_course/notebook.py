"""The course in Jupyter: a cell run too early says which cell to run first; tables show no empty header cell.

Two things happen in a running IPython shell (a Jupyter kernel), installed by :func:`install`:

- A ``NameError`` for a name that a cell of the notebook defines (``course``, ``diagram``, ``messages``...)
  shows a short note naming that cell (the setup cell, or the one that starts ``messages = ...``),
  instead of a bare traceback. The notebook is found through ``__session__``, which Jupyter Server
  gives the kernel; without it (VS Code, nbclient) the note names the setup cell when the name is one
  of those the setup cells define, and says "run the cells above" otherwise. A ``NameError`` raised
  inside a library, or for a name no cell defines (a typo), keeps its traceback.
- A DataFrame's HTML has no empty header cell: the default row numbers are left out, and named index
  levels become ordinary columns (screen readers and axe's ``empty-table-header`` rule need a name on
  every header cell).

``import launch_course`` installs them (the setup cell); so does IPython at start-up when ``make lab``
sets ``PYTHONSTARTUP`` to :mod:`launch_course.startup`, which covers a cell run before the setup cell.
"""

from __future__ import annotations

import re

import ast
import json
from pathlib import Path

from flowlib.notebook import running_shell, show_errors_briefly, show_exceptions

#: What the notebooks' setup cells (each one's first code cell) define, all together; a test keeps it equal
#: to the sources'.
SETUP_NAMES = frozenset({
    "DiagramError", "PHASE_COLORS", "Quiz", "StepPlayer", "check", "check_bughunt", "communication_view",
    "components_card", "course", "diagram", "diff", "diff_flows", "diff_view", "exercise_card", "impact_view",
    "load_course", "messages_table", "now", "parse", "parse_file", "phases_table", "progress", "reference_narration",
    "references_table", "sequence_svg", "service_groups", "services", "style_messages", "then", "what_if",
})

#: How to run every cell above the current one, in JupyterLab's menu.
RUN_ABOVE = "Run ▸ Run All Above Selected Cell"


def _code_cells(path: Path) -> list[str]:
    """The source of each code cell of a notebook (.ipynb), or [] when it cannot be read."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    cells = notebook.get("cells", []) if isinstance(notebook, dict) else []
    return ["".join(c.get("source", "")) if isinstance(c.get("source"), list) else str(c.get("source", ""))
            for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]


def defined_names(source: str) -> set[str]:
    """The names a cell's code binds (assignments, imports, ``def``, ``class``, loop and ``with`` targets).

    >>> sorted(defined_names("from flowlib import parse\\nx, y = 1, 2\\ndef f(): z = 3"))
    ['f', 'parse', 'x', 'y']
    """
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names: set[str] = set()
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)

    def visit(node, top: bool):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names if a.name != "*")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and top:
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and top:
            names.add(node.id)
        for child in ast.iter_child_nodes(node):
            visit(child, top and not isinstance(node, scopes))

    visit(tree, True)
    return names


def first_cell_defining(cells: list[str], name: str) -> int | None:
    """The 0-based index of the first code cell that defines ``name``, or None.

    >>> first_cell_defining(["import os", "course = 1", "course = 2"], "course")
    1
    """
    return next((i for i, source in enumerate(cells) if name in defined_names(source)), None)


def _notebook_path(shell) -> Path | None:
    """The notebook the kernel runs, from Jupyter Server's ``__session__`` (relative to the kernel's folder)."""
    session = shell.user_ns.get("__session__") if shell is not None else None
    if not isinstance(session, str) or not session.endswith(".ipynb"):
        return None
    path = Path(session)
    for candidate in (path, Path.cwd() / path.name):
        if candidate.is_file():
            return candidate
    return None


def _first_line(source: str) -> str:
    line = next((s.strip() for s in source.splitlines() if s.strip() and not s.strip().startswith("#")), "")
    return line if len(line) <= 48 else line[:45].rsplit(" ", 1)[0] + " ..."


def unrun_cell_hint(name: str, cells: list[str] | None) -> str | None:
    """What to say when ``name`` is not defined yet: which cell defines it, and to run it first.

    ``cells`` are the notebook's code cells (None when the notebook is not known). None when the notebook
    is known and no cell defines ``name`` (a typo: the ordinary error says more).

    >>> print(unrun_cell_hint("course", ["course = load_course()", "course.diagram"]))
    `course` is not defined yet: it comes from the setup cell, the first code cell of this notebook (it starts `course = load_course()`). Run that cell first, then this one.
    """
    if cells:
        index = first_cell_defining(cells, name)
        if index is None:
            return None
        starts = _first_line(cells[index])
        if index == 0:
            return (f"`{name}` is not defined yet: it comes from the setup cell, the first code cell of this "
                    f"notebook (it starts `{starts}`). Run that cell first, then this one.")
        return (f"`{name}` is not defined yet: it comes from code cell {index + 1} of this notebook (it starts "
                f"`{starts}`). Run the cells above this one first ({RUN_ABOVE}).")
    if name in SETUP_NAMES:
        return (f"`{name}` is not defined yet: it comes from the setup cell, the first code cell of this "
                f"notebook (it starts `from flowlib import`). Run that cell first, then this one.")
    return (f"`{name}` is not defined yet. If an earlier cell of this notebook defines it, run the cells above "
            f"this one first ({RUN_ABOVE}).")


def _raised_in_user_code(shell, tb) -> bool:
    """True when the innermost frame runs in the notebook's own namespace (a cell, or a function it defined)."""
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame.f_globals is shell.user_ns


def _show_hint(shell, error: NameError, tb) -> bool:
    name = getattr(error, "name", None)
    if not name or not _raised_in_user_code(shell, tb):
        return False
    path = _notebook_path(shell)
    hint = unrun_cell_hint(name, _code_cells(path) if path is not None else None)
    if hint is None:
        return False
    from IPython.display import display

    from flowlib.views.html import renderer

    html = renderer("launch_course")("unrun_hint.html.j2", hint=hint, error=str(error))
    display({"text/plain": f"{hint}\n(NameError: {error})", "text/html": html}, raw=True)
    return True


def show_unrun_cell_hints(shell=None) -> bool:
    """A ``NameError`` in a cell run too early names the cell to run first; False outside IPython.

    >>> show_unrun_cell_hints(object())   # not an IPython shell
    False
    """
    if (shell := running_shell(shell)) is None:
        return False

    def show(error):
        if not _show_hint(shell, error, error.__traceback__):
            shell.showtraceback((type(error), error, error.__traceback__))

    show_exceptions(shell, (NameError,), show)
    return True


def frame_html(frame) -> str:
    """A DataFrame as HTML with a name in every header cell, its text cells wrapping (JupyterLab keeps
    table cells on one line, so a long label would make the table scroll sideways).

    A default index (0, 1, 2...) is left out; a named index becomes ordinary columns (an unnamed level
    is called "index"); a name on the columns is kept in the first column's header.

    >>> import pandas as pd
    >>> "<th></th>" in frame_html(pd.DataFrame({"a": [1]}))
    False
    """
    import pandas as pd

    shown = frame
    if not (isinstance(frame.index, pd.RangeIndex) and frame.index.name is None and frame.index.start == 0
            and frame.index.step == 1):
        shown = frame.reset_index()
        if frame.columns.name is not None and frame.index.nlevels == 1:
            first = shown.columns[0]
            shown = shown.rename(columns={first: f"{first} \\ {frame.columns.name}"})
    if isinstance(shown.columns, pd.MultiIndex):
        shown = shown.copy()
        shown.columns = [" ".join(str(p) for p in col if str(p)) or "index" for col in shown.columns]
    shown = shown.rename_axis(columns=None)
    html = shown.to_html(index=False, max_rows=pd.get_option("display.max_rows"),
                         max_cols=pd.get_option("display.max_columns"), notebook=True, border=1,
                         classes="dataframe")
    return _PLAIN_CELL.sub(lambda m: m.group(0)[:-1] + f' style="{WRAP_CELL}">', html)


_PLAIN_CELL = re.compile(r"<t[dh]>")
#: Inline CSS that lets a table cell's text wrap (a long word breaks too) instead of widening the table.
WRAP_CELL = "white-space:normal;overflow-wrap:anywhere;min-width:3em"


def name_every_header(shell=None) -> bool:
    """Show DataFrames with :func:`frame_html` in the running IPython shell; False outside IPython.

    >>> name_every_header(object())   # no display formatter: not an IPython shell
    False
    """
    shell = running_shell(shell)
    formatter = getattr(getattr(shell, "display_formatter", None), "formatters", {}).get("text/html")
    if formatter is None:
        return False
    # By name, so that pandas is not imported here; pandas 3 gives DataFrame the module "pandas", earlier
    # versions "pandas.core.frame".
    for module in ("pandas", "pandas.core.frame"):
        formatter.for_type_by_name(module, "DataFrame", frame_html)
    return True


def install(shell=None) -> bool:
    """This module's two behaviours, and flowlib's error panel, in ``shell`` (default: the running one).

    False outside IPython.

    >>> class Shell:  # the parts of IPython's shell that this uses
    ...     custom_exceptions = ()
    ...     def set_custom_exc(self, types, handler):
    ...         self.custom_exceptions, self.CustomTB = types, handler
    >>> shell = Shell()
    >>> install(shell), [t.__name__ for t in shell.custom_exceptions]
    (True, ['DiagramError', 'NameError'])
    """
    if (shell := running_shell(shell)) is None:
        return False
    show_errors_briefly(shell)
    show_unrun_cell_hints(shell)
    name_every_header(shell)
    return True

