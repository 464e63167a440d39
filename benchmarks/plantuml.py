"""PlantUML's side of the benchmarks: where its jar is, and ParseBench.java compiled against it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

JAR = Path(os.environ.get("PLANTUML_JAR", "/usr/share/plantuml/plantuml.jar"))
HARNESS = Path(__file__).with_name("ParseBench.java")


def missing() -> str | None:
    """Why PlantUML cannot be benchmarked here (a one-line install hint), or None when it can."""
    if shutil.which("plantuml") is None or not JAR.is_file():
        return "PlantUML is not installed: sudo apt-get install -y plantuml (Debian/Ubuntu)"
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
