"""PlantUML's side of the benchmarks: where its jar is (1.2026.8, the reference), and ParseBench.java compiled against it.

``PLANTUML_JAR`` chooses the jar (``make bench`` sets it to 1.2026.8's, fetched by ``scripts/ensure-plantuml-jar``);
without it the bench takes 1.2026.8's jar from that cache, else Debian's 1.2020.02.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

DEBIAN_JAR = Path("/usr/share/plantuml/plantuml.jar")
_CACHED = Path(os.environ.get("FLOWLIB_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
               / "flowlib") / "plantuml-1.2026.8" / "plantuml-1.2026.8.jar"
JAR = Path(os.environ.get("PLANTUML_JAR") or (_CACHED if _CACHED.is_file() else DEBIAN_JAR))


def version() -> str:
    """The PlantUML version the bench compares with, from the jar's name (``1.2026.8``, or Debian's ``1.2020.02``)."""
    return "1.2020.02 (Debian)" if JAR == DEBIAN_JAR else JAR.stem.removeprefix("plantuml-")


def command(*args: str) -> list[str]:
    """The command line that runs PlantUML's own CLI with ``args`` (``-checkonly FILE``, ``-tsvg ...``)."""
    return ["java", "-Djava.awt.headless=true", "-jar", str(JAR), *args]
HARNESS = Path(__file__).with_name("ParseBench.java")


def missing() -> str | None:
    """Why PlantUML cannot be benchmarked here (a one-line install hint), or None when it can."""
    if not JAR.is_file():
        return f"PlantUML's jar is not at {JAR}: run scripts/ensure-plantuml-jar (make bench does)"
    if shutil.which("java") is None or shutil.which("javac") is None:
        return "java/javac not found: sudo apt-get install -y default-jdk-headless"
    return None


def compiled_harness() -> Path:
    """The directory holding ParseBench.class, compiled once per (source, jar) into a cache."""
    stat = JAR.stat()
    key = hashlib.sha256(HARNESS.read_bytes() + f"{JAR}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"flowlib-bench-{os.getuid()}" / key
    if not (cache / "ParseBench.class").is_file():
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=cache.parent))
        subprocess.run(
            ["javac", "-nowarn", "-encoding", "UTF-8", "-cp", str(JAR), "-d", str(tmp), str(HARNESS)],
            check=True,
        )
        if cache.exists():
            shutil.rmtree(cache)
        tmp.rename(cache)
    return cache


def warm_parse(files: list[Path], *, warmup: int, runs: int) -> list[dict]:
    """PlantUML's warm parse of each file in one JVM: one result dict per file (see ParseBench.java)."""
    cmd = [
        "java", "-Djava.awt.headless=true", "-Xss16m",
        "-cp", f"{compiled_harness()}{os.pathsep}{JAR}",
        "ParseBench", "--warmup", str(warmup), "--runs", str(runs), *map(str, files),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
