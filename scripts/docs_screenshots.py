"""Regenerate docs/sequence-*.png: PlantUML's rendering and flowlib's sequence SVG, side by side.

Usage: .venv/bin/python scripts/docs_screenshots.py [NAME ...] [--out DIR]

Needs Debian's ``plantuml`` and ``/usr/bin/chromium`` (headless); the corpus diagrams need
../shared/corpus. Nothing is fetched from the network: Chromium runs with background networking off
and loads only local files.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flowlib import parse_file
from flowlib.views.svg import sequence_svg

CORPUS = ROOT.parent / "shared" / "corpus"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
MAX_BYTES = 500_000

#: name -> (diagram file, crop box (x, y, w, h) in diagram pixels or None, scale, "row" or "column")
DIAGRAMS = {
    "seed": (ROOT / "course" / "launch_course" / "content" / "launch-instance.puml", (0, 0, 1500, 1000), 0.62, "row"),
    "seed-full": (ROOT / "course" / "launch_course" / "content" / "launch-instance.puml", None, 0.42, "column"),
    "setwindow": (CORPUS / "sequence" / "106-seq-setwindow-6-1-2.puml", (0, 0, 1800, 1400), 0.5, "row"),
    "traceability": (CORPUS / "sequence" / "056-use-case-sequence-diagram-food-traceabil.puml", None, 0.75, "row"),
    "watcher": (CORPUS / "sequence" / "125-sequence-launch-action-plan-in-applier.puml", None, 1.0, "row"),
    "shapes": (ROOT / "docs" / "sequence-shapes.puml", None, 1.0, "row"),
    "figure8": (CORPUS / "sequence" / "090-figure8.puml", None, 0.8, "row"),
    "figure3": (CORPUS / "sequence" / "086-figure3.puml", None, 0.7, "row"),
    "recovery-trustee": (CORPUS / "sequence" / "062-14-add-recovery-trustee.puml", None, 0.6, "row"),
    "b13": (CORPUS / "sequence" / "032-sequence-b13.puml", (0, 0, 1400, 1100), 0.55, "row"),
}

PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin: 0; background: #fff; font: 15px DejaVu Sans, sans-serif; color: #1F2328; }}
.row {{ display: flex; gap: 16px; padding: 10px; align-items: flex-start; }}
.column {{ display: flex; flex-direction: column; gap: 16px; padding: 10px; align-items: flex-start; }}
.cell {{ border: 1px solid #D0D7DE; }}
.cell h2 {{ font-size: 15px; margin: 0; padding: 6px 10px; background: #F6F8FA; border-bottom: 1px solid #D0D7DE; }}
.clip {{ overflow: hidden; position: relative; }}
.clip img {{ position: absolute; transform-origin: 0 0; }}
</style></head><body><div class="{direction}">{cells}</div></body></html>"""

CELL = """<div class="cell"><h2>{heading}</h2><div class="clip" style="width:{w}px;height:{h}px">
<img src="{src}" style="left:{left}px;top:{top}px;width:{iw}px;height:{ih}px;transform:scale({scale})"></div></div>"""


def png_size(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def plantuml_png(path: Path) -> bytes:
    done = subprocess.run(["plantuml", "-tpng", "-pipe"], stdin=path.open("rb"), capture_output=True, check=True)
    return done.stdout


def cell(heading: str, src: str, size: tuple[float, float], crop, scale: float) -> tuple[str, float, float]:
    iw, ih = size
    x, y, w, h = crop if crop else (0, 0, iw, ih)
    w, h = min(w, iw - x), min(h, ih - y)
    html = CELL.format(heading=heading, src=src, w=round(w * scale), h=round(h * scale), left=-x * scale,
                       top=-y * scale, iw=iw, ih=ih, scale=scale)
    return html, w * scale, h * scale


def screenshot(html: str, width: int, height: int, out: Path, work: Path) -> None:
    page = work / "page.html"
    page.write_text(html, encoding="utf-8")
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--hide-scrollbars", f"--screenshot={out}",
                    f"--window-size={width},{height}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)


def make(name: str, out_dir: Path, work: Path) -> Path:
    if name in DIAGRAMS:
        path, crop, scale, direction = DIAGRAMS[name]
    else:  # an ad-hoc comparison of any .puml file
        path, crop, scale, direction = Path(name), None, 0.6, "row"
        name = path.stem
    if not path.exists():
        raise SystemExit(f"{path} is missing (the corpus lives in ../shared/corpus)")
    theirs = plantuml_png(path)
    ours = sequence_svg(parse_file(str(path)))
    svg_file = work / f"{name}.svg"
    ours.save(svg_file)
    theirs_src = "data:image/png;base64," + base64.b64encode(theirs).decode()
    out = out_dir / f"sequence-{name}.png"
    while True:
        left, lw, lh = cell("PlantUML 1.2020.02 (plantuml -tpng)", theirs_src, png_size(theirs), crop, scale)
        right, rw, rh = cell("flowlib sequence_svg()", svg_file.as_uri(), (ours.width, ours.height), crop, scale)
        if direction == "row":
            width, height = lw + rw + 16 + 2 * 10 + 4, max(lh, rh) + 2 * 10 + 34
        else:
            width, height = max(lw, rw) + 2 * 10 + 2, lh + rh + 16 + 2 * 10 + 2 * 34
        screenshot(PAGE.format(cells=left + right, direction=direction), round(width), round(height), out, work)
        if out.stat().st_size <= MAX_BYTES or scale < 0.2:
            return out
        scale *= 0.85


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=[], metavar="NAME",
                        help=f"one of {', '.join(DIAGRAMS)} (default: all), or the path of a .puml file")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args(argv)
    for tool in ("plantuml", CHROMIUM):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found: install it (sudo apt install plantuml chromium)")
    args.out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.names or DIAGRAMS:
            out = make(name, args.out, Path(tmp))
            print(f"{out} ({out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
