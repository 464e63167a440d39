"""Timing helpers: child processes with their own peak memory, medians, in-process timings."""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import tempfile
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


def run_child(cmd: list[str], *, cwd=None, env=None, timeout: float = 600) -> Run:
    """Run ``cmd`` (output discarded) and measure it alone: wall time and its own peak RSS.

    ``os.wait4`` gives the rusage of this child (and the processes it waited for), unlike
    ``getrusage(RUSAGE_CHILDREN)``, which keeps the maximum over every child so far.
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; keep Popen from waiting again
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace").strip().splitlines()[-3:]
            print(f"    ! {' '.join(cmd[:4])} ... exited {proc.returncode}: {' / '.join(tail)}")
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode)  # ru_maxrss is in KB on Linux


def sample(cmd: list[str], runs: int, **kwargs) -> Sample:
    """``runs`` runs of ``cmd``, one after the other."""
    return Sample(tuple(run_child(cmd, **kwargs) for _ in range(runs)))


def time_calls(fn, *, warmup: int, runs: int) -> list[float]:
    """Seconds taken by each of ``runs`` calls of ``fn()`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
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
