"""The distributions as a user gets them: wheels built from this repository, installed into a fresh
virtual environment outside the checkout, and used from another folder, with nothing read from the checkout.

One module-scoped fixture does the slow part once (about a minute, see below):

1. copy the files git knows (tracked, or new and not ignored) to a temporary folder and build a wheel of
   every distribution there (every ``pyproject.toml``) with ``pip wheel`` in build isolation, as any
   installer would: nothing stale in the checkout (``build/``, ``*.egg-info``, files nobody added) can
   slip into a wheel;
2. create a fresh virtual environment (``python -m venv --without-pip``: the running pip installs into
   it with ``--python``, which saves the ten seconds ensurepip takes) and install the wheels with their
   dependencies as they declare them, resolved by pip from the package index; ipykernel too, for the
   notebook (what it brings beyond ipywidgets' own dependencies, jupyter_client, pyzmq, tornado and the
   like, could hide a dependency that flowlib or the course forgot to declare on those; neither imports
   them today);
3. put a ``sitecustomize.py`` into it whose audit hook refuses, and logs, any ``open``, directory listing,
   ``chdir`` or subprocess that touches the checkout, the project's virtual environment or the source
   trees its editable installs point at; the hook also logs a ``sys.path`` entry under them and a set
   ``PYTHONPATH``. Every process below runs with a clean environment from a temporary folder, and each
   test asserts that the log is empty. A first run proves that the hook is live.

Why a real install, not the project's site-packages borrowed through a ``.pth`` file (faster, and no
network): a borrowed site-packages has every dependency of the test extra, so a missing
``Requires-Dist`` would go unnoticed, and it lives inside the checkout (``.venv``), so the hook could not
forbid it. With a real install, a wheel that forgets a dependency or a content file fails here.

The time goes on the network: pip downloads setuptools twice to build and pandas, numpy, IPython and
their friends to install (CI reaches PyPI; pip's cache makes repeated runs faster). The SVG render and
the notebook need no ``dot``, except the notebook's communication view, which ``make test`` provides.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

import flowlib
import launch_course

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01-auth.ipynb"

pytestmark = pytest.mark.wheel

#: Installed as sitecustomize.py in the fresh environment: every Python process there imports it first.
SITECUSTOMIZE = '''\
"""tests/test_wheels.py: refuse, and log, anything that touches the checkout (see that module)."""
import os
import sys

_ROOTS = tuple(p for p in os.environ.get("WHEEL_TEST_FORBIDDEN", "").split(os.pathsep) if p)
_LOG = os.open(os.environ["WHEEL_TEST_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
_busy = False
_seen_path = None


def _inside(path):
    if path is None or isinstance(path, int):  # a file descriptor: opened before, checked then
        return False
    try:
        path = os.fsdecode(path)
    except TypeError:
        return False
    for form in {os.path.abspath(path), os.path.realpath(path)}:
        if any(form == root or form.startswith(root + os.sep) for root in _ROOTS):
            return True
    return False


def _log(what):
    os.write(_LOG, (what.replace("\\n", " ") + "\\n").encode("utf-8", "backslashreplace"))


def _paths(event, args):
    if event in ("open", "os.listdir", "os.scandir", "os.chdir", "os.exec", "os.posix_spawn"):
        return args[:1]
    if event == "subprocess.Popen":  # executable, args, cwd, env
        return (args[0], args[2])
    if event == "import":  # module, filename, sys.path, ...
        return tuple(args[2] or ())
    return ()


def _hook(event, args):
    global _busy, _seen_path
    if _busy or not args:
        return
    if event == "import":
        if _seen_path == args[2]:
            return
        _seen_path = list(args[2] or ())
    _busy = True  # realpath and os.write must not come back here
    try:
        bad = [p for p in _paths(event, args) if _inside(p)]
    finally:
        _busy = False
    if bad:
        _log(f"{event} {bad[0]!r} (pid {os.getpid()}, {sys.argv[:3]})")
        if event != "import":
            raise PermissionError(f"the wheel test forbids touching the checkout: {event} {bad[0]}")


if os.environ.get("PYTHONPATH"):
    _log(f"PYTHONPATH is set: {os.environ['PYTHONPATH']}")
for _entry in sys.path:
    if _inside(_entry or os.getcwd()):
        _log(f"sys.path has {_entry!r}")
if _inside(os.getcwd()):
    _log(f"started in {os.getcwd()}")
sys.addaudithook(_hook)
'''

#: Run by the fresh environment's Python: the course and the library, used as a notebook would use them.
COURSE_SCRIPT = '''\
import json
import os
import sys
from importlib.resources import files

import flowlib
import launch_course
from launch_course import (
    Quiz, check_answer, check_bughunt, components_card, exercise_card, load_bughunt, load_components,
    load_course, load_references, references_table, service_groups,
)

site = os.path.realpath(os.environ["WHEEL_TEST_SITE"])
where = {m.__name__: os.path.realpath(m.__file__) for m in (flowlib, launch_course)}
content = files("launch_course") / "content"
folder = os.path.realpath(str(content))
shipped = sorted(os.path.relpath(os.path.join(d, f), folder) for d, _, fs in os.walk(folder) for f in fs
                 if "__pycache__" not in d)
read = set()


def hook(event, args):
    if event == "open" and isinstance(args[0], str) and os.path.realpath(args[0]).startswith(folder + os.sep):
        read.add(os.path.relpath(os.path.realpath(args[0]), folder))


sys.addaudithook(hook)
course = load_course()
quiz = course.quiz("auth")
first = quiz[0]
feedback = check_answer(first, first.choices[0], course.diagram)
components = load_components()
groups = service_groups(course.diagram)
today = course.today
scenarios = course.scenarios
impact = flowlib.what_if(course.diagram, scenarios[0].id, scenarios)
changes = flowlib.diff_flows(course.diagram, today, course.equivalences)
references = load_references()
table = references_table(today)
verdicts = load_bughunt()
result = check_bughunt(sorted(verdicts)[:1], verdicts)
widgets = [Quiz(quiz, course.diagram), components_card("auth"), exercise_card(course.exercises("auth")[0].id)]
styled = flowlib.style_messages(flowlib.messages_table(course.diagram)).to_html()  # pandas Styler: jinja2
svg = flowlib.sequence_svg(course.diagram, phase="auth")
player = flowlib.StepPlayer(course.diagram, phase="auth", narration=course.narration, groups=groups)
glossed = course.narration_with_glossary(9)  # the glossary
observed = [course.observed_table("2014"), course.observed_table("today")]  # observe.yaml, the samples
print(json.dumps({
    "where": where,
    "site": site,
    "shipped": shipped,
    "read": sorted(read),
    "problems": list(course.problems()),
    "phases": list(course.diagram.phases),
    "quiz": len(quiz),
    "feedback": type(feedback).__name__,
    "components": len(components),
    "groups": bool(groups),
    "today": len(today.messages),
    "scenarios": len(scenarios),
    "impact": type(impact).__name__,
    "diff": changes.summary().splitlines()[0],
    "references": len(references),
    "reference_rows": len(table),
    "verdicts": len(verdicts),
    "bughunt": type(result).__name__,
    "widgets": [type(w).__name__ for w in widgets],
    "styled": "<table" in styled,
    "svg": svg.source.lstrip().startswith("<svg"),
}))
'''

SMALL_OLD = "@startuml\nAlice -> Bob: hello\nBob --> Alice: ok\n@enduml\n"
SMALL_NEW = "@startuml\nAlice -> Bob: hello\nBob -> Carol: ask\nBob --> Alice: ok\n@enduml\n"


def _run(args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)


def _git_files(root: Path) -> list[str]:
    """The files git knows in ``root``: tracked, or new and not ignored (what a commit would hold)."""
    done = _run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"])
    if done.returncode != 0:
        pytest.skip(f"the wheel test copies the files git knows, and git says: {done.stderr.strip()}")
    return [name for name in done.stdout.split("\0") if name and (root / name).is_file()]


def _forbidden() -> list[str]:
    """The checkout, the project's environment, and the source trees the running flowlib and course come from."""
    places = {ROOT, Path(sys.prefix), Path(flowlib.__file__).parents[1], Path(launch_course.__file__).parents[1]}
    return sorted({form for place in places for form in (os.path.abspath(place), os.path.realpath(place))})


def _inside(path: Path, roots: list[str]) -> bool:
    path = os.path.realpath(path)
    return any(path == root or path.startswith(root + os.sep) for root in roots)


class Installed:
    """The fresh environment: its Python, the wheels in it, and how to run things there."""

    def __init__(self, base: Path):
        self.base = base
        self.venv = base / "venv"
        self.python = self.venv / "bin" / "python"
        self.work = base / "work"  # where every command runs, outside the checkout
        self.log = base / "audit.log"
        self.forbidden = _forbidden()
        self.wheels: list[Path] = []
        self.sources: dict[str, Path] = {}  # wheel file name -> its distribution's folder in the copy
        self.site = ""
        path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and not _inside(Path(p), self.forbidden)]
        self.env = {
            "PATH": os.pathsep.join([str(self.venv / "bin"), *path]),
            "HOME": str(base / "home"),
            "LANG": "C.UTF-8",
            "TMPDIR": str(base / "tmp"),
            "PYTHONNOUSERSITE": "1",
            "MPLCONFIGDIR": str(base / "home" / "mpl"),
            "JUPYTER_RUNTIME_DIR": str(base / "home" / "runtime"),
            "WHEEL_TEST_FORBIDDEN": os.pathsep.join(self.forbidden),
            "WHEEL_TEST_LOG": str(self.log),
        }

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return _run([str(a) for a in args], cwd=self.work, env=self.env)

    def audit(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []


def _build(copy: Path, out: Path) -> dict[str, Path]:
    """A wheel of every distribution in ``copy``, built side by side; wheel name -> source folder."""
    projects = sorted(p.parent for p in copy.rglob("pyproject.toml") if "[project]" in p.read_text())
    assert projects, f"no distribution (pyproject.toml with [project]) in {copy}"
    builds = []
    for project in projects:
        target = out / project.relative_to(copy).as_posix().replace("/", "_")
        command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(target), str(project)]
        builds.append((project, target, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)))
    made = {}
    for project, target, process in builds:
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, f"building {project.relative_to(copy) or '.'} failed:\n{output[-3000:]}"
        (wheel,) = target.glob("*.whl")
        made[wheel.name] = project
        shutil.move(wheel, out / wheel.name)
    return made


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    env = Installed(tmp_path_factory.mktemp("wheels"))
    if _inside(env.base, env.forbidden):
        pytest.fail(f"the temporary folder {env.base} is inside the checkout: set TMPDIR elsewhere")
    for name in ("work", "home", "tmp", "src", "dist"):
        (env.base / name).mkdir()

    copy = env.base / "src"
    for name in _git_files(ROOT):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    done = _run([sys.executable, "-m", "venv", "--without-pip", str(env.venv)])
    assert done.returncode == 0, done.stderr
    pip = [sys.executable, "-m", "pip", "--python", str(env.python), "install", "--quiet", "--no-input"]
    # The notebook's kernel installs while the wheels build: both mostly wait on downloads.
    kernel = subprocess.Popen([*pip, "ipykernel"], cwd=env.work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    env.sources = _build(copy, env.base / "dist")
    env.wheels = [env.base / "dist" / name for name in sorted(env.sources)]
    output, _ = kernel.communicate(timeout=600)
    assert kernel.returncode == 0, f"pip install ipykernel failed:\n{output[-3000:]}"
    done = _run([*pip, *map(str, env.wheels)], cwd=env.work)
    assert done.returncode == 0, f"pip install of the wheels failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    env.site = _run([env.python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip()
    Path(env.site, "sitecustomize.py").write_text(SITECUSTOMIZE)

    # The hook is live: reading a file of the checkout from the fresh environment fails, and is logged.
    probe = env.run(env.python, "-c", f"open({str(ROOT / 'pyproject.toml')!r}).read()")
    assert probe.returncode != 0 and "forbids touching the checkout" in probe.stderr, probe.stderr
    assert any("pyproject.toml" in line for line in env.audit())
    env.log.unlink()
    return env


def test_the_wheels_hold_every_file_of_their_packages(installed):
    """Each wheel's packages hold exactly the files git knows under them (modules, content, templates)."""
    git = set(_git_files(ROOT))
    content = {n for n in git if n.startswith("course/launch_course/content/")}
    assert content, "no course content found by git"
    for wheel in installed.wheels:
        project = installed.sources[wheel.name]
        with zipfile.ZipFile(wheel) as archive:
            names = {n for n in archive.namelist() if not n.split("/")[0].endswith(".dist-info")}
        packages = {n.split("/")[0] for n in names}
        assert packages, f"{wheel.name} holds no package"
        prefix = project.relative_to(installed.base / "src").as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        expected = {n[len(prefix):] for n in git if n.startswith(prefix) and n[len(prefix):].split("/")[0] in packages}
        assert names == expected, (f"{wheel.name}: missing {sorted(expected - names)}, "
                                   f"unexpected {sorted(names - expected)}")
    assert {wheel.name.split("-")[0] for wheel in installed.wheels} == {"flowlib", "openstack_launch_course"}


def test_the_cli_inspects_renders_and_diffs_from_elsewhere(installed):
    work = installed.work
    (work / "old.puml").write_text(SMALL_OLD)
    (work / "new.puml").write_text(SMALL_NEW)
    content = installed.base / "src" / "course" / "launch_course" / "content"
    for name in ("launch-instance.puml", "launch-instance-today.puml", "equivalences.yaml"):
        shutil.copy(content / name, work / name)
    python = installed.python

    done = installed.run(python, "-m", "flowlib", "inspect", "old.puml", "launch-instance.puml")
    assert done.returncode == 0, done.stderr
    assert "old.puml: (untitled)" in done.stdout and "messages:     2" in done.stdout

    done = installed.run(installed.venv / "bin" / "flowlib", "inspect", "--json", "new.puml")  # the console script
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True

    done = installed.run(python, "-m", "flowlib", "render", "launch-instance.puml", "--phase", "auth", "-o", "auth.svg")
    assert done.returncode == 0, done.stderr
    svg = (work / "auth.svg").read_text()
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")

    done = installed.run(python, "-m", "flowlib", "diff", "old.puml", "new.puml")
    assert done.returncode == 0, done.stderr
    assert "+ added           #2   Bob -> Carol: ask" in done.stdout

    done = installed.run(python, "-m", "flowlib", "diff", "launch-instance.puml", "launch-instance-today.puml",
                         "--equivalences", "equivalences.yaml")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("old: launch-instance.puml")

    assert installed.audit() == []


def test_the_course_loads_all_its_content_from_the_wheel(installed):
    script = installed.work / "use_course.py"
    script.write_text(COURSE_SCRIPT)
    installed.env["WHEEL_TEST_SITE"] = installed.site
    done = installed.run(installed.python, script.name)
    assert done.returncode == 0, done.stderr[-5000:]
    facts = json.loads(done.stdout.splitlines()[-1])

    for module, path in facts["where"].items():
        assert path.startswith(facts["site"] + os.sep), f"{module} imported from {path}"
    prefix = "course/launch_course/content/"
    content = sorted(n[len(prefix):] for n in _git_files(ROOT) if n.startswith(prefix))
    assert facts["shipped"] == content
    data = [n for n in content if not n.endswith("README.md")]  # a README documents the files beside it
    assert facts["read"] == data, "content files the course never read"
    assert facts["problems"] == []
    assert facts["phases"][:2] == ["auth", "scheduling"]
    assert facts["quiz"] and facts["components"] and facts["groups"] and facts["today"] and facts["scenarios"]
    assert facts["references"] and facts["reference_rows"] and facts["verdicts"]
    assert facts["widgets"][0] == "Quiz" and len(facts["widgets"]) == 3
    assert facts["styled"] and facts["svg"] is True
    assert installed.audit() == []


def test_a_phase_notebook_runs_in_the_installed_kernel(installed):
    """notebooks/01-auth.ipynb, copied out, executed by nbclient in a kernel of the fresh environment."""
    import nbformat
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    kernels = installed.base / "kernels"
    spec = kernels / "wheel-venv"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(installed.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (the installed wheels)", "language": "python",
    }))
    copy = installed.work / NOTEBOOK.name
    shutil.copy(NOTEBOOK, copy)
    nb = nbformat.read(copy, as_version=4)
    manager = KernelManager(kernel_name="wheel-venv", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]),
                            connection_file=str(installed.base / "home" / "kernel.json"))
    client = NotebookClient(nb, km=manager, timeout=300, resources={"metadata": {"path": str(installed.work)}})
    try:
        client.execute(env=dict(installed.env), cwd=str(installed.work))
    except CellExecutionError as err:
        pytest.fail(f"{NOTEBOOK.name} failed in the installed environment:\n{str(err)[-3000:]}")
    errors = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs if out.output_type == "error"]
    assert errors == []
    assert installed.audit() == []
