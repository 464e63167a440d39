"""Every public function of flowlib and of the course shows a short example (``>>>``) in its docstring.

Public: a module's ``__all__`` where it has one, else every name without a leading underscore that the
module defines itself. The examples run as doctests (pyproject's ``--doctest-modules``); this test only
checks that each function has one, and that no example is skipped with ``+SKIP``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import flowlib
import launch_course

PACKAGES = (flowlib, launch_course)


def _modules():
    for package in PACKAGES:
        yield package
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name.rsplit(".", 1)[-1] == "__main__":  # runs the command line when imported
                continue
            yield importlib.import_module(info.name)


def _public_functions(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [name for name in vars(module) if not name.startswith("_")]
    for name in names:
        obj = getattr(module, name, None)
        if inspect.isfunction(obj) and obj.__module__ == module.__name__:
            yield name, obj


MODULES = list(_modules())
FUNCTIONS = [(f"{m.__name__}.{name}", f) for m in MODULES for name, f in _public_functions(m)]


def test_the_walk_finds_the_functions():
    names = {name for name, _ in FUNCTIONS}
    assert len(FUNCTIONS) > 100
    assert {"flowlib.reading.driver.parse", "flowlib.cli.cmd_render", "launch_course.course.run_solution"} <= names


@pytest.mark.parametrize("name, function", FUNCTIONS, ids=[name for name, _ in FUNCTIONS])
def test_public_function_has_an_example(name, function):
    doc = inspect.getdoc(function) or ""
    assert ">>>" in doc, f"{name} has no example: add a short '>>>' line to its docstring"


@pytest.mark.parametrize("module", MODULES, ids=[m.__name__ for m in MODULES])
def test_no_example_is_skipped(module):
    source = inspect.getsource(module)
    assert "doctest: +SKIP" not in source, f"{module.__name__}: an example that does not run shows nothing"
