"""Fixtures for the browser tests: one JupyterLab over a copy of the course, one Chromium, one page."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from lab_server import start_lab
from notebook_page import PAGE_JS

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "out"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: A learner's laptop screen.
LAPTOP = {"width": 1366, "height": 900}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "file"):
        return True
    return parts.hostname in ("127.0.0.1", "localhost")


@pytest.fixture(scope="session")
def out_dir() -> Path:
    """tests/e2e/out: screenshots and latency.txt (gitignored)."""
    OUT.mkdir(parents=True, exist_ok=True)
    return OUT


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by the Python playwright package (whose own browser download is not used)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install it with 'sudo apt-get install chromium' (make test does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="install the test extra: pip install -e '.[test]'")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def course_copy(tmp_path_factory) -> Path:
    """A copy of notebooks/: running the course in the browser never touches the committed files (the content
    comes from the installed launch_course package)."""
    root = tmp_path_factory.mktemp("course")
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=ignore)
    return root


@pytest.fixture(scope="session")
def lab(course_copy, tmp_path_factory):
    """JupyterLab on 127.0.0.1 serving the copy, with throwaway settings; stopped by process group."""
    server = start_lab(course_copy, tmp_path_factory.mktemp("lab-state"))
    try:
        yield server
    finally:
        server.stop()


class BlockedRequests(list):
    """URLs the page asked for outside 127.0.0.1 (each one aborted)."""


def _block_non_local(page, blocked: BlockedRequests) -> None:
    def route(r):
        if _is_local(r.request.url):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)


@pytest.fixture(scope="session")
def lab_page(chromium, lab):
    """One JupyterLab page for all notebooks (loading Lab once), every non-local request blocked."""
    context = chromium.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.blocked = BlockedRequests()
    _block_non_local(page, page.blocked)
    page.add_init_script(PAGE_JS)
    page.set_default_timeout(30_000)
    page.goto(lab.url("lab"))
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started !== undefined", timeout=60_000)
    page.evaluate("() => window.jupyterapp.restored.then(() => true)")
    # A learner's laptop: the file browser open beside the notebook.
    page.evaluate("() => window.jupyterapp.shell.activateById('filebrowser')")
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The static course site, built by ``make site``'s code from the committed notebooks into a tmp dir."""
    from scripts.site import build

    out = tmp_path_factory.mktemp("site") / "_site"
    build(out, log=lambda _line: None)
    return out


@pytest.fixture(scope="session")
def site_server(built_site):
    """The built site over http://127.0.0.1 (a plain static server, as a course web host would be)."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture()
def static_page(chromium):
    """A fresh page for the static site, with every non-local request blocked and recorded."""
    context = chromium.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.blocked = BlockedRequests()
    _block_non_local(page, page.blocked)
    try:
        yield page
    finally:
        context.close()
