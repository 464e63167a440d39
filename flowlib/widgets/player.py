"""The step player: a diagram walked step by step, each frame pre-rendered, stepped in the browser.

What a learner sees at step *i* is decided by plain functions (:func:`frame_html` and the pieces it
joins), so tests need no browser. A :class:`StepPlayer` is an anywidget: it pre-renders every frame once
and ships them with one small ES module (``assets/player.js``, no network), which JupyterLab, Notebook 7,
VS Code and Colab all load. Previous, Play, Next, the slider and the arrow keys all step in the browser:
no round trip, and they keep working after the kernel restarts and on a static page, which runs the same
module. The narration sits beside the diagram, whose window follows the highlighted arrow; a strip of the
participants' heads stays at the top of that window, so their names are in sight however far down it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from importlib.resources import files

import anywidget
import traitlets as T

from flowlib.analysis.arrows import message_roles, protocol_tag
from flowlib.analysis.groups import branch_phrase, message_groups
from flowlib.analysis.memo import per_diagram
from flowlib.model import Diagram, Message
from flowlib.views.palette import HIGHLIGHT, phase_color, text_color
from flowlib.analysis.wording import count_noun, display_name, message_kinds, one_line
from flowlib.analysis.select import check_steps, find_phase
from flowlib.views.html import render
from flowlib.views.text import step_list, step_list_html
from flowlib.widgets.callbacks import widget_mimes
from flowlib.views.display import Displayable

#: Largest number of messages a frame shows when the diagram has no phase to scope it.
WINDOW = 24

#: A phase with more messages than this is shown as a window of :data:`WINDOW` messages around the step.
BIG_PHASE = 200

#: Width in pixels of the band of a wide sequence view a frame shows around its step: what fits beside the
#: narration in a notebook's output area on a laptop (1366 px wide, file browser open) at full size.
FRAME_WIDTH = 560

_ASSETS = files("flowlib.widgets") / "assets"

def _name(diagram: Diagram, code: str | None, exo: str | None = None) -> str:
    return one_line(display_name(diagram, code, exo))


def _message(diagram: Diagram, step: int) -> Message:
    messages = diagram.messages
    if isinstance(step, int) and 1 <= step <= len(messages) and messages[step - 1].step == step:
        return messages[step - 1]  # steps are positions
    for m in messages:
        if m.step == step:
            return m
    raise ValueError(f"the diagram has no step {step} (it has {count_noun(len(diagram.messages), 'message')})")


def _kind(m: Message) -> str:
    return ", ".join(message_kinds(m))


def player_steps(diagram: Diagram, *, phase: str | None = None, steps=None) -> tuple[int, ...]:
    """The steps a player walks through: the phase's messages (or all), narrowed to ``steps`` when given.

    ``steps`` is a step window as every view reads it (``N``, a ``range`` or ``"A-B"``, checked by
    :func:`flowlib.analysis.select.check_steps`), or a list or tuple of the steps themselves, walked in
    that order.

    Raises ValueError for an unknown phase, a step the diagram (or the phase) lacks, or nothing to show.

    >>> from flowlib import parse
    >>> player_steps(parse("== login ==\\nAlice -> Bob: hi\\nBob --> Alice: ok"), phase="login")
    (1, 2)
    """
    if phase is not None:
        phase = find_phase(diagram, phase)  # ValueError naming the known phases
        available = tuple(m.step for m in diagram.phase_messages(phase))
        where = f"phase {phase!r}"
    else:
        available = tuple(m.step for m in diagram.messages)
        where = "the diagram"
    if isinstance(steps, (str, range, int)):
        first, last = check_steps(diagram, steps)
        steps = range(first, last + 1)
    if steps is not None:
        wanted = tuple(int(s) for s in steps)
        missing = [s for s in wanted if s not in available]
        if missing:
            has = f"steps {available[0]} to {available[-1]}" if available else "no steps"
            raise ValueError(f"{where} has no step {missing[0]} (it has {has})")
        available = wanted
    if not available:
        raise ValueError("nothing to step through: the diagram has no messages")
    return available


def context_steps(diagram: Diagram, step: int, *, phase: str | None = None) -> tuple[int, ...]:
    """The messages shown around ``step`` in its frame: the player's phase, else the step's own phase,
    else a window of at most :data:`WINDOW` messages around it (all of them in a small diagram). In a
    phase (or diagram) of more than :data:`BIG_PHASE` messages, the window of :data:`WINDOW` around it.

    >>> from flowlib import parse
    >>> context_steps(parse("Alice -> Bob: hi\\nBob --> Alice: ok"), 2)
    (1, 2)
    """
    scope = phase if phase is not None else _message(diagram, step).phase
    if scope is not None:
        ordered = _phase_steps(diagram).get(scope, ())
        if len(ordered) <= BIG_PHASE:
            return tuple(ordered)
    else:
        ordered = range(1, len(diagram.messages) + 1)
    if len(ordered) <= WINDOW:
        return tuple(ordered)
    at = ordered.index(step)
    if len(ordered) > BIG_PHASE:
        # Fixed windows in a big scope: neighbouring frames share one, so dot lays it out once for them.
        start = min(at // WINDOW * WINDOW, len(ordered) - WINDOW)
    else:
        start = max(0, min(at - WINDOW // 2, len(ordered) - WINDOW))
    return tuple(ordered[start : start + WINDOW])


@per_diagram
def _phase_steps(diagram: Diagram) -> dict[str, tuple[int, ...]]:
    """Phase name -> its steps, computed once per diagram (a player asks for every frame)."""
    steps: dict[str, list[int]] = {}
    for m in diagram.messages:
        if m.phase is not None:
            steps.setdefault(m.phase, []).append(m.step)
    return {name: tuple(found) for name, found in steps.items()}


def _lookup(narration, step: int):
    """The narration for ``step`` from a mapping, a callable or an object with ``.narration``; None if absent."""
    if narration is None:
        return None
    try:
        if isinstance(narration, Mapping):
            return narration.get(step)
        if callable(narration):
            return narration(step)
        return narration.narration(step)
    except (KeyError, LookupError):
        return None


def lane_html(value) -> str:
    """A lane entry as HTML: an object's ``_repr_html_()``, else its text, escaped ("" for None).

    >>> lane_html("a < b"), lane_html(None)
    ('a &lt; b', '')
    """
    import html

    if value is None:
        return ""
    if hasattr(value, "_repr_html_"):
        return value._repr_html_() or ""
    return html.escape(str(value))


def narration_html(diagram: Diagram, step: int, narration=None) -> str:
    """The narration block of a frame: what happens, why, over which protocol, what a failure looks like.

    ``narration`` is an object with ``what``, ``why``, ``protocol`` and ``if_it_fails`` (and optionally
    ``now``), such as a course's narration entry, or None, which gives a plain description of the arrow.

    >>> from flowlib import parse
    >>> "Alice sends" in narration_html(parse("Alice -> Bob: hi"), 1)
    True
    """
    m = _message(diagram, step)
    source, target = _name(diagram, m.source, m.exo), _name(diagram, m.target, m.exo)
    if narration is None:
        said = f" “{one_line(m.label)}”" if one_line(m.label) else " a message"
        rows = [("what", "What", f"{source} sends{said} to {target} ({_kind(m)}).")]
    else:
        rows = [
            ("what", "What", narration.what),
            ("why", "Why", narration.why),
            ("protocol", "Protocol", narration.protocol),
            ("fails", "If it fails", narration.if_it_fails),
            ("now", "Today", getattr(narration, "now", "")),
        ]
    # A narration whose fields are HTML already (``is_html``, such as a course's glossed narration) goes in as is.
    mode = "text" if narration is None else "html" if getattr(narration, "is_html", False) else "markdown"
    return render("narration.html.j2", rows=rows, mode=mode, highlight=HIGHLIGHT)


def table_html(diagram: Diagram, steps: Iterable[int], current: int | None = None) -> str:
    """The messages ``steps`` as an HTML table (the columns of :func:`flowlib.views.tables.messages_table` a learner
    reads first); the row of ``current`` has class ``flow-current`` and ``aria-current="step"``.

    >>> from flowlib import parse
    >>> 'class="flow-current"' in table_html(parse("Alice -> Bob: hi"), [1], current=1)
    True
    """
    wanted = set(steps)
    roles = message_roles(diagram)
    rows = []
    for m in diagram.messages:
        if m.step not in wanted:
            continue
        cells = (
            m.step,
            _name(diagram, m.source, m.exo),
            _name(diagram, m.target, m.exo),
            one_line(m.label),
            roles[m.step - 1],
            protocol_tag(m.label) or "",
        )
        rows.append((m.step, cells, m.step == current))
    return render("message_table.html.j2", rows=rows, highlight=HIGHLIGHT)


def _inline_svg(svg: str) -> str:
    """SVG text ready to sit inside HTML: no XML prolog or doctype."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def _window(steps: tuple[int, ...]) -> tuple[int, int]:
    return (min(steps), max(steps))


def sequence_html(diagram: Diagram, step: int, steps: tuple[int, ...], phase: str | None = None,
                  colors: Mapping[str, str] | None = None, width: float = FRAME_WIDTH) -> str:
    """The sequence view of ``phase`` (else of the ``steps`` window) with ``step`` highlighted, as inline SVG,
    after a strip of its participants' heads that stays at the top of the window (:func:`heads_html`).

    >>> from flowlib import parse
    >>> sequence_html(parse("Alice -> Bob: hi"), 1, (1,)).count("<svg")
    2
    """
    from flowlib.views.svg import sequence_svg

    # Labels and notes wrapped to half the band: a long label would widen the band past the narration's
    # neighbour column, and the drawing would then be scaled below a legible size.
    if phase is not None:
        svg = sequence_svg(diagram, phase=phase, highlight=step, focus_width=width, colors=colors,
                           numbers="steps", wrap=width / 2)
    else:
        svg = sequence_svg(diagram, steps=_window(steps), highlight=step, focus_width=width, colors=colors,
                           numbers="steps", wrap=width / 2)
    return heads_html(svg.heads) + _inline_svg(svg.source)


def heads_html(strip) -> str:
    """A :class:`flowlib.views.svg.HeadStrip` as HTML that stays at the top of the scrolling window it is the
    first child of, lying exactly over the drawing's own heads until the drawing scrolls under it.

    >>> from flowlib import parse, sequence_svg
    >>> html = heads_html(sequence_svg(parse("Alice -> Bob: hi"), highlight=1).heads)
    >>> 'aria-hidden="true"' in html and "position:sticky" in html and ">Alice<" in html
    True
    """
    def at_scale(y: float) -> str:  # y px of the drawing, as shown: at most its width, the window's
        return f"min({y:.1f}px, {100 * y / strip.width:.3f}%)"

    return render("heads.html.j2", svg=strip.source, top=at_scale(strip.top),
                  pull=f"calc(-1 * {at_scale(strip.bottom)})")


def communication_html(
    diagram: Diagram, step: int | None, steps: tuple[int, ...], *, phase: str | None = None, groups=None,
    colors: Mapping[str, str] | None = None, width: float = FRAME_WIDTH,
) -> str:
    """The communication view of ``phase`` (else of the ``steps`` window) with ``step`` highlighted, as inline
    SVG laid out to fit ``width`` pixels if it can and shrunk no further than 11 px labels; a one-line hint
    instead when Graphviz's dot is missing. dot lays each view out once; highlights reuse it.

    >>> from flowlib import parse
    >>> html = communication_html(parse("Alice -> Bob: hi"), 1, (1,))
    >>> html.startswith("<svg") or "Graphviz" in html
    True
    """
    from flowlib.views.graph import INSTALL_HINT, communication_view, dot_available
    from flowlib.views.overlay import fit_width

    if not dot_available():
        return render("hint.html.j2", text=f"Communication view skipped. {INSTALL_HINT}")
    window = {"phase": phase} if phase is not None else {"steps": _window(steps)}
    view = communication_view(diagram, groups=groups, highlight=step, colors=colors, max_width=width, **window)
    return fit_width(_inline_svg(view.svg()))


def frame_html(
    diagram: Diagram,
    step: int,
    *,
    phase: str | None = None,
    narration=None,
    groups=None,
    position: int | None = None,
    total: int | None = None,
    communication: str | None = None,
    colors: Mapping[str, str] | None = None,
    lane: str = "",
    width: float = FRAME_WIDTH,
) -> str:
    """Everything a player shows at ``step``: a heading (which says the branch of a group frame the step is
    in, such as ``in branch 'else: failure' of alt 'reschedule'``, in ``.flow-branch``), the narration (and ``lane``, HTML shown under it),
    the sequence and communication views with the step highlighted, and the message table with its row
    marked. A sequence view wider than ``width`` pixels shows a band of that width around the step.

    The root element carries ``data-step``; the table row has class ``flow-current``; the narration sits in
    ``.flow-narration``; the sequence view's window opens with its head strip, ``.flow-heads``. ``narration`` is the step's narration object (or None); ``communication`` is the
    pre-rendered communication view (rendered here when None); ``colors`` (phase name -> colour)
    overrides the palette's phase colours. Every label is escaped.

    >>> from flowlib import parse
    >>> 'data-step="2"' in frame_html(parse("Alice -> Bob: hi\\nBob --> Alice: ok"), 2)
    True
    """
    m = _message(diagram, step)
    phase = find_phase(diagram, phase) if phase is not None else None
    shown = context_steps(diagram, step, phase=phase)
    if phase is not None and len(_phase_steps(diagram).get(phase, ())) > BIG_PHASE:
        phase = None  # a big phase: the views show the window around the step, as the table does
    where = f"Step {position} of {total} · " if position is not None and total is not None else ""
    if communication is None:
        communication = communication_html(diagram, step, shown, phase=phase, groups=groups, colors=colors,
                                           width=width)
    sequence = sequence_html(diagram, step, shown, phase, colors, width)
    return render(
        "frame.html.j2",
        step=m.step,
        position=position or "",
        where=where,
        phase=m.phase,
        color=text_color(phase_color(m.phase, diagram.phases, colors)),  # as text: 4.5:1 on white
        source=_name(diagram, m.source, m.exo),
        target=_name(diagram, m.target, m.exo),
        label=one_line(m.label),
        branch=_branch(diagram, m),
        narration=narration_html(diagram, step, narration),
        sequence=sequence,
        table=table_html(diagram, shown, step),
        communication=communication,
        lane=lane,
    )


def _branch(diagram: Diagram, m: Message) -> str:
    """The group branch ``m`` is in, as a phrase (:func:`flowlib.analysis.groups.branch_phrase`), or ""."""
    where = message_groups(diagram)
    if 0 < m.step <= len(where) and diagram.messages[m.step - 1] is m:
        return branch_phrase(where[m.step - 1])
    return ""


#: The most steps a :class:`StepPlayer` draws frames for unless told otherwise (each frame is drawn up front).
MAX_PLAYER_STEPS = 300


def left_out_html(diagram: Diagram, steps: tuple[int, ...], kept: int) -> str:
    """What a player capped at ``kept`` of ``steps`` leaves out, and the phases to play instead (HTML).

    >>> from flowlib import parse
    >>> d = parse("== a ==\\nA -> B\\nB -> A\\n== b ==\\nA -> B")
    >>> "plays the first 2 of 3 steps" in left_out_html(d, (1, 2, 3), 2)
    True
    """
    spans: dict[str, list[int]] = {}
    for m in diagram.messages:
        if m.phase is not None:
            span = spans.setdefault(m.phase, [m.step, m.step, 0])
            span[1] = m.step
            span[2] += 1
    phases = [(repr(name), count_noun(n, "step"), a, b) for name, (a, b, n) in list(spans.items())[:12]]
    return render("left_out.html.j2", kept=f"{kept:,}", total=f"{len(steps):,}", first=steps[0],
                  last=steps[kept - 1], phases=phases, more=max(0, len(spans) - 12))


class StepPlayer(Displayable, anywidget.AnyWidget):
    """Previous, Play, Next and a slider over pre-rendered frames, one per step, stepped in the browser.

    ``narration`` and ``lane`` are each a mapping or a callable from a step to what to show (a missing
    step shows nothing): ``narration`` gives a narration object (see :func:`narration_html`); ``lane`` a
    short text or an object with ``_repr_html_``, shown under the narration (what a learner would observe
    at that step, say). ``colors`` (phase name -> colour) overrides the palette's phase colours; ``width``
    is the band of a wide sequence view around each step, in pixels. ``index`` (0-based) is the frame shown.
    Frames are drawn up front, so a player walks at most ``max_steps`` steps: past that it plays the first
    ones and says above them which phases and steps hold the rest (``phase=...`` or ``steps=...`` picks
    them; None lifts the cap).

    >>> from flowlib import parse
    >>> StepPlayer(parse("== login ==\\nAlice -> Bob: hi\\nBob --> Alice: ok"), phase="login")
    StepPlayer(phase='login', 2 steps)
    """

    _esm = (_ASSETS / "player.js").read_text(encoding="utf-8")
    _css = (_ASSETS / "player.css").read_text(encoding="utf-8")
    frames = T.List(T.Unicode(), help="each step's frame, as HTML").tag(sync=True)
    steps = T.List(T.Int(), help="the message number of each frame").tag(sync=True)
    index = T.Int(0, help="the frame shown (0-based)").tag(sync=True)
    interval = T.Int(2500, help="milliseconds per step when playing").tag(sync=True)
    title = T.Unicode("Step player", help="the player's accessible name").tag(sync=True)
    notice = T.Unicode("", help="HTML above the controls: what a capped player leaves out").tag(sync=True)

    def __init__(
        self,
        diagram: Diagram,
        *,
        phase: str | None = None,
        steps=None,  # as player_steps reads it: a window ("A-B", N, a range) or the steps in order
        narration=None,
        lane=None,
        groups=None,
        colors: Mapping[str, str] | None = None,
        interval: int = 2500,
        width: float = FRAME_WIDTH,
        max_steps: int | None = MAX_PLAYER_STEPS,
        **kwargs,
    ):
        self.diagram = diagram
        self.phase = phase = find_phase(diagram, phase) if phase is not None else None
        walked = player_steps(diagram, phase=phase, steps=steps)
        notice = ""
        if max_steps is not None and len(walked) > max_steps:  # frames are drawn up front: cap them
            notice = left_out_html(diagram, walked, max_steps)
            walked = walked[:max_steps]
        total = len(walked)
        frames = [
            frame_html(diagram, step, phase=phase, narration=_lookup(narration, step), groups=groups,
                       position=position, total=total, colors=colors, lane=lane_html(_lookup(lane, step)),
                       width=width)
            for position, step in enumerate(walked, start=1)
        ]
        scope = f"phase {phase}" if phase is not None else f"messages {walked[0]} to {walked[-1]}"
        super().__init__(frames=frames, steps=list(walked), interval=interval, notice=notice,
                         title=f"Step player: {scope}, {count_noun(total, 'step')}", **kwargs)
        self.add_class("flow-player")

    def _scope(self) -> dict:
        if self.phase is not None:
            return {"phase": self.phase}
        return {"steps": (min(self.steps), max(self.steps))}

    def step_to(self, position: int) -> None:
        """Show the frame at ``position`` (0-based), clamped to the ends."""
        self.index = min(max(position, 0), len(self.frames) - 1)
        self.send_state("index")   # even when unchanged here: the browser moves it without telling the kernel

    def text(self) -> str:
        """The player's steps as plain text, one line each: what a reader without widgets should see."""
        return step_list(self.diagram, **self._scope())

    def __repr__(self) -> str:
        scope = f"phase={self.phase!r}, " if self.phase is not None else ""
        return f"StepPlayer({scope}{count_noun(len(self.steps), 'step')})"

    def _mime_types(self) -> dict:
        # Readers without a widget manager (GitHub's viewer, a plain HTML export) get the steps as a list.
        return {**widget_mimes(self),
                "text/html": lambda: step_list_html(self.diagram, **self._scope())}
