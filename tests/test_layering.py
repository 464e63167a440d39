"""The layering of flowlib, read from the source: what each layer may import, what ``import flowlib``
loads, and that the library knows PlantUML, not the course built on it."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLOWLIB = ROOT / "flowlib"
SOURCES = sorted(FLOWLIB.rglob("*.py"))

#: Libraries that only views and widgets may import (and cli/render.py, which draws).
HEAVY = {"pandas", "graphviz", "ipywidgets", "anywidget", "jinja2"}
#: The layers that may not import a heavy library, nor any third-party one.
CORE = ("flowlib.reading", "flowlib.model", "flowlib.records", "flowlib.errors")
#: Modules outside views/ and widgets/ that may import a heavy library.
DRAWING_EDGES = {"flowlib.cli.render"}
#: The one core module that may import PyYAML.
YAML_READER = "flowlib.reading.yamlfile"

#: Words of the course's subject that the general library must not contain.
OPENSTACK_WORDS = (
    "openstack", "nova", "keystone", "glance", "neutron", "cinder", "rabbit", "placement", "libvirt",
    "hypervisor", "oslo", "horizon", "swift", "novnc", "nova-compute", "vif", "dhcp-agent", "l2-agent",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every module ``path`` imports (top level, inside functions, under TYPE_CHECKING), with its line."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            name = node.module or ""
            if node.level:
                name = f"{base}.{name}" if name else base
            found.append((name, node.lineno))
            if node.module is None or node.level:  # "from . import palette" imports flowlib.views.palette
                found += [(f"{name}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _top(name: str) -> str:
    return name.split(".")[0]


def _within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


ALL_IMPORTS = [(path, name, line) for path in SOURCES for name, line in _imports(path)]


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def test_the_sources_are_found():
    assert len(SOURCES) > 20 and ALL_IMPORTS


def test_flowlib_does_not_import_the_course():
    bad = [f"{_where(p, n)} imports {name}" for p, name, n in ALL_IMPORTS if _top(name) == "launch_course"]
    assert bad == []


def test_reading_model_and_errors_import_only_the_standard_library_and_each_other():
    bad = []
    for path, name, line in ALL_IMPORTS:
        module = _module_name(path)
        if not _within(module, CORE):
            continue
        if _top(name) == "flowlib":
            if not _within(name, CORE):
                bad.append(f"{_where(path, line)} imports {name}")
        elif name == "yaml" and module == YAML_READER:
            continue
        elif _top(name) not in sys.stdlib_module_names and name != "__future__":
            bad.append(f"{_where(path, line)} imports {name}")
    assert bad == []


def test_analysis_imports_no_view_and_no_widget():
    bad = [
        f"{_where(p, n)} imports {name}" for p, name, n in ALL_IMPORTS
        if _within(_module_name(p), ["flowlib.analysis"]) and _within(name, ["flowlib.views", "flowlib.widgets"])
    ]
    assert bad == []


def test_only_views_and_widgets_import_heavy_libraries():
    bad = []
    for path, name, line in ALL_IMPORTS:
        module = _module_name(path)
        if _top(name) in HEAVY and not (_within(module, ["flowlib.views", "flowlib.widgets"]) or module in DRAWING_EDGES):
            bad.append(f"{_where(path, line)} imports {name}")
    assert bad == []


@pytest.mark.parametrize("code", ["import flowlib", "import flowlib; flowlib.parse('A -> B: x')"],
                         ids=["import", "parse"])
def test_import_flowlib_loads_no_heavy_library(code):
    probe = code + "; import sys; print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    loaded = set(subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.split())
    assert "flowlib" in loaded
    assert loaded & (HEAVY | {"yaml"}) == set()


def _course_phases() -> set[str]:
    from launch_course.palette import PHASE_COLORS

    # "status" is also a column flowlib names (the what-if table's), not only the course's last phase.
    return set(PHASE_COLORS) - {"status"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(FLOWLIB)))
def test_flowlib_knows_plantuml_not_openstack(path):
    text = path.read_text(encoding="utf-8")
    words = [w for w in OPENSTACK_WORDS if re.search(rf"\b{re.escape(w)}\b", text, re.IGNORECASE)]
    assert words == [], f"{path.relative_to(ROOT)} names {', '.join(words)}: use neutral names (Alice, Bob, Server, Store)"
    phases = sorted({m.group(2) for m in re.finditer(r"([\"'])(\w+)\1", text) if m.group(2) in _course_phases()})
    assert phases == [], f"{path.relative_to(ROOT)} names the course's phases {phases}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(FLOWLIB)))
def test_every_module_starts_with_a_docstring(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    assert doc, f"{path.relative_to(ROOT)} has no module docstring"
    # A claim of being "the only module" importing a library must hold.
    for lib in HEAVY:
        if re.search(rf"only (flowlib )?module (that )?import(s|ing) `*{lib}", doc, re.IGNORECASE):
            importers = {_module_name(p) for p, name, _ in ALL_IMPORTS if _top(name) == lib}
            assert importers == {_module_name(path)}, f"{path.relative_to(ROOT)} says it alone imports {lib}: {importers}"


def test_doctests_run_for_every_module():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "--doctest-modules" in options["addopts"].split()
    makefile = (ROOT / "Makefile").read_text()
    run = next(line for line in makefile.splitlines() if "pytest tests" in line)
    assert "flowlib" in run.split() and "course/launch_course" in run.split()


def test_the_public_api_is_small_and_visible_to_type_checkers():
    """flowlib's top level: at most 30 names, each resolvable, each imported under TYPE_CHECKING from the
    module the lazy table names (so type checkers and editors see the same API as users)."""
    import ast as _ast
    import importlib

    import flowlib

    assert len(flowlib.__all__) <= 30, flowlib.__all__
    tree = _ast.parse(Path(flowlib.__file__).read_text(encoding="utf-8"))
    checked = {}
    for node in _ast.walk(tree):
        if isinstance(node, _ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for imp in node.body:
                for alias in imp.names:
                    checked[alias.name] = imp.module
    for name in flowlib.__all__:
        value = getattr(flowlib, name)
        if name in flowlib._LAZY:
            assert checked.get(name) == flowlib._LAZY[name], name
            assert getattr(importlib.import_module(flowlib._LAZY[name]), name) is value
