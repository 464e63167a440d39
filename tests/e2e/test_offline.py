"""scripts/offline, which ``make test`` runs the notebooks through: no network inside but loopback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OFFLINE = ROOT / "scripts" / "offline"

PROBE = """
import socket, sys
server = socket.create_server(("127.0.0.1", 0))
port = server.getsockname()[1]
socket.create_connection(("127.0.0.1", port), timeout=2).close()   # loopback works: kernels can talk
try:
    socket.create_connection(("192.0.2.1", 80), timeout=2)           # TEST-NET-1: any route out?
except OSError as exc:
    print("no-route", exc.errno)
else:
    print("connected")
print("interfaces", sorted(name for _, name in socket.if_nameindex()))
"""


def _can_cut_network() -> str | None:
    """Why scripts/offline would fall back here, or None when it can cut the network."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return "unshare or ip is missing"
    probe = subprocess.run(
        ["unshare", *([] if os.geteuid() == 0 else ["-r"]), "-n", "true"], capture_output=True
    )
    return None if probe.returncode == 0 else "this system refuses network namespaces"


def test_make_test_runs_the_notebooks_through_scripts_offline():
    makefile = (ROOT / "Makefile").read_text()
    assert "scripts/offline $(BIN)/python -m pytest notebooks" in makefile
    assert "$(BIN)/python -m pytest tests" in makefile


def test_the_second_run_of_make_test_collects_no_notebook():
    # pyproject's testpaths name notebooks/, and --ignore does not filter testpaths: naming tests/ must.
    done = subprocess.run([sys.executable, "-m", "pytest", "tests", "--collect-only", "-q", "-p", "no:cacheprovider"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    collected = [line for line in done.stdout.splitlines() if "::" in line]
    assert collected and not [line for line in collected if ".ipynb" in line]


def test_inside_only_loopback_is_up_and_nothing_leaves():
    reason = _can_cut_network()
    if reason:
        pytest.skip(f"scripts/offline falls back here ({reason}); run as root with util-linux and iproute2")
    done = subprocess.run([str(OFFLINE), sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "no network but loopback" in done.stderr
    lines = dict(line.split(" ", 1) for line in done.stdout.strip().splitlines())
    assert "connected" not in lines
    assert lines["no-route"] == "101", "expected ENETUNREACH (101): the namespace has no route out"
    assert lines["interfaces"] == "['lo']"


def test_falls_back_with_a_reason_when_the_network_cannot_be_cut(tmp_path):
    # A PATH without unshare: the command still runs, and the reason is printed.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sh", "id", "echo"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    done = subprocess.run(
        ["/bin/sh", str(OFFLINE), sys.executable, "-c", "print('ran')"],
        capture_output=True, text=True, env={"PATH": str(bin_dir)}, timeout=30,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ran"
    assert "cannot cut the network: unshare is missing" in done.stderr
