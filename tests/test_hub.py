"""A class on a real JupyterHub (deploy/jupyterhub_config.py): learners log in at once, pull the course with
nbgitpuller, run a phase notebook and answer a quiz; an instructor sees the solutions; a second pull merges.

The hub runs on 127.0.0.1 in a temporary folder, with a dummy login and one local process per learner
(benchmarks/classroom.py drives it as browsers would). The course is pulled from a bare clone of this
checkout's HEAD, with the README's link. Whatever happens, the hub and every process it started are
stopped by PID.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from benchmarks import classroom
from benchmarks.classroom import Learner

pytestmark = pytest.mark.hub

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
LEARNERS = tuple(f"learner{i}" for i in range(1, 6))
INSTRUCTOR = "teacher"
NOTEBOOK = "01-auth"  # a phase notebook: the authentication phase, its quiz and exercises
EXERCISE = "auth-keystone-sends"
SOLUTION_NOTE = "Solutions are in the instructor edition"

# The quiz, as a learner answers it in the notebook's Quiz widget: a wrong choice, then the right one.
QUIZ = """
import json
from launch_course import Quiz
quiz = Quiz(course.quiz("auth"), diagram)
question = quiz.questions[0]
right = question.answer(diagram)
wrong = next(choice for choice in question.choices if choice != right)
print(json.dumps({"wrong": quiz.answer(0, wrong), "right": quiz.answer(0, right)}))
"""



def _run(coroutine):
    """Run ``coroutine`` to its end in a thread of its own: the browser tests' Playwright keeps an event loop
    running in the main thread for the whole session, where ``asyncio.run`` refuses to start another."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()

def readme_link() -> str:
    """The nbgitpuller link the README's instructors' section hands out (the test opens exactly that)."""
    links = re.findall(r"https://HUB/hub/user-redirect/git-pull\?\S+", README)
    assert links, "README.md gives no nbgitpuller link"
    return links[0]


@pytest.fixture(scope="module")
def remote(tmp_path_factory) -> Path:
    return classroom.course_remote(tmp_path_factory.mktemp("origin"))


@pytest.fixture(scope="module")
def branch() -> str:
    return classroom.git("rev-parse", "--abbrev-ref", "HEAD", cwd=ROOT).strip()


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if classroom.find_proxy() is None:
        message = "configurable-http-proxy is missing: make test installs it into .venv/chp (npm)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    running = classroom.start_hub(tmp_path_factory.mktemp("hub"), instructors=(INSTRUCTOR,),
                                  pythonpath=os.pathsep.join([str(ROOT), str(ROOT / "course")]))
    try:
        yield running
    finally:
        running.stop()
        left = [p.pid for p in running.seen.values() if p.is_running()]
        assert running.process.poll() is not None and not left, f"still running: hub, {left}"


def notebook_path(link: str) -> str:
    """The notebook the link opens after the pull (its urlpath, less lab/tree/)."""
    urlpath = parse_qs(urlsplit(link).query)["urlpath"][0]
    assert urlpath.startswith("lab/tree/"), urlpath
    return urlpath.removeprefix("lab/tree/")


def test_the_readme_starts_the_hub_this_test_starts():
    assert f"COURSE_INSTRUCTORS=alice,bob {' '.join(classroom.HUB_COMMAND)}" in README
    assert "%env COURSE_SOLUTIONS=1" in README
    link = readme_link()
    assert notebook_path(link).startswith("REPO/notebooks/")


async def _learner(hub, name: str, link: str) -> dict:
    async with Learner(hub, name) as learner:
        pulled = await learner.pull(link)
        notebook = await learner.open_notebook(notebook_path(link))
        cells = await learner.run_notebook(notebook)
        quiz = json.loads(await learner.execute(QUIZ))
        card = await learner.execute(f"print(exercise_card({EXERCISE!r}).text)")
        shown = None
        if name == LEARNERS[-1]:  # the README's way to show solutions in a running notebook
            shown = await learner.execute(f"%env COURSE_SOLUTIONS=1\nprint(exercise_card({EXERCISE!r}).text)")
        hub.descendants()  # remember this learner's server and kernel, for stop()
        await learner.close_kernel()
        return {"pulled": pulled, "cells": cells, "quiz": quiz, "card": card, "shown": shown, "times": learner.times}


async def _instructor(hub, link: str) -> dict:
    async with Learner(hub, INSTRUCTOR) as teacher:
        await teacher.pull(link)
        notebook = await teacher.open_notebook(notebook_path(link))
        setup = next(c for c in notebook["cells"] if c["cell_type"] == "code")
        await teacher.execute("".join(setup["source"]))
        card = await teacher.execute(f"print(exercise_card({EXERCISE!r}).text)")
        env = await teacher.execute("import os; print(os.environ.get('COURSE_SOLUTIONS'))")
        hub.descendants()
        await teacher.close_kernel()
        return {"card": card, "env": env.strip()}


async def _class(hub, link: str):
    return await asyncio.gather(*(_learner(hub, name, link) for name in LEARNERS), _instructor(hub, link))


def test_a_class_pulls_the_course_runs_a_phase_and_answers_a_quiz_and_the_instructor_sees_solutions(
        hub, remote, branch):
    link = classroom.pull_link(readme_link().replace("00-overview", NOTEBOOK), hub.url, remote, branch)
    *learners, teacher = _run(_class(hub, link))
    for name, result in zip(LEARNERS, learners):
        assert any("git clone" in line for line in result["pulled"]), (name, result["pulled"])
        assert (hub.folder / "homes" / name / "REPO" / "notebooks" / f"{NOTEBOOK}.ipynb").is_file()
        assert result["cells"] > 5
        assert "Not quite." in result["quiz"]["wrong"] and "Right." in result["quiz"]["right"], result["quiz"]
        assert SOLUTION_NOTE in result["card"] and "Solution:" not in result["card"], result["card"]
    assert "Solution:" in learners[-1]["shown"]
    assert teacher["env"] == "1"
    assert "Solution:" in teacher["card"] and SOLUTION_NOTE not in teacher["card"], teacher["card"]
    print("\nseconds from login, per learner: " + ", ".join(
        f"{r['times']['first_cell']:.1f} to the first cell, {r['times']['ran_all']:.1f} to the last"
        for r in learners))


# ----------------------------------------------------------------------------- nbgitpuller's merge

NOTE = "My own note: Keystone answers before Nova asks anything else."
UPDATE = "Course update: a new question about token scopes."


def _append_markdown(path: Path, text: str) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"].append({"cell_type": "markdown", "id": "course-update", "metadata": {}, "source": [text]})
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


async def _edit_update_pull(hub, link: str, remote: Path, work: Path) -> dict:
    name = LEARNERS[0]
    edited, untouched = "REPO/notebooks/01-auth.ipynb", "REPO/notebooks/02-scheduling.ipynb"
    async with Learner(hub, name) as learner:
        await learner.pull(link)  # logs in again; the server and the clone are there already
        model = await learner.api("GET", f"contents/{edited}")
        model["content"]["cells"].append({"cell_type": "markdown", "id": "my-note", "metadata": {}, "source": NOTE})
        await learner.api("PUT", f"contents/{edited}", {"type": "notebook", "format": "json",
                                                        "content": model["content"]})
        commit = classroom.update_course(remote, work, lambda w: (
            _append_markdown(w / "notebooks" / "02-scheduling.ipynb", UPDATE),
            _append_markdown(w / "notebooks" / "01-auth.ipynb", UPDATE)))
        await learner.pull(link)
        after = {p: await learner.api("GET", f"contents/{p}") for p in (edited, untouched)}
    texts = {p: json.dumps(m["content"]["cells"]) for p, m in after.items()}
    return {"edited": texts[edited], "untouched": texts[untouched], "commit": commit}


def test_a_second_pull_keeps_the_learners_edits_and_brings_the_update(hub, remote, branch, tmp_path):
    link = classroom.pull_link(readme_link(), hub.url, remote, branch)
    result = _run(_edit_update_pull(hub, link, remote, tmp_path / "instructor"))
    assert NOTE in result["edited"], "the learner's edit was lost"
    assert UPDATE in result["untouched"], "the update did not arrive in the notebook the learner left alone"
    clone = hub.folder / "homes" / LEARNERS[0] / "REPO"
    assert classroom.git("merge-base", "--is-ancestor", result["commit"], "HEAD", cwd=clone) == ""
