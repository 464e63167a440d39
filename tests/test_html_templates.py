"""HTML comes from templates with autoescaping on (flowlib.views.html), not from f-strings escaped by hand.

The scan below finds every f-string, and every string constant, that writes an HTML element in flowlib/ and
course/launch_course/; the only ones allowed are listed with the reason each may stay.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from flowlib.views.html import environment, render, renderer

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (ROOT / "flowlib", ROOT / "course" / "launch_course")

# An HTML element that flowlib's pages use (SVG's g, rect, text, path... are not among them).
HTML_TAG = re.compile(r"</?(?:a|b|br|code|details|div|em|i|li|ol|p|pre|small|span|strong|summary|table|tbody|td|th|"
                      r"thead|tr|ul|h[1-6]|img|script|style|html|body)\b[^<]*?/?>", re.IGNORECASE)
# Any tag at all, for f-strings: an f-string that writes markup must be one of the exceptions below.
ANY_TAG = re.compile(r"</?[a-zA-Z][\w-]*(?=[\s>/])")

#: Modules (or folders, ending in /) that build other languages than HTML, each with its own escaping.
OTHER_LANGUAGES = {
    "flowlib/views/svg.py": "builds SVG, every text through svgtext's xml_text/xml_attr",
    "flowlib/views/graph.py": "builds DOT, whose HTML-like labels go through dot_string and graphviz's escape",
    "flowlib/reading/": "the reader: regular expressions with named groups, and PlantUML's own <b> autonumber format",
    "flowlib/writing/plantuml.py": "writes PlantUML, whose default autonumber format is <b>0</b>",
}
#: Single strings elsewhere, by module and the text they contain.
ALLOWED = {
    ("flowlib/views/overlay.py", "<text fill="): "recolours flowlib's own SVG (a colour checked by safe_color)",
    ("flowlib/views/overlay.py", '<svg width="100%"'): "rewrites the root tag of flowlib's own SVG to follow its container (numbers only)",
    ("flowlib/views/mermaid.py", "<br/>"): "Mermaid's line break inside a label (Mermaid source, not a page)",
    ("flowlib/views/markup.py", "<code>"): "inline_markdown's substitutions, applied to text it has escaped first",
    ("flowlib/views/markup.py", "<b>"): "inline_markdown's substitutions, applied to text it has escaped first",
    ("flowlib/views/markup.py", "<i>"): "inline_markdown's substitutions, applied to text it has escaped first",
    ("course/launch_course/course.py", "<solution "): "the file name compile() shows in a traceback, not HTML",
    ("course/launch_course/today.py", "<project>"): "an error message that spells a reference's form, not HTML",
}


def _markup_strings():
    """(module, line, text) of every f-string with a tag, and every string constant with an HTML element."""
    found = []
    for package in PACKAGES:
        for path in sorted(package.rglob("*.py")):
            module = path.relative_to(ROOT).as_posix()
            if any(module == other or other.endswith("/") and module.startswith(other) for other in OTHER_LANGUAGES):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            in_fstring = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
            for node in ast.walk(tree):
                if isinstance(node, ast.JoinedStr):
                    text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                    if ANY_TAG.search(text):
                        found.append((module, node.lineno, text))
                elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in in_fstring:
                    if HTML_TAG.search(node.value) and not _is_docstring(tree, node):
                        found.append((module, node.lineno, node.value))
    return found


def _is_docstring(tree, constant) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and first.value is constant:
                return True
    return False


def test_html_is_built_only_by_templates():
    stray = [
        f"{module}:{line}: {text[:60]!r}"
        for module, line, text in _markup_strings()
        if not any(module == where and snippet in text for where, snippet in ALLOWED)
    ]
    assert stray == [], "build HTML with flowlib.views.html.render and a template:\n" + "\n".join(stray)


def test_every_allowed_exception_is_still_needed():
    found = _markup_strings()
    unused = [key for key in ALLOWED if not any(m == key[0] and key[1] in t for m, _, t in found)]
    assert unused == []
    assert all((ROOT / module).exists() for module in OTHER_LANGUAGES)


@pytest.mark.parametrize("package", ["flowlib.views", "launch_course"])
def test_templates_escape_by_default(package):
    env = environment(package)
    assert env.autoescape is True and env.list_templates()
    for name in env.list_templates():
        assert name.endswith(".html.j2"), name


def test_values_are_escaped_as_html_escape_does():
    page = render("hint.html.j2", text="<script>alert('x') & \"y\"</script>")
    assert page == '<p class="flow-hint">&lt;script&gt;alert(&#x27;x&#x27;) &amp; &quot;y&quot;&lt;/script&gt;</p>'
    card = renderer("launch_course")("prompt.html.j2", number=1, prompt="run `ls` <b>")
    assert card == '<p class="flow-prompt" style="line-height:1.4"><b>1.</b> run <code>ls</code> &lt;b&gt;</p>'
