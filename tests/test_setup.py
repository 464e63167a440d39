"""scripts/ensure-system-deps: without apt it stops with one line per missing program, saying how to install it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "ensure-system-deps"


@pytest.fixture
def bare_path(tmp_path):
    """A PATH with bash and id only: no apt-get, no sudo, no dot."""
    for tool in ("bash", "id"):
        (tmp_path / tool).symlink_to(shutil.which(tool))
    return str(tmp_path)


def run(args, path, **env):
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=60,
                          env={"PATH": path, **env})


def test_without_apt_it_names_the_commands_for_apt_brew_and_conda(bare_path):
    done = run(["dot"], bare_path)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert all(word in lines[0] for word in ("apt-get install graphviz", "brew install graphviz",
                                             "conda install -c conda-forge graphviz"))


def test_a_python_without_venv_is_found_before_make_calls_it(bare_path):
    done = run(["venv"], bare_path, PYTHON="/bin/false")
    assert done.returncode == 1
    assert "apt-get install python3-venv" in done.stderr


def test_present_programs_need_nothing(bare_path):
    done = run(["bash"], bare_path)
    assert (done.returncode, done.stderr) == (0, "")


def test_make_checks_venv_before_creating_it():
    makefile = (SCRIPT.parents[1] / "Makefile").read_text()
    rule = makefile.split("$(STAMP): pyproject.toml", 1)[1]
    assert rule.index("ensure-system-deps venv") < rule.index("-m venv")
