"""The communication view: participants as nodes, messages as edges, laid out by Graphviz's ``dot``.

Rule 1: this is the view that builds ``graphviz`` objects (:mod:`flowlib.cli.render` uses them only to
write files). Rule 2: every text that comes from a
diagram reaches DOT through :func:`dot_string` (a quoted string with backslashes, quotes, newlines and
``&`` escaped) or, in the legend, through :func:`html.escape`; node and edge identifiers are made up here
(``p0``, ``s3``), never taken from the diagram. So ``<<create>>`` or ``"]; x [label="pwned`` stay text.

Building and drawing are kept apart: :func:`communication_view` only writes DOT. Drawing runs ``dot`` once
per diagram and filter set (the layout of the view without a highlight); a highlighted step is then
recoloured into that layout without running ``dot`` again, so a step player pays for ``dot`` once.

A view fits a width: the first of :data:`LAYOUTS` (left to right, then tighter, then top to bottom) that
``dot`` draws narrow enough to show in ``max_width`` pixels with every label at least 11 px is drawn.
"""

from __future__ import annotations

import copy
import html
import os
import shutil
import subprocess
import textwrap
import sys
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

import graphviz

from . import palette
from flowlib.model import Diagram, Message
from flowlib.analysis.select import check_highlight, check_steps, select_messages
from flowlib.analysis.wording import count_noun, describe, display_name, one_line, step_ranges
from flowlib.views.text import step_list
from flowlib.views.display import Displayable
from flowlib.views.overlay import PAGE_ROOM, figures_html, legible_width

#: Node shape for each participant kind (Graphviz has no stick figure: an actor is an ellipse).
KIND_SHAPES = {
    "participant": "box",
    "actor": "ellipse",
    "boundary": "hexagon",
    "control": "octagon",
    "entity": "underline",
    "database": "cylinder",
    "collections": "box3d",
    "queue": "cds",
}

#: Arrow heads for the model's heads: sync filled, async open (``vee``), lost ends on a bar (``tee``).
ARROWHEADS = {"normal": "normal", "async": "vee", "crossx": "tee"}

#: Colours of what a highlight leaves in the background.
FADE = "#C8C8C8"
FADE_TEXT = "#9A9A9A"
LABEL_TEXT = "#333333"
NODE_FILL = "#F7F7F7"
FONT = "Helvetica,Arial,sans-serif"

#: One line telling how to get Graphviz, shown whenever ``dot`` is missing.
INSTALL_HINT = (
    "Graphviz's `dot` program was not found: install it with `sudo apt install graphviz`, "
    "`brew install graphviz` or `conda install -c conda-forge graphviz`."
)

_LABEL_WIDTH = 30


@dataclass(frozen=True, slots=True)
class Layout:
    """How ``dot`` lays a view out: ``rankdir`` (LR or TB), ``ranksep`` (inches between ranks) and
    ``wrap`` (the characters of an edge label's line)."""

    rankdir: str = "LR"
    ranksep: float = 0.6
    wrap: int = _LABEL_WIDTH


#: The layouts a view tries in turn, until one fits its width: left to right as first drawn, then with
#: closer ranks and narrower labels (an edge label is a rank of its own), then top to bottom.
LAYOUTS = (Layout(), Layout("LR", 0.4, 16), Layout("LR", 0.3, 12), Layout("TB", 0.5, 30), Layout("TB", 0.4, 16))

#: Above this many messages a communication view draws one edge per pair unless told otherwise.
AGGREGATE_ABOVE = 300

#: Seconds ``dot`` may take on one layout before the view gives up and says what to do instead.
DOT_TIMEOUT = 30.0


class GraphvizTimeout(RuntimeError):
    """``dot`` did not finish a layout within :data:`DOT_TIMEOUT` seconds."""


class GraphvizWarning(UserWarning):
    """``dot`` warned about a layout (its own words are kept in the message)."""

#: Above this many edges, edge labels are placed after the layout (``xlabel``): see :func:`_dot_lines`.
LABEL_LIMIT = 100
_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", _SVG)
ET.register_namespace("xlink", _XLINK)


#: The same advice, as the title of the Mermaid drawing shown instead (plain text: it goes into YAML quotes).
FALLBACK_TITLE = (
    "Graphviz (dot) not found, so Mermaid draws this view. Install Graphviz: apt install graphviz"
    " | brew install graphviz | conda install -c conda-forge graphviz"
)

_hinted = False


def _hint_once() -> None:
    """Print the install hint on stderr, once per process (a step player redraws many times)."""
    global _hinted
    if not _hinted:
        _hinted = True
        print(INSTALL_HINT, file=sys.stderr)


def dot_string(text: str) -> str:
    r"""``text`` as a quoted DOT string whose every character is shown as itself.

    Backslashes are doubled (no ``\N`` or ``\l`` escapes), quotes escaped, line breaks become centred
    ``\n`` breaks, and ``&`` becomes ``&amp;`` because Graphviz decodes HTML entities in plain labels.

    >>> print(dot_string('say "hi" & <bye>\\'))
    "say \"hi\" &amp; <bye>\\"
    """
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{text}"'


def _wrap(text: str, width: int = _LABEL_WIDTH) -> str:
    """Long labels folded on blanks (words are never cut, so no token is split across lines)."""
    lines = []
    for line in text.split("\n"):
        lines.extend(textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False) or [""])
    return "\n".join(lines)


def _attrs(**attrs) -> str:
    """``[key=value ...]`` from already-safe values (numbers, names, or strings from :func:`dot_string`)."""
    return "[" + " ".join(f"{key}={value}" for key, value in attrs.items() if value is not None) + "]"


@dataclass(frozen=True, slots=True)
class GraphNode:
    """A node: a participant, or the point a message from or to the diagram's edge starts or ends at."""

    id: str
    label: str
    title: str
    kind: str = "participant"
    group: str | None = None
    code: str | None = None


@dataclass(frozen=True, slots=True)
class GraphEdge:
    """An edge: one message (``steps`` has one step) or all messages of one ordered pair, aggregated."""

    id: str
    source: str
    target: str
    label: str
    title: str
    steps: tuple[int, ...]
    colors: tuple[str, ...]
    dashed: bool = False
    head: str = "normal"
    both: bool = False


@dataclass(frozen=True, slots=True)
class GraphPlan:
    """What the communication view draws, before any DOT: nodes, clusters, edges, highlight, legend."""

    title: str
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    groups: tuple[str, ...]
    legend: tuple[tuple[str, str], ...]
    highlight: int | None = None
    note: str = ""  # what the view left out or folded, and how to get it (empty when nothing)

    @property
    def highlight_edge(self) -> str | None:
        """The id of the edge carrying the highlighted step."""
        for edge in self.edges:
            if self.highlight in edge.steps:
                return edge.id
        return None

    @property
    def highlight_nodes(self) -> frozenset[str]:
        """The ids of the two ends of the highlighted edge."""
        for edge in self.edges:
            if self.highlight in edge.steps:
                return frozenset((edge.source, edge.target))
        return frozenset()


def plan_view(
    diagram: Diagram,
    *,
    groups: Mapping[str, str] | None = None,
    aggregate: bool | None = None,
    phase: str | None = None,
    participants: Iterable[str] | None = None,
    steps=None,
    highlight: int | None = None,
    colors: Mapping[str, str] | None = None,
) -> GraphPlan:
    """The nodes and edges of a communication view (see :func:`communication_view` for the arguments).

    >>> from flowlib import parse
    >>> plan = plan_view(parse("Alice -> Bob: hi\\nBob --> Alice: ok"), aggregate=True)
    >>> len(plan.edges)
    2
    """
    shown = select_messages(diagram, phase=phase, participants=participants, steps=steps)
    highlight = check_highlight(diagram, highlight, shown)
    note = ""
    if aggregate is None:
        aggregate = len(shown) > AGGREGATE_ABOVE
        if aggregate:
            note = (f"{len(shown):,} messages, drawn as one edge per pair of participants (aggregate=False draws "
                    f"one edge per message; choose a phase or steps first, dot is slow past a few hundred)")
    phases = diagram.phases  # a property that walks every message: read it once
    filtered = phase is not None or participants is not None or steps is not None
    if groups is None:
        groups = {p.code: p.box for p in diagram.participants if p.box is not None}
    used = {code for m in shown for code in (m.source, m.target) if code is not None}

    nodes, node_of = [], {}
    for index, p in enumerate(diagram.participants):
        if filtered and p.code not in used:
            continue
        label = p.display if p.stereotype is None else f"{p.display}\n{p.stereotype}"
        group = groups.get(p.code)
        node = GraphNode(f"p{index}", label, f"{one_line(p.display)} ({p.kind})", p.kind, group, p.code)
        nodes.append(node)
        node_of[p.code] = node.id
    for code in sorted(used - set(node_of)):  # a message to a participant the list lacks: still drawn
        node = GraphNode(f"p{len(diagram.participants) + len(node_of)}", code, code, code=code)
        nodes.append(node)
        node_of[code] = node.id

    def ends(m: Message, point: str) -> tuple[str, str]:
        source = node_of[m.source] if m.source is not None else point
        target = node_of[m.target] if m.target is not None else point
        return source, target

    def point(ident: str, m: Message) -> GraphNode:
        side = display_name(diagram, None, m.exo)
        return GraphNode(ident, "", side, kind="point", group=None)

    edges = []
    if not aggregate:
        for m in shown:
            if m.exo is not None:
                nodes.append(point(f"x{m.step}", m))
            source, target = ends(m, f"x{m.step}")
            label = f"{m.step}. {m.label}" if m.label.strip() else str(m.step)
            color = palette.phase_color(m.phase, phases, colors)
            edges.append(
                GraphEdge(
                    f"s{m.step}", source, target, label, describe(diagram, m), (m.step,), (color,),
                    dashed=m.dotted, head=m.head, both=m.bidirectional,
                )
            )
    else:
        pairs: dict[tuple, list[Message]] = {}
        for m in shown:
            pairs.setdefault((m.source, m.target, m.exo), []).append(m)
        for index, ((source_code, target_code, exo), messages) in enumerate(pairs.items()):
            first = messages[0]
            if exo is not None:
                nodes.append(point(f"xe{index}", first))
            source, target = ends(first, f"xe{index}")
            step_numbers = tuple(m.step for m in messages)
            edge_colors = tuple(dict.fromkeys(palette.phase_color(m.phase, phases, colors) for m in messages))
            count = len(messages)
            label = f"{count}× (steps {step_ranges(step_numbers, most=8)})" if count > 1 else f"step {first.step}"
            names = f"{display_name(diagram, source_code, exo)} -> {display_name(diagram, target_code, exo)}"
            title = f"{one_line(names)}: {count_noun(count, 'message')}, steps {step_ranges(step_numbers, most=8)}"
            heads = {m.head for m in messages}
            edges.append(
                GraphEdge(
                    f"e{index}", source, target, label, title, step_numbers, edge_colors,
                    dashed=all(m.dotted for m in messages),
                    head=heads.pop() if len(heads) == 1 else "normal",
                    both=any(m.bidirectional for m in messages),
                )
            )

    group_names = tuple(dict.fromkeys(n.group for n in nodes if n.group is not None))
    shown_phases = tuple(dict.fromkeys(m.phase for m in shown if m.phase is not None))
    legend = tuple((name, palette.phase_color(name, phases, colors)) for name in shown_phases)
    title = _title(diagram, phase, steps, participants) + (f"; {note}" if note else "")
    return GraphPlan(title, tuple(nodes), tuple(edges), group_names, legend, highlight, note)


def _title(diagram: Diagram, phase, steps, participants) -> str:
    """The accessible title: the diagram's title (or file) and the filters in force."""
    name = diagram.title or (os.path.basename(diagram.file) if diagram.file else "") or "sequence diagram"
    parts = [f"Communication view of {one_line(name)}"]
    if phase is not None:
        parts.append(f"phase {phase}")
    if steps is not None:
        first, last = check_steps(diagram, steps)
        parts.append(f"steps {first}-{last}")
    if participants is not None:
        parts.append("messages of " + ", ".join(sorted(participants)))
    return "; ".join(parts)


def _dot_lines(plan: GraphPlan, highlighted: bool, layout: Layout = LAYOUTS[0]) -> list[str]:
    """The body of the DOT source in ``layout``; with ``highlighted``, the highlight's colours, else the
    phase colours."""
    hot_edge, hot_nodes = plan.highlight_edge, plan.highlight_nodes
    # dot ranks a "label" as a node of its own: past a hundred edges that costs seconds, so labels are
    # placed after the layout instead ("xlabel"), less tidy but a hundred times cheaper.
    label_key = "label" if len(plan.edges) <= LABEL_LIMIT else "xlabel"
    lines = [
        f"\tgraph [rankdir={layout.rankdir} fontname={dot_string(FONT)} fontsize=11 nodesep=0.35"
        f" ranksep={layout.ranksep:g}"
        f" labelloc=b label={_legend(plan.legend)}]\n",
        f"\tnode [fontname={dot_string(FONT)} fontsize=11 style=filled fillcolor={dot_string(NODE_FILL)}"
        f" color={dot_string('#444444')} margin=\"0.12,0.05\"]\n",
        # Every text at 11 pt (14.7 px): a page may show the view at 3/4 of its size, labels still 11 px.
        f"\tedge [fontname={dot_string(FONT)} fontsize=11 fontcolor={dot_string(LABEL_TEXT)} arrowsize=0.7]\n",
    ]

    def node_line(node: GraphNode, indent: str = "\t\t") -> str:
        attrs: dict = {"id": dot_string(node.id)}
        if node.kind == "point":
            attrs.update(shape="point", width="0.09", label='""')
            color = FADE if highlighted and node.id not in hot_nodes else "#444444"
            if highlighted and node.id in hot_nodes:
                color = palette.HIGHLIGHT
            attrs.update(color=dot_string(color), fillcolor=dot_string(color))
            return f"{indent}{node.id} {_attrs(**attrs)}\n"
        attrs["shape"] = KIND_SHAPES.get(node.kind, "box")
        attrs["label"] = dot_string(node.label)
        if attrs["shape"] == "box":
            attrs["style"] = '"rounded,filled"'
        if highlighted:
            if node.id in hot_nodes:
                attrs.update(color=dot_string(palette.HIGHLIGHT), penwidth="2.5")
            else:
                attrs.update(color=dot_string(FADE), fontcolor=dot_string(FADE_TEXT))
        return f"{indent}{node.id} {_attrs(**attrs)}\n"

    for index, group in enumerate(plan.groups):
        color, text = (FADE, FADE_TEXT) if highlighted else ("#BBBBBB", "#555555")
        lines.append(f"\tsubgraph cluster_{index} {{\n")
        lines.append(
            f"\t\tgraph [id={dot_string(f'g{index}')} label={dot_string(group)} style=rounded"
            f" color={dot_string(color)} fontcolor={dot_string(text)} labeljust=l]\n"
        )
        lines.extend(node_line(n) for n in plan.nodes if n.group == group)
        lines.append("\t}\n")
    lines.extend(node_line(n, "\t") for n in plan.nodes if n.group is None)

    for edge in plan.edges:
        attrs: dict = {"id": dot_string(edge.id), label_key: dot_string(_wrap(edge.label, layout.wrap))}
        attrs["color"] = dot_string(":".join(edge.colors))  # several phases: one parallel line each
        if len(edge.steps) > 1:
            attrs["penwidth"] = f"{min(1 + 0.5 * (len(edge.steps) - 1), 4):g}"
        if highlighted:
            # As many lines as the phase colours, so that the layout (and the drawing) stays the same.
            if edge.id == hot_edge:
                color = ":".join([palette.HIGHLIGHT] * len(edge.colors))
                attrs.update(color=dot_string(color), fontcolor=dot_string(palette.HIGHLIGHT), penwidth="3")
            else:
                attrs.update(color=dot_string(":".join([FADE] * len(edge.colors))), fontcolor=dot_string(FADE_TEXT))
        if edge.dashed:
            attrs["style"] = "dashed"
        if edge.head != "normal":
            attrs["arrowhead"] = ARROWHEADS.get(edge.head, "normal")
        if edge.both:
            attrs["dir"] = "both"
        lines.append(f"\t{edge.source} -> {edge.target} {_attrs(**attrs)}\n")
    return lines


def _legend(legend: tuple[tuple[str, str], ...]) -> str:
    """The phase legend as an HTML-like label (names escaped), or an empty string."""
    if not legend:
        return '""'
    cells = "".join(
        f'<td><font color="{color}">&#9632;</font> {html.escape(one_line(name))}</td>' for name, color in legend
    )
    return f'<<table border="0" cellspacing="4"><tr><td>phases:</td>{cells}</tr></table>>'


class CommunicationView(Displayable, graphviz.Digraph):
    """A ``graphviz.Digraph`` of one communication view, with its text alternative and a cached renderer.

    ``.source`` is the DOT in the first of :data:`LAYOUTS`; :meth:`svg` draws the first layout that fits
    ``max_width`` pixels (see :meth:`layout`), with ``<title>``/``<desc>``; ``.text`` is the step list.
    A notebook shows the drawing as wide as the page (labels never under 11 px); without ``dot``, a
    Mermaid flowchart and the install hint.
    """

    def __init__(self, plan: GraphPlan, text: str, *, max_width: float | None = PAGE_ROOM,
                 name: str = "communication", body=None, **kwargs):
        self.plan = plan
        self._text = text
        self.max_width = max_width
        self._layout_source: str | None = None
        if body is None:
            body = _dot_lines(plan, highlighted=plan.highlight is not None)
        super().__init__(name, body=body, **kwargs)

    def _copy_kwargs(self, **kwargs):
        """graphviz's ``copy()`` rebuilds through ``__init__``: hand it the plan, the text and the width too."""
        kwargs = super()._copy_kwargs(**kwargs)
        kwargs.update(plan=self.plan, text=self._text, max_width=self.max_width)
        return kwargs

    def layout(self) -> Layout:
        """The layout :meth:`svg` draws: the first of :data:`LAYOUTS` whose drawing fits ``max_width``
        pixels with its labels at least 11 px, else the narrowest (the first when ``max_width`` is None,
        or past :data:`LABEL_LIMIT` edges, where each try costs seconds). Runs ``dot``.
        """
        return _choose(replace(self.plan, highlight=None), self.max_width)

    @property
    def layout_source(self) -> str:
        """The DOT ``dot`` lays out (no highlight: every highlight is painted into this layout)."""
        if self._layout_source is None:   # (a view is drawn often: a notebook asks for its SVG three times)
            self._layout_source = _layout_dot(self.plan, self.layout())
        return self._layout_source

    @property
    def text(self) -> str:
        """The text alternative: the shown steps, one per line, the highlighted one marked."""
        return self._text

    def to_text(self) -> str:
        """Same as :attr:`text`."""
        return self._text

    def svg(self) -> str:
        """The view as SVG text with ``<title>`` and ``<desc>``; raises ``graphviz.ExecutableNotFound``.

        ``dot`` runs once per diagram and filter set; highlighted steps reuse that layout.
        """
        return _finish(self.layout_source, self.plan, self._text)

    def _repr_image_svg_xml(self) -> str:
        return self.svg()

    def _mime_types(self) -> dict:
        # Without dot, a notebook still gets a picture (Mermaid) and the step list: the fallback's types.
        if not dot_available():
            return self.fallback()._mime_types()
        try:
            self.svg()  # laid out once and kept; a layout past its time limit shows as text instead
        except GraphvizTimeout as err:
            return {"text/plain": f"{err}\n{self._text}"}
        # The HTML follows the page's width, never below 11 px labels; the SVG stays for other readers.
        return {"text/html": lambda: figures_html([(self.svg(), "")]), "image/svg+xml": self.svg,
                "text/plain": self._text}

    def mermaid(self) -> str:
        """This view as a Mermaid flowchart (what Jupyter shows when ``dot`` is missing)."""
        return mermaid_flowchart(self.plan)

    def fallback(self) -> "GraphFallback":
        """What a notebook shows without ``dot``: the install hint, a Mermaid flowchart, the step list."""
        return GraphFallback(mermaid_flowchart(self.plan, title=FALLBACK_TITLE), self._text)


@dataclass(frozen=True)
class GraphFallback(Displayable):
    """The communication view without Graphviz: Mermaid (JupyterLab 4.1+ draws it) and the text list."""

    source: str
    text: str
    hint: str = INSTALL_HINT

    def to_text(self) -> str:
        """The hint, then the step list."""
        return f"{self.hint}\n{self.text}"

    def _mime_types(self) -> dict:
        _hint_once()
        return {"text/vnd.mermaid": self.source, "text/plain": self.to_text()}


def communication_view(
    diagram: Diagram,
    *,
    groups: Mapping[str, str] | None = None,
    aggregate: bool | None = None,
    phase: str | None = None,
    participants: Iterable[str] | None = None,
    steps=None,
    highlight: int | None = None,
    colors: Mapping[str, str] | None = None,
    max_width: float | None = PAGE_ROOM,
) -> CommunicationView:
    """Who talks to whom: participants as nodes (shape by kind), messages as edges coloured by phase.

    groups: participant code -> cluster name (a service, a host); by default the diagram's own ``box``
    frames. aggregate: one edge per ordered pair, labelled with its count and steps,
    instead of one numbered edge per step; None (the default) aggregates views of more than
    :data:`AGGREGATE_ABOVE` messages and says so in the title. phase, participants (codes; messages touching any of them),
    steps (``(first, last)``): filters, as in :func:`flowlib.analysis.select.select_messages`. highlight: one
    step drawn in :data:`flowlib.views.palette.HIGHLIGHT` with its two ends, the rest greyed.
    colors: phase name -> colour, overriding the palette's phase colours. max_width: the pixels the
    drawing must fit in with its labels at least 11 px (by default a notebook's width on a laptop): the
    first of :data:`LAYOUTS` that does is drawn (None: always the first, left to right).

    >>> from flowlib import parse
    >>> view = communication_view(parse("== login ==\\nAlice -> Bob: hi"), phase="login", highlight=1)
    >>> view.source.startswith("digraph communication {")
    True
    """
    plan = plan_view(
        diagram, groups=groups, aggregate=aggregate, phase=phase, participants=participants,
        steps=steps, highlight=highlight, colors=colors,
    )
    text = step_list(diagram, phase=phase, steps=steps, highlight=highlight, participants=participants)
    return CommunicationView(plan, text, max_width=max_width)


def dot_available() -> bool:
    """True when Graphviz's ``dot`` is on PATH.

    >>> dot_available() in (True, False)
    True
    """
    return shutil.which("dot") is not None


# --- drawing: dot once per layout, then recolouring ---------------------------------------------------


_warned: set[str] = set()


def _report(stderr: bytes) -> None:
    """Say once, in words, what ``dot`` warned about (its stderr would otherwise leak into the notebook)."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    if not lines:
        return
    key = lines[0].split(":", 1)[-1].strip()
    if key in _warned:
        return
    _warned.add(key)
    more = f" (and {len(lines) - 1} more line{'s' if len(lines) > 2 else ''})" if len(lines) > 1 else ""
    warnings.warn(GraphvizWarning(f"Graphviz drew the communication view but warned: {key}{more}. The drawing "
                                  "may place some edges or labels less tidily; nothing is missing from it."),
                  stacklevel=3)


def _layout_dot(plan: GraphPlan, layout: Layout) -> str:
    """The DOT of ``plan`` in ``layout`` without highlight: what ``dot`` lays out."""
    return f"digraph communication {{\n{''.join(_dot_lines(plan, highlighted=False, layout=layout))}}}\n"


@lru_cache(maxsize=64)
def _choose(plan: GraphPlan, max_width: float | None) -> Layout:
    """The first of :data:`LAYOUTS` that ``dot`` draws within ``max_width`` legible pixels, else the narrowest.

    ``plan`` has no highlight: every step of a player is drawn in the layout chosen once for them all.
    """
    if max_width is None or len(plan.edges) > LABEL_LIMIT:
        return LAYOUTS[0]
    widths = []
    for layout in LAYOUTS:
        width = legible_width(_layout(_layout_dot(plan, layout))[0].decode("utf-8"))
        if width <= max_width:
            return layout
        widths.append(width)
    return LAYOUTS[widths.index(min(widths))]


@lru_cache(maxsize=64)
def _layout(layout_source: str) -> tuple[bytes, bytes]:
    """``dot``'s SVG for a view without highlight and its warnings (cached: the layout every highlight
    reuses, or one a view tried for its width). ``dot`` runs under :data:`DOT_TIMEOUT`.
    """
    command = ["dot", "-Tsvg"]
    if shutil.which("dot") is None:
        raise graphviz.ExecutableNotFound(command)
    try:
        done = subprocess.run(command, input=layout_source.encode("utf-8"), capture_output=True,
                              timeout=DOT_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise GraphvizTimeout(
            f"Graphviz's dot did not lay out this communication view within {DOT_TIMEOUT:g} s. Draw fewer "
            "edges: aggregate=True (one edge per pair of participants), or a phase or steps.") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"Graphviz's dot failed: {detail[-1] if detail else done.returncode}")
    return done.stdout, done.stderr


@lru_cache(maxsize=16)
def _layout_tree(layout_source: str) -> ET.Element:
    """The drawn layout as a tree; ``dot``'s warnings about it are reported once, in words (:func:`_report`)."""
    svg, warned = _layout(layout_source)
    _report(warned)
    return ET.fromstring(svg)


def _tag(name: str) -> str:
    return f"{{{_SVG}}}{name}"


_SHAPES = {_tag(n) for n in ("path", "polygon", "polyline", "ellipse")}


def _paint(group: ET.Element, stroke: str | None, text: str | None, width: str | None = None) -> None:
    """Recolour one node, edge or cluster group the way ``dot`` would draw it with these colours."""
    for child in group:
        if child.tag in _SHAPES:
            if stroke is not None and child.get("stroke") not in (None, "transparent", "none"):
                child.set("stroke", stroke)
                if width is not None:
                    child.set("stroke-width", width)
            # Arrow heads and point nodes are filled with their line colour; node fills stay.
            if stroke is not None and child.get("fill") not in (None, "none", "transparent", NODE_FILL.lower()):
                child.set("fill", stroke)
        elif child.tag == _tag("text") and text is not None:
            child.set("fill", text)
        elif child.tag == _tag("g"):  # an <a> or nested group
            _paint(child, stroke, text, width)


@lru_cache(maxsize=256)
def _finish(layout_source: str, plan: GraphPlan, text: str) -> str:
    """The accessible SVG of ``plan``: titles, a description, and the highlight painted into the layout."""
    root = copy.deepcopy(_layout_tree(layout_source))
    titles = {n.id: n.title for n in plan.nodes}
    titles.update({e.id: e.title for e in plan.edges})
    titles.update({f"g{i}": f"group {name}" for i, name in enumerate(plan.groups)})
    hot_edge, hot_nodes = plan.highlight_edge, plan.highlight_nodes
    for group in root.iter(_tag("g")):
        ident, kind = group.get("id", ""), group.get("class", "")
        title = group.find(_tag("title"))
        if title is not None:
            title.text = titles.get(ident, plan.title)
        if plan.highlight is None:
            continue
        hot = palette.HIGHLIGHT.lower()
        if kind == "edge":
            if ident == hot_edge:
                _paint(group, hot, hot, "3")
            else:
                _paint(group, FADE.lower(), FADE_TEXT.lower())
        elif kind == "node":
            if ident in hot_nodes:
                _paint(group, hot, None, "2.5")
            else:
                _paint(group, FADE.lower(), FADE_TEXT.lower())
        elif kind == "cluster":
            _paint(group, FADE.lower(), FADE_TEXT.lower())
    title = ET.Element(_tag("title"))
    title.text = plan.title if plan.highlight is None else f"{plan.title}; step {plan.highlight} highlighted"
    desc = ET.Element(_tag("desc"))
    desc.text = text
    root.insert(0, desc)
    root.insert(0, title)
    root.set("role", "img")
    return ET.tostring(root, encoding="unicode")


# --- Mermaid flowchart: the same plan without Graphviz -------------------------------------------------


def mermaid_flowchart(plan: GraphPlan, *, title: str | None = None) -> str:
    """The plan as a Mermaid ``flowchart`` (clusters as subgraphs, one link per edge, phase colours).

    title: a fixed text of flowlib's own (no quotes or backslashes), shown above the drawing.

    >>> from flowlib import parse
    >>> print(mermaid_flowchart(plan_view(parse("Alice -> Bob: hi"))).splitlines()[0])
    flowchart LR
    """
    from flowlib.views.mermaid import mermaid_text

    def label(text: str) -> str:
        return '"' + (mermaid_text(text) or " ") + '"'  # Mermaid refuses an empty [""]

    shapes = {"database": ('[(', ')]'), "actor": ('([', '])'), "queue": ('[/', '/]'), "collections": ('[[', ']]')}
    out = ["---", f'title: "{title}"', "---"] if title else []
    out += [
        "flowchart LR",
        f"    accTitle: {mermaid_text(plan.title)}",
        f"    accDescr: {count_noun(len(plan.edges), 'edge')} between {count_noun(len(plan.nodes), 'node')}",
    ]

    def node(n) -> str:
        if n.kind == "point":
            return f"{n.id}(( ))"
        left, right = shapes.get(n.kind, ("[", "]"))
        return f"{n.id}{left}{label(n.label)}{right}"

    for index, group in enumerate(plan.groups):
        out.append(f"    subgraph g{index} [{label(group)}]")
        out.extend(f"        {node(n)}" for n in plan.nodes if n.group == group)
        out.append("    end")
    out.extend(f"    {node(n)}" for n in plan.nodes if n.group is None)
    hot = plan.highlight_edge
    styles = []
    for index, edge in enumerate(plan.edges):
        head = {"async": ">", "crossx": "x"}.get(edge.head, ">")
        tail = {">": "<", "x": "x"}[head] if edge.both else ""
        arrow = f"{tail}-.-{head}" if edge.dashed else f"{tail}--{head}"
        out.append(f"    {edge.source} {arrow}|{label(_wrap(edge.label))}| {edge.target}")
        if plan.highlight is None:
            color, width = edge.colors[0], 1.5
        else:
            color, width = (palette.HIGHLIGHT, 3) if edge.id == hot else (FADE, 1)
        styles.append(f"    linkStyle {index} stroke:{color},stroke-width:{width}px")
    out.extend(styles)
    for n in plan.nodes:
        if plan.highlight is not None and n.id in plan.highlight_nodes:
            out.append(f"    style {n.id} stroke:{palette.HIGHLIGHT},stroke-width:3px")
    return "\n".join(out) + "\n"
