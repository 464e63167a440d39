"""environment.yml (conda, Binder, JupyterHub) asks for what pyproject.toml asks for."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

# PyPI name -> conda-forge name, where they differ.
CONDA_NAMES = {"graphviz": "python-graphviz"}
# Installed by environment.yml's pip section instead (not packaged on conda-forge the same way).
PIP_ONLY = {"playwright"}
# Programs the course needs beside the Python packages.
SYSTEM = {"graphviz", "plantuml"}


def _split(requirement: str) -> tuple[str, str]:
    """('pandas', '>=2.0') from 'pandas>=2.0'."""
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert match, requirement
    return match.group(1).lower(), match.group(2).replace(" ", "")


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    out: dict[str, str] = {}
    for r in reqs:
        name, spec = _split(r)
        assert out.get(name, spec) == spec, f"{name} pinned two ways in pyproject.toml"
        out[name] = spec
    return out


def _environment() -> tuple[dict[str, str], dict[str, str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"], "Binder builds from conda-forge only"
    conda, pip = {}, {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for p in dep["pip"]:
                if not p.startswith("-e"):
                    name, spec = _split(p)
                    pip[name] = spec
        else:
            name, spec = _split(dep)
            conda[name] = spec
    return conda, pip


def test_every_pyproject_requirement_is_in_environment_yml_with_the_same_bounds():
    conda, pip = _environment()
    for name, spec in _pyproject_requirements().items():
        if name in PIP_ONLY:
            assert pip.get(name) == spec, f"environment.yml pip section should ask for {name}{spec}"
        else:
            conda_name = CONDA_NAMES.get(name, name)
            assert conda_name in conda, f"environment.yml lacks {conda_name} (pyproject.toml asks for {name}{spec})"
            assert conda[conda_name] == spec, f"{conda_name}: environment.yml says {conda[conda_name]!r}, pyproject.toml {spec!r}"


def test_environment_yml_asks_for_nothing_pyproject_does_not_know():
    conda, pip = _environment()
    known = {CONDA_NAMES.get(n, n) for n in _pyproject_requirements()} | SYSTEM | {"python", "pip"}
    assert set(conda) - known == set()
    assert set(pip) - PIP_ONLY == set()


def test_python_and_system_programs():
    conda, pip = _environment()
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    # repo2docker (Binder) picks its Python from a 'python=X.Y' pin only (its PYTHON_REGEX), not a range:
    # the pin must be a version pyproject.toml allows.
    assert re.fullmatch(r"=\d+\.\d+", conda["python"]), f"pin python=X.Y, not {conda['python']!r}"
    pinned = tuple(int(x) for x in conda["python"][1:].split("."))
    minimum = tuple(int(x) for x in re.fullmatch(r">=(\d+)\.(\d+)", requires).groups())
    assert pinned >= minimum, f"environment.yml pins python {pinned}, pyproject.toml requires {requires}"
    assert SYSTEM <= set(conda), "the graphviz and plantuml programs come from conda-forge too"
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert any("-e ." in section for section in pip_sections), "flowlib itself is installed from the checkout"


def test_jupyterlab_4_and_ipywidgets_8():
    reqs = _pyproject_requirements()
    assert reqs["jupyterlab"].startswith(">=4") and "<5" in reqs["jupyterlab"]
    assert reqs["ipywidgets"].startswith(">=8") and "<9" in reqs["ipywidgets"]
