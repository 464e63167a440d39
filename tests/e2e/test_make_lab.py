"""`make lab`, the README's first command: its JupyterLab serves the course and opens the overview."""

from __future__ import annotations

import os
import secrets
import shlex
import subprocess
import urllib.request
from pathlib import Path

from lab_server import LabServer, wait_ready, free_port

ROOT = Path(__file__).resolve().parents[2]


def _lab_command() -> list[str]:
    """The command `make lab` runs last (the set-up before it is the same as make test's)."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}  # under make test
    done = subprocess.run(["make", "-n", "--no-print-directory", "lab"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.replace("\\\n", " ").splitlines() if " lab " in line]
    assert lines, done.stdout
    return shlex.split(lines[-1])


def test_make_lab_serves_the_notebooks_and_opens_the_overview(tmp_path):
    cmd = _lab_command()
    assert cmd[0].endswith("jupyter") and cmd[1] == "lab"
    # What make lab asks of JupyterLab so that nothing is fetched at run time.
    assert {"--LabApp.news_url=None", "--LabApp.extension_manager=readonly"} <= set(cmd)
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "ws"))
    log = tmp_path / "lab.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*cmd, "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
             "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    server = LabServer(process, port, token, ROOT / "notebooks", log)
    try:
        wait_ready(server, 90)
        with urllib.request.urlopen(server.url("api/contents/00-overview.ipynb?content=0"), timeout=10) as response:
            assert response.status == 200  # served from notebooks/, the course's root in the file browser
        opened = "".join(p.read_text() for p in (tmp_path / "runtime").glob("jpserver-*-open.html"))
        assert f"/lab/tree/00-overview.ipynb?token={token}" in opened, server.log_tail()
    finally:
        server.stop()
