"""Build the static course site: every notebook as HTML with working step players, readable offline.

Usage (from the repository root; ``make site`` runs the first)::

    .venv/bin/python -m scripts.site                      # _site/ from the committed, executed notebooks
    .venv/bin/python -m scripts.site --execute            # run every notebook again first
    .venv/bin/python -m scripts.site --solutions --out _site-instructor   # with exercise solutions

Pages come from nbconvert's ``lab`` template extended by ``site/templates/course``, which empties every
block that would load from a CDN (require.js, the widget manager, MathJax, Mermaid). No widget manager is
embedded: the course's widgets are anywidgets, and each one's ES module (stored in the notebook's widget
state) is written to ``assets/`` and run by ``site/assets/widgets.js`` over the widget's stored state,
the same code as in JupyterLab: step players step, quizzes check and progress is kept. Without
JavaScript a player's frames read as a sequence of steps and a quiz as its list of questions.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import shutil
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SITE = ROOT / "site"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
SOLUTIONS_ENV = "COURSE_SOLUTIONS"

#: The line that ends every anywidget module of the course; on the site it registers the module instead.
MODULE_EXPORT = "export default { render };"


class SiteError(RuntimeError):
    """A notebook could not be turned into a page (its widgets are missing or malformed)."""


# ------------------------------------------------------------------------------------------ widgets


def widget_state(nb) -> dict:
    """model id -> {"model_name": ..., "state": {...}} from a notebook's stored widget state ({} if none)."""
    return nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {}) or {}


def player_frames(model: dict) -> list[str]:
    """The frames' HTML, in order, of a stored ``flow-player`` widget."""
    frames = model.get("state", {}).get("frames")
    if not frames or not all(isinstance(f, str) and f for f in frames):
        raise SiteError("a step player whose frames are missing from the widget state")
    return list(frames)


class Modules(dict):
    """The widgets' ES modules of a site, by short hash: written once to ``assets/widget-<hash>.js``."""

    def add(self, esm: str, css: str) -> str:
        if MODULE_EXPORT not in esm:
            raise SiteError(f"a widget module that does not end with {MODULE_EXPORT!r}")
        key = hashlib.sha256((esm + css).encode()).hexdigest()[:12]
        self[key] = (esm, css)
        return key

    def write(self, assets: Path) -> None:
        for key, (esm, css) in self.items():
            # A classic script, not a module: module scripts are refused over file:// (a site opened from disk).
            body = esm.replace(MODULE_EXPORT, f"(window.__siteWidgets = window.__siteWidgets || {{}})[{key!r}] = {{ render }};")
            (assets / f"widget-{key}.js").write_text(f"(function () {{\n{body}\n}})();\n", encoding="utf-8")
            (assets / f"widget-{key}.css").write_text(css, encoding="utf-8")

    def head(self, keys) -> str:
        return "".join(f'<link rel="stylesheet" href="assets/widget-{k}.css"><script src="assets/widget-{k}.js" defer></script>'
                       for k in sorted(keys))


def _json_in_html(value) -> str:
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\/")


def site_widget(key: str, state: dict, fallback: str) -> str:
    """A widget for ``assets/widgets.js`` to draw with module ``key`` over ``state``; ``fallback`` is
    what shows without JavaScript."""
    synced = {k: v for k, v in state.items() if not k.startswith("_") or k == "_dom_classes"}
    return (f'<div class="site-widget" data-module="{key}"><script type="application/json" class="site-state">'
            f'{_json_in_html(synced)}</script><div class="site-fallback">{fallback}</div></div>')


def frames_fallback(frames: list[str]) -> str:
    """A player's frames one after another: what a page without JavaScript shows."""
    items = "".join(f'<li class="site-frame" data-index="{i}">{frame}</li>' for i, frame in enumerate(frames))
    return f'<ol class="site-frames">{items}</ol>'


def unwidget(nb, modules: Modules | None = None) -> dict[str, int]:
    """Replace every widget output by static HTML and drop the widget state; returns counts by kind.

    An anywidget becomes a ``site-widget`` drawn by its own module (collected in ``modules``); the
    notebook's ``metadata.site_modules`` lists the modules its page needs.
    """
    state = widget_state(nb)
    modules = Modules() if modules is None else modules
    used = set()
    counts = {"players": 0, "quizzes": 0, "other": 0}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            model = state.get(data[WIDGET_VIEW].get("model_id", "")) or {}
            values = model.get("state", {})
            classes = values.get("_dom_classes", [])
            del data[WIDGET_VIEW]
            if "_esm" in values:
                key = modules.add(values["_esm"], values.get("_css", ""))
                used.add(key)
                fallback = data.get("text/html", "")
                if "flow-player" in classes:
                    fallback = frames_fallback(player_frames(model))
                    counts["players"] += 1
                elif "flow-quiz" in classes:
                    counts["quizzes"] += 1
                else:
                    counts["other"] += 1
                data["text/html"] = site_widget(key, values, fallback)
            else:
                counts["other"] += 1
                if "text/html" not in data and "text/plain" not in data:
                    data["text/plain"] = "(an interactive widget: open the notebook in JupyterLab)"
    nb.metadata.pop("widgets", None)
    nb.metadata["site_modules"] = sorted(used)
    return counts


# ------------------------------------------------------------------------------------ offline check

#: Attributes that make a browser fetch something (``href`` too: a stylesheet, an icon, a preload).
FETCHING_ATTRS = {"src", "href", "srcset", "data", "poster", "action", "formaction", "background", "xlink:href"}
_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
_CSS_REMOTE = re.compile(r"""(?:url\(\s*|@import\s+)["']?\s*((?:[a-z][a-z0-9+.-]*:)?//[^"')\s]+)""", re.I)
_JS_REMOTE = re.compile(r"""["'`]((?:https?:)?//[^"'`\s]+)""", re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


class _Fetches(HTMLParser):
    """Collects what a page would fetch from another host; ``<a href>`` (a link to click) is only listed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.remote: list[str] = []
        self.links: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self._in = tag if tag in ("style", "script") else None
        if tag == "script" and (dict(attrs).get("type") or "").endswith("json"):
            self._in = None  # data (a widget's stored state), never run: its xmlns strings fetch nothing
        for name, value in attrs:
            if value is None or name.startswith("xmlns"):
                continue
            if name == "style":
                self.remote += [f"<{tag} style> {u}" for u in css_remote(value)]
            if name not in FETCHING_ATTRS:
                continue
            for v in (part.strip().split(" ")[0] for part in value.split(",")) if name == "srcset" else (value,):
                if _REMOTE.match(v):
                    if tag == "a" and name in ("href", "xlink:href"):
                        self.links.append(v)
                    else:
                        self.remote.append(f"<{tag} {name}={v!r}>")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self.remote += [f"<style> {u}" for u in css_remote(data)]
        elif self._in == "script":
            self.remote += [f"<script> {u}" for u in _JS_REMOTE.findall(data)]


def css_remote(css: str) -> list[str]:
    """Remote URLs a stylesheet would load (``url(...)``, ``@import``), comments aside."""
    return _CSS_REMOTE.findall(_CSS_COMMENT.sub("", css))


def remote_fetches(page_html: str) -> tuple[list[str], list[str]]:
    """(what ``page_html`` would fetch from another host, its outbound ``<a>`` links). HTML comments and
    ``xmlns`` attributes are ignored: they fetch nothing."""
    parser = _Fetches()
    parser.feed(page_html)
    parser.close()
    return parser.remote, parser.links


def offline_problems(folder: Path) -> list[str]:
    """Every reference in a built site to something on another host, as ``file: what``."""
    problems = []
    for path in sorted(folder.rglob("*")):
        text = path.read_text(encoding="utf-8") if path.suffix in (".html", ".css", ".js") else None
        if text is None:
            continue
        if path.suffix == ".html":
            found = remote_fetches(text)[0]
        elif path.suffix == ".css":
            found = css_remote(text)
        else:
            found = _JS_REMOTE.findall(text)
        problems += [f"{path.relative_to(folder)}: {what}" for what in found]
    return problems


# ----------------------------------------------------------------------------------------- building


def execute(nb, path: Path, *, solutions: bool, timeout: int = 300) -> None:
    """Run ``nb`` in a fresh kernel from its folder, storing widget state (what the site's players need)."""
    from nbclient import NotebookClient

    saved = os.environ.get(SOLUTIONS_ENV)
    if solutions:
        os.environ[SOLUTIONS_ENV] = "1"
    else:
        os.environ.pop(SOLUTIONS_ENV, None)
    try:
        NotebookClient(
            nb, timeout=timeout, kernel_name="python3", store_widget_state=True,
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
    finally:
        if saved is None:
            os.environ.pop(SOLUTIONS_ENV, None)
        else:
            os.environ[SOLUTIONS_ENV] = saved


def _exporter():
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="course",
        extra_template_basedirs=[str(SITE / "templates")],
    )
    # The template empties these blocks already; empty URLs too, so nothing can reach a CDN.
    for trait in ("require_js_url", "mathjax_url", "widget_renderer_url", "jupyter_widgets_base_url"):
        setattr(exporter, trait, "")
    return exporter


_NOTEBOOK_LINK = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|//|#)([^"#]*?)\.ipynb(#[^"]*)?"')


def title_of(nb, fallback: str) -> str:
    """The notebook's first Markdown heading, as plain text."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#+\s+(.+)$", cell.source, re.M)
            if match:
                return re.sub(r"[`*_]", "", match.group(1)).strip()
    return fallback


def page(nb, name: str, nav: str, head: str = "") -> str:
    """One notebook as a page of the site: links between notebooks point to the pages; ``head`` goes in
    the page's head (its widgets' modules)."""
    resources = {"metadata": {"name": name}, "site_nav": nav, "site_head": head}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return _NOTEBOOK_LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', body)


def index_page(entries: list[tuple[str, str]], *, solutions: bool) -> str:
    """The site's front page: every notebook, in course order."""
    items = "".join(
        f'<li><a href="{html.escape(stem)}.html">{html.escape(title)}</a>'
        f'<span class="site-file">{html.escape(stem)}.ipynb</span></li>'
        for stem, title in entries
    )
    edition = "instructor edition (exercise solutions shown)" if solutions else "learner edition"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
        "<title>How OpenStack launches a virtual machine</title>"
        '<link rel="stylesheet" href="assets/site.css"></head>'
        '<body><main class="site-index">'
        "<h1>How OpenStack launches a virtual machine</h1>"
        f"<p>The course, executed, as static pages ({edition}). Everything here works offline and without "
        "Jupyter: the diagrams and tables are in the pages, and each step player steps through its "
        "pre-rendered frames in the browser (without JavaScript, the steps read one after another). "
        "Quizzes check your answers here too, and your progress is kept in this browser. Exercises run Python, "
        "so they need a kernel: run <code>make lab</code> in a clone of the repository.</p>"
        f"<ol>{items}</ol></main></body></html>\n"
    )


def build(out: Path, *, force_execute: bool = False, solutions: bool = False, names=None, log=print) -> list[Path]:
    """Write the site into ``out`` (emptied first) and return the pages written, index first."""
    notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
    if names:
        notebooks = [p for p in notebooks if any(p.stem.startswith(n) for n in names)]
    if not notebooks:
        raise SiteError(f"no notebook to build in {NOTEBOOKS}")
    if out.exists():
        shutil.rmtree(out)
    (out / "assets").mkdir(parents=True)
    for asset in (SITE / "assets").iterdir():
        shutil.copy2(asset, out / "assets" / asset.name)
    loaded = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        started = time.monotonic()
        # Committed notebooks carry their widget state; one saved from JupyterLab without it is run again.
        ran = force_execute or solutions or not widget_state(nb)
        if ran:
            execute(nb, path, solutions=solutions)
        loaded.append((path, nb, ran, time.monotonic() - started))
    entries = [(path.stem, title_of(nb, path.stem)) for path, nb, _, _ in loaded]
    written = [out / "index.html"]
    (out / "index.html").write_text(index_page(entries, solutions=solutions), encoding="utf-8")
    modules = Modules()
    for i, (path, nb, ran, seconds) in enumerate(loaded):
        counts = unwidget(nb, modules)
        links = []
        if i > 0:
            links.append(f'<a href="{entries[i - 1][0]}.html">&larr; {html.escape(entries[i - 1][1])}</a>')
        if i + 1 < len(entries):
            links.append(f'<a href="{entries[i + 1][0]}.html">{html.escape(entries[i + 1][1])} &rarr;</a>')
        target = out / f"{path.stem}.html"
        head = modules.head(nb.metadata.pop("site_modules", []))
        target.write_text(page(nb, path.stem, "".join(links), head), encoding="utf-8")
        written.append(target)
        how = f"executed in {seconds:.1f} s" if ran else "stored outputs"
        log(f"{target}: {counts['players']} player(s), {counts['quizzes']} quiz(zes), {how}")
    modules.write(out / "assets")
    problems = offline_problems(out)
    if problems:
        raise SiteError("the site would load from the network:\n  " + "\n  ".join(problems))
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.site", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only notebooks whose name starts with these (e.g. 01 07)")
    parser.add_argument("--out", type=Path, default=ROOT / "_site", help="output folder (default: _site)")
    parser.add_argument("--execute", action="store_true", help="run every notebook again before exporting")
    parser.add_argument("--solutions", action="store_true", help="instructor edition: run with COURSE_SOLUTIONS=1")
    args = parser.parse_args(argv)
    try:
        pages = build(args.out, force_execute=args.execute, solutions=args.solutions, names=args.names)
    except SiteError as exc:
        print(f"site: error: {exc}", file=sys.stderr)
        return 1
    print(f"site: {len(pages)} pages in {args.out}; open {args.out / 'index.html'} (no server or network needed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
