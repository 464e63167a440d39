"""A class on a real JupyterHub on 127.0.0.1: the hub, and learners driven over HTTP as a browser would.

Shared by tests/test_hub.py (does it work?) and benchmarks/hub.py (how much memory, how long?).

The hub is ``jupyterhub -f deploy/jupyterhub_config.py`` (the file instructors use) with options for a
throwaway run: a dummy login, one local process per learner (SimpleLocalProcessSpawner, homes in a
temporary folder), loopback ports. Everything it starts is a child of the hub process; :meth:`Hub.stop`
stops the hub and then kills, by PID, every descendant it ever saw.

A learner logs in with the hub's login form, opens the nbgitpuller link (following the hub's spawn and
OAuth redirects with its cookies), runs the pull as nbgitpuller's page does (its event stream at
``git-pull/api``), opens a notebook session as JupyterLab does (``api/sessions``, with the ``_xsrf``
cookie as header) and runs cells over the kernel's websocket.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "jupyterhub_config.py"
#: The hub's command, as the README gives it (tests/test_hub.py checks that the README says this).
HUB_COMMAND = (".venv/bin/jupyterhub", "-f", "deploy/jupyterhub_config.py")
#: Where make test installs configurable-http-proxy (npm): beside the virtual environment, never in git.
CHP_DIR = Path(sys.prefix) / "chp" / "node_modules" / ".bin"
PASSWORD = "any"  # the dummy authenticator takes any password


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_proxy() -> str | None:
    """The configurable-http-proxy program: beside this Python's environment (make test), else on PATH.

    deploy/jupyterhub_config.py looks in the same two places.
    """
    local = CHP_DIR / "configurable-http-proxy"
    return str(local) if local.exists() else shutil.which("configurable-http-proxy")


# --------------------------------------------------------------------------- the course's git remote


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    if done.returncode:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def course_remote(folder: Path, name: str = "REPO") -> Path:
    """A bare clone of this checkout's HEAD at ``folder/name``: the course's repository, as a local remote."""
    remote = folder / name
    git("clone", "--quiet", "--bare", "--no-local", str(ROOT), str(remote), cwd=folder)
    return remote


def update_course(remote: Path, work: Path, change) -> str:
    """An instructor's update: clone ``remote`` into ``work``, call ``change(work)``, commit and push it."""
    git("clone", "--quiet", str(remote), str(work), cwd=work.parent)
    change(work)
    ident = ["-c", "user.name=Instructor", "-c", "user.email=instructor@example.org"]
    git(*ident, "commit", "--quiet", "-am", "Course update", cwd=work)
    git("push", "--quiet", "origin", "HEAD", cwd=work)
    return git("rev-parse", "HEAD", cwd=work).strip()


def pull_link(template: str, hub: str, remote: Path, branch: str) -> str:
    """The README's nbgitpuller link with this hub, this remote (file://) and this branch filled in."""
    github = quote("https://github.com/OWNER/REPO", safe="")
    link = template.replace("https://HUB", hub).replace(github, quote(remote.as_uri(), safe=""))
    return link.replace("branch=main", f"branch={quote(branch, safe='')}")


# --------------------------------------------------------------------------- the hub


@dataclass
class Hub:
    """A running JupyterHub: its process, public URL, folder and every descendant process seen."""

    process: subprocess.Popen
    url: str
    folder: Path
    seen: dict = field(default_factory=dict)  # pid -> psutil.Process (identity kept: no PID reuse)

    @property
    def log(self) -> Path:
        return self.folder / "jupyterhub.log"

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def descendants(self) -> list:
        """The hub's processes now (proxy, single-user servers, kernels, git), remembered for stop()."""
        import psutil

        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        for child in children:
            self.seen.setdefault(child.pid, child)
        return children

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM to the hub (it stops its servers and proxy), then SIGKILL to every process it started."""
        import psutil

        self.descendants()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        alive = [p for p in self.seen.values() if p.is_running()]
        for p in alive:
            try:
                p.kill()  # psutil checks the process's start time: a reused PID is left alone
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(alive, timeout=5)


def start_hub(folder: Path, *, instructors: tuple[str, ...] = (), pythonpath: str | None = None,
              timeout: float = 60) -> Hub:
    """Start JupyterHub with deploy/jupyterhub_config.py in ``folder`` (database, cookie secret, homes, log)."""
    if find_proxy() is None:
        raise FileNotFoundError("configurable-http-proxy is missing: make test installs it "
                                "(npm install --prefix .venv/chp configurable-http-proxy@5)")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "homes").mkdir(exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [
        str(Path(sys.executable).parent / "jupyterhub"), "-f", str(CONFIG),  # HUB_COMMAND, from another folder
        "--JupyterHub.authenticator_class=dummy",
        "--JupyterHub.spawner_class=simple",
        f"--SimpleLocalProcessSpawner.home_dir_template={folder / 'homes' / '{username}'}",
        f"--JupyterHub.bind_url={url}",
        f"--JupyterHub.hub_bind_url=http://127.0.0.1:{free_port()}",
        f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{free_port()}",
    ]
    if os.geteuid() == 0:  # the simple spawner runs every server as the hub's own user
        cmd.append("--Spawner.args=--allow-root")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "COURSE_", "PYTHONSTARTUP"))}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["COURSE_INSTRUCTORS"] = ",".join(instructors)
    if pythonpath:  # in env_keep: servers and kernels import flowlib and launch_course from this checkout
        env["PYTHONPATH"] = pythonpath
    with open(folder / "jupyterhub.log", "wb") as out:
        process = subprocess.Popen(cmd, cwd=folder, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    hub = Hub(process, url, folder)
    try:
        _wait_ready(hub, timeout)
    except BaseException:
        hub.stop()
        raise
    return hub


def _wait_ready(hub: Hub, timeout: float) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            raise RuntimeError(f"jupyterhub exited with {hub.process.returncode}:\n{hub.log_tail()}")
        try:
            with urllib.request.urlopen(f"{hub.url}/hub/health", timeout=2) as response:
                if response.status == 200:
                    hub.descendants()
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"jupyterhub not ready after {timeout:.0f} s:\n{hub.log_tail()}")


# --------------------------------------------------------------------------- a learner


class CellError(AssertionError):
    """A cell gave an error where none was expected."""


@dataclass
class Learner:
    """One person in a browser: a cookie jar, logged in to the hub, then talking to their own server."""

    hub: Hub
    name: str
    session: object = None  # aiohttp.ClientSession
    kernel: str | None = None
    times: dict = field(default_factory=dict)  # what took how long, in seconds since start()

    async def __aenter__(self):
        import aiohttp

        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),  # unsafe: an IP host
                                             timeout=aiohttp.ClientTimeout(total=300))
        self._t0 = time.perf_counter()
        return self

    async def __aexit__(self, *exc):
        await self.session.close()

    def mark(self, what: str) -> None:
        self.times[what] = time.perf_counter() - self._t0

    @property
    def server(self) -> str:
        return f"{self.hub.url}/user/{self.name}"

    async def login(self, next_url: str) -> str:
        """Log in with the hub's form, then follow ``next_url`` until the single-user server answers it.

        Returns the page's final URL. While the server starts the hub answers with its spawn-pending page;
        a browser waits there and then goes on to ``next_url``, and so does this.
        """
        async with self.session.get(f"{self.hub.url}/hub/login") as r:
            assert r.status == 200, f"login page: {r.status}"
        xsrf = self._cookie("_xsrf", "/hub/")
        form = {"username": self.name, "password": PASSWORD, "_xsrf": xsrf}
        async with self.session.post(f"{self.hub.url}/hub/login?next={quote(urlsplit(next_url).path)}",
                                     data=form, allow_redirects=False) as r:
            assert r.status == 302, f"login as {self.name}: HTTP {r.status}: {(await r.text())[:300]}"
        self.mark("logged_in")
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            async with self.session.get(next_url) as r:
                final = str(r.url)
                if r.status == 200 and urlsplit(final).path.startswith(f"/user/{self.name}/"):
                    self.mark("server_ready")
                    return final
                if r.status >= 400 and r.status not in (424, 503):
                    raise AssertionError(f"{next_url} -> {final}: HTTP {r.status}\n{self.hub.log_tail()}")
            await asyncio.sleep(0.5)
        raise TimeoutError(f"{self.name}'s server did not start\n{self.hub.log_tail()}")

    def _cookie(self, name: str, path_prefix: str) -> str:
        for cookie in self.session.cookie_jar:
            if cookie.key == name and (cookie["path"] or "/").startswith(path_prefix.rstrip("/")):
                return cookie.value
        raise KeyError(f"no {name} cookie for {path_prefix}: {[c.key for c in self.session.cookie_jar]}")

    async def pull(self, link_url: str) -> list[str]:
        """Open nbgitpuller's page (``link_url``, via the hub) and run its pull as the page's script does."""
        final = await self.login(link_url) if "logged_in" not in self.times else await self._open(link_url)
        query = urlsplit(final).query
        assert f"/user/{self.name}/git-pull" in final, final
        lines = []
        async with self.session.get(f"{self.server}/git-pull/api?{query}") as r:
            assert r.status == 200, f"git-pull/api: HTTP {r.status}"
            async for raw in r.content:
                line = raw.decode().strip()
                if not line.startswith("data:"):
                    continue
                event = json.loads(line[5:])
                if event.get("output"):
                    lines.append(event["output"].rstrip())
                if event.get("phase") == "error":
                    raise AssertionError(f"nbgitpuller: {event.get('message')}\n" + "\n".join(lines))
                if event.get("phase") == "finished":
                    self.mark("pulled")
                    return lines
        raise AssertionError("nbgitpuller's stream ended without 'finished':\n" + "\n".join(lines))

    async def _open(self, url: str) -> str:
        async with self.session.get(url) as r:
            assert r.status == 200, f"{url}: HTTP {r.status}"
            return str(r.url)

    async def api(self, method: str, path: str, body=None):
        """The single-user server's REST API with the browser's cookies and the _xsrf header."""
        headers = {"X-XSRFToken": self._cookie("_xsrf", f"/user/{self.name}/")}
        async with self.session.request(method, f"{self.server}/api/{path}", json=body, headers=headers) as r:
            text = await r.text()
            assert r.status < 300, f"{method} api/{path}: HTTP {r.status}: {text[:300]}"
            return json.loads(text) if text else None

    async def open_notebook(self, path: str) -> dict:
        """Open ``path`` as JupyterLab does: load the lab page, read the notebook, start its session's kernel."""
        await self._open(f"{self.server}/lab/tree/{path}")  # sets the server's _xsrf cookie, as in a browser
        model = await self.api("GET", f"contents/{quote(path)}")
        session = await self.api("POST", "sessions", {"path": path, "name": path.rsplit("/", 1)[-1],
                                                      "type": "notebook", "kernel": {"name": "python3"}})
        self.kernel = session["kernel"]["id"]
        self._ws = await self.session.ws_connect(
            f"{self.server.replace('http', 'ws', 1)}/api/kernels/{self.kernel}/channels?session_id={uuid.uuid4().hex}",
            headers={"X-XSRFToken": self._cookie("_xsrf", f"/user/{self.name}/")}, max_msg_size=0)
        self.mark("kernel_started")
        return model["content"]

    async def execute(self, code: str, *, allow_error: bool = False) -> str:
        """Run ``code`` in this learner's kernel; its text output (stdout, results). Raises CellError on an error."""
        msg_id = uuid.uuid4().hex
        await self._ws.send_json({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": self.name,
                       "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        })
        out, error, idle, replied = [], None, False, False
        while not (idle and replied):
            msg = await self._ws.receive_json(timeout=180)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                out.append(content["data"].get("text/plain", ""))
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
            elif kind == "execute_reply":
                replied = True
                if content["status"] != "ok" and error is None:
                    error = content.get("ename", content["status"])
        if error and not allow_error:
            raise CellError(f"{self.name}: {error} in\n{code[:400]}")
        return "".join(out)

    async def run_notebook(self, notebook: dict) -> int:
        """Run every code cell of ``notebook`` in order (as Run All); the number of cells run."""
        cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        for cell in cells:
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            await self.execute(source, allow_error="NBVAL_RAISES_EXCEPTION" in source)
            if "first_cell" not in self.times:
                self.mark("first_cell")
        self.mark("ran_all")
        return len(cells)

    async def close_kernel(self) -> None:
        if self.kernel:
            await self._ws.close()
            await self.api("DELETE", f"kernels/{self.kernel}")
            self.kernel = None

