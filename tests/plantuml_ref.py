"""The PlantUML the parser tests compare with: 1.2026.8 (the reference), and Debian's 1.2020.02 (the second one).

``make test`` fetches 1.2026.8's jar (``scripts/ensure-plantuml-jar``) and exports ``PLANTUML_JAR``; run by
hand, the tests look for it in the same cache. ``oracle()`` asks ``../shared/tools/puml-oracle`` for PlantUML's
own parse of many files in one JVM.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ORACLE = SHARED / "tools" / "puml-oracle" / "oracle"
_CACHE = Path(os.environ.get("FLOWLIB_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
              / "flowlib")
JAR_2026 = Path(os.environ.get("PLANTUML_JAR") or _CACHE / "plantuml-1.2026.8" / "plantuml-1.2026.8.jar")
JAR_2020 = Path("/usr/share/plantuml/plantuml.jar")


def _missing(jar: Path) -> str | None:
    if not ORACLE.exists():
        return f"check out ../shared (the oracle is not at {ORACLE})"
    if not (shutil.which("java") and shutil.which("javac")):
        return "install Java (apt-get install -y default-jdk-headless) to compare with PlantUML"
    if not jar.is_file():
        return f"PlantUML's jar is not at {jar}: run scripts/ensure-plantuml-jar (make test does)"
    return None


needs_plantuml = pytest.mark.skipif(_missing(JAR_2026) is not None, reason=str(_missing(JAR_2026)))
needs_plantuml_2020 = pytest.mark.skipif(_missing(JAR_2020) is not None,
                                         reason="install plantuml (apt-get install -y plantuml): 1.2020.02")


def oracle(paths: list[str], jar: Path = JAR_2026) -> dict[str, dict]:
    """PlantUML's parse of each file (by the path given), all in one JVM."""
    proc = subprocess.run([str(ORACLE), "--jsonl", "--stdin"], input="\n".join(map(str, paths)), capture_output=True,
                          text=True, timeout=600, env={**os.environ, "PLANTUML_JAR": str(jar)})
    records = {r["file"]: r for r in map(json.loads, proc.stdout.splitlines())}
    assert len(records) == len(paths), proc.stderr
    return records


def readable(paths: list[Path]) -> list[Path]:
    """The corpus files PlantUML 1.2026.8 reads as sequence diagrams (it refuses a few that 1.2020 took)."""
    folder = SHARED / "corpus" / "expected-1.2026"
    kept = []
    for path in paths:
        expected = folder / f"{path.stem}.expected.json"
        if expected.exists():
            record = json.loads(expected.read_text(encoding="utf-8"))
            if not (record["ok"] and record["diagram_type"] == "sequence"):
                continue
        kept.append(path)
    return kept
