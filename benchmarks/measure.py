"""Timing helpers: child processes with their own peak memory, medians, in-process timings."""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """One child process: wall time in seconds, peak resident memory in MB, exit status."""

    seconds: float
    peak_mb: float
    status: int


@dataclass(frozen=True)
class Sample:
    """Several runs of one command: medians of time and of peak memory."""

    runs: tuple[Run, ...]

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return statistics.median(r.peak_mb for r in self.runs)

    @property
    def ok(self) -> bool:
        return all(r.status == 0 for r in self.runs)


# GNU time measures a child from a tiny parent. A child forked from this (large) Python process
# inherits its peak RSS: Linux carries the parent's high-water mark into the child at exec.
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
with open(os.environ["FLOWLIB_BENCH_RUSAGE"], "w") as fh:
    fh.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_child(cmd: list[str], *, cwd=None, env=None, timeout: float = 900) -> Run:
    """Run ``cmd`` (output discarded) and measure it alone: wall time and its own peak RSS.

    The peak comes from GNU time (``/usr/bin/time -f %M``) when it is installed, else from a small
    ``python -I -S`` launcher: both start the command from a process of a few MB, so the number is
    the command's own, not this benchmark's.
    """
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "rusage")
        if GNU_TIME:
            wrapped = [GNU_TIME, "-f", "%M", "-o", report, *cmd]
        else:
            wrapped = [sys.executable, "-I", "-S", "-c", _LAUNCHER, *cmd]
            env = {**(env or os.environ), "FLOWLIB_BENCH_RUSAGE": report}
        with open(os.path.join(tmp, "stderr"), "w+b") as err:
            # Not subprocess.run(timeout=...): waiting with a timeout polls with sleeps of up to 50 ms,
            # which would add tens of milliseconds to a 0.1 s run. A timer kills a runaway child instead.
            start = time.perf_counter()
            child = subprocess.Popen(wrapped, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
            killer = threading.Timer(timeout, child.kill)
            killer.start()
            try:
                status = child.wait()
            finally:
                killer.cancel()
            seconds = time.perf_counter() - start
            if status != 0:
                err.seek(0)
                tail = err.read().decode(errors="replace").strip().splitlines()[-3:]
                print(f"    ! {' '.join(cmd[:4])} ... exited {status}: {' / '.join(tail)}")
        try:
            with open(report, encoding="utf-8") as fh:
                kb = float(fh.read().strip().splitlines()[-1])
        except (OSError, ValueError, IndexError):
            kb = float("nan")
    return Run(seconds, kb / 1024, status)  # ru_maxrss and %M are in KB on Linux


# Children run as on a user's machine: Python may write and use its bytecode cache (__pycache__).
# A sandbox or CI often sets PYTHONDONTWRITEBYTECODE, which would make every run of flowlib compile
# its modules from source again (about 25 ms), a cost no user pays after the first run.
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def sample(cmd: list[str], runs: int, **kwargs) -> Sample:
    """``runs`` timed runs of ``cmd``, one after the other, after one untimed run.

    The untimed run is a user's first: it writes Python's bytecode cache and brings the program's
    files (the JVM and PlantUML's jar, Python and flowlib) into the page cache, for both tools alike.
    """
    kwargs.setdefault("env", USER_ENV)
    run_child(cmd, **kwargs)
    return Sample(tuple(run_child(cmd, **kwargs) for _ in range(runs)))


def sample_pair(first: list[str], second: list[str], runs: int, **kwargs) -> tuple[Sample, Sample]:
    """``runs`` timed runs of each command, alternating (first, second, first...), after one untimed run of
    each; ``kwargs`` go to every run, as in :func:`sample`.

    On a shared machine whose speed drifts from minute to minute, alternating gives both commands the same
    machine: timing one command's runs and then the other's compares two different moments.
    """
    kwargs.setdefault("env", USER_ENV)
    run_child(first, **kwargs)
    run_child(second, **kwargs)
    a, b = [], []
    for _ in range(runs):
        a.append(run_child(first, **kwargs))
        b.append(run_child(second, **kwargs))
    return Sample(tuple(a)), Sample(tuple(b))


def time_calls(fn, *, warmup: int, runs: int) -> list[float]:
    """Seconds taken by each of ``runs`` calls of ``fn()`` after ``warmup`` untimed ones.

    The clock stops when ``fn`` returns: its result is freed after that, as a caller keeps what it asked
    for (a parse's model), and as PlantUML's JVM collects its diagrams later, not in the timed call.
    """
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        del result
    return times


def traced_memory(fn) -> tuple[float, float]:
    """(peak MB while ``fn()`` runs, MB still held by its result) as tracemalloc counts them."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        result = fn()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return (peak - base) / 2**20, (current - base) / 2**20
