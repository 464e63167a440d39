"""deploy/: what can be checked here of the files Helm and Docker would read (neither runs on this machine).

- config.yaml (Zero to JupyterHub), merged with the chart's defaults as Helm merges them, is valid against
  the chart's values schema (chart 4.4.0, deploy/schema/); the instructors' profile filter in its
  extraConfig runs and hides that profile from learners; its postStart nbgitpuller command works.
- The Dockerfile builds from environment.yml with the Python it pins, from files that exist.
tests/test_hub.py runs deploy/jupyterhub_config.py on a real hub.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
import yaml

from benchmarks import classroom

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
CHART = "4.4.0"
CONFIG = yaml.safe_load((DEPLOY / "config.yaml").read_text(encoding="utf-8"))


def helm_merge(base: dict, override: dict) -> dict:
    """Values as Helm coalesces them: maps merged key by key, anything else replaced, None removes the key."""
    out = dict(base)
    for key, value in override.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = helm_merge(out[key], value)
        else:
            out[key] = value
    return out


def _validate(values: dict) -> None:
    schema = json.loads((DEPLOY / "schema" / f"z2jh-{CHART}.values.schema.json").read_text())
    defaults = json.loads((DEPLOY / "schema" / f"z2jh-{CHART}.values.json").read_text())
    jsonschema.validate(helm_merge(defaults, values), schema)


def test_config_yaml_is_valid_for_the_chart():
    _validate(CONFIG)


def test_the_schema_catches_a_misspelt_key():
    wrong = helm_merge(CONFIG, {"singleuser": {"memroy": {"limit": "1G"}}})
    with pytest.raises(jsonschema.ValidationError, match="memroy"):
        _validate(wrong)


def _bytes(size: str) -> int:
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)([KMG])", size).groups()
    return int(float(number) * 1000 ** "KMG".index(unit) * 1000)


def test_memory_guarantee_and_limit_are_the_readmes():
    memory = CONFIG["singleuser"]["memory"]
    assert _bytes(memory["guarantee"]) < _bytes(memory["limit"])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`singleuser.memory.guarantee: {memory['guarantee']}`" in readme
    assert f"`singleuser.memory.limit: {memory['limit']}`" in readme


def _profiles_for(groups: tuple[str, ...]) -> list[dict]:
    """Run config.yaml's extraConfig as the hub would (after profileList became KubeSpawner.profile_list)."""
    c = SimpleNamespace(KubeSpawner=SimpleNamespace(profile_list=CONFIG["singleuser"]["profileList"]))
    for code in CONFIG["hub"]["extraConfig"].values():
        exec(compile(code, "config.yaml:hub.extraConfig", "exec"), {"c": c})
    spawner = SimpleNamespace(user=SimpleNamespace(groups=[SimpleNamespace(name=g) for g in groups]))
    return c.KubeSpawner.profile_list(spawner)


def test_only_instructors_get_the_instructors_profile_which_shows_solutions():
    learner, instructor = _profiles_for(()), _profiles_for(("instructors",))
    assert [p["slug"] for p in learner] == ["learner"]
    assert [p["slug"] for p in instructor] == ["learner", "instructor"]
    assert instructor[1]["kubespawner_override"]["environment"]["COURSE_SOLUTIONS"] == "1"
    assert CONFIG["singleuser"]["extraEnv"]["COURSE_SOLUTIONS"] == "0"
    assert CONFIG["hub"]["config"]["JupyterHub"]["load_groups"]["instructors"]["users"]
    assert CONFIG["cull"]["enabled"] and CONFIG["cull"]["timeout"] > 0


def test_the_poststart_command_pulls_the_course_and_keeps_edits(tmp_path):
    """singleuser.lifecycleHooks.postStart, run in a home folder with this checkout as the course's remote."""
    command = CONFIG["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert command[:2] == ["gitpuller", "https://github.com/OWNER/REPO"]
    remote = classroom.course_remote(tmp_path)
    branch = classroom.git("rev-parse", "--abbrev-ref", "HEAD", cwd=ROOT).strip()
    home = tmp_path / "home"
    home.mkdir()
    gitpuller = Path(sys.executable).with_name("gitpuller")
    run = [str(gitpuller), remote.as_uri(), branch, command[3]]
    subprocess.run(run, cwd=home, check=True, capture_output=True, timeout=60)
    notebook = home / command[3] / "notebooks" / "01-auth.ipynb"
    assert notebook.is_file()
    notebook.write_text(notebook.read_text(encoding="utf-8").replace('"cells": [', '"cells": [ ', 1), encoding="utf-8")
    edited = notebook.read_text(encoding="utf-8")
    subprocess.run(run, cwd=home, check=True, capture_output=True, timeout=60)  # the next start
    assert notebook.read_text(encoding="utf-8") == edited


def test_dockerfile_builds_from_environment_yml():
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    python = next(d for d in environment["dependencies"] if isinstance(d, str) and d.startswith("python="))
    base = re.search(r"^FROM (\S+)$", dockerfile, re.M).group(1)
    assert base.endswith(f":{python.replace('=', '-')}"), f"{base} should have {python}, as environment.yml pins"
    assert "mamba env update --name base --file environment.yml" in dockerfile
    startup = re.search(r"^ENV PYTHONSTARTUP=/opt/course/(\S+)$", dockerfile, re.M).group(1)
    assert (ROOT / startup).is_file()
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").split()
    assert ".venv" in ignored and ".git" in ignored


def test_the_image_and_the_tests_use_the_charts_jupyterhub():
    """The single-user image's jupyterhub (environment.yml) is the chart's major version, and so is the tested one."""
    import jupyterhub

    environment = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert re.search(r"^  - jupyterhub>=5\.\d+,<6 ", environment, re.M)
    assert jupyterhub.__version__.startswith("5.")
