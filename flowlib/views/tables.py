"""pandas tables of a diagram: messages, participants, activations, phases and the interaction matrix.

pandas is imported here at the top, so that importing this module is what loads it (the diff and
what-if views import it only when a table is asked for). Every table is built from the model alone, has
the columns and dtypes its docstring lists, and comes in a deterministic order. Integer columns are
``int64`` when a value always exists and ``Int64`` (nullable) when it may be missing; text columns are
``string`` (missing values are ``<NA>``, written as empty fields in CSV).
"""

from __future__ import annotations

import hashlib
import re
from typing import Callable, Mapping

import pandas as pd

from flowlib.analysis.arrows import ARROW_STYLES, ROLES, activations, arrow_style, message_depths, message_roles, protocol_tag
from flowlib.analysis.groups import branch_text, group_text, message_groups
from flowlib.model import KINDS, Diagram
from flowlib.views.palette import HIGHLIGHT, colors_key, phase_color

#: Row and column names the interaction matrix gives to the diagram's edges (``[->`` and ``->]``).
LEFT_EDGE = "["
RIGHT_EDGE = "]"


def _frame(columns: dict[str, tuple[list, object]]) -> pd.DataFrame:
    """A DataFrame from ``{name: (values, dtype)}``, keeping the dtypes even when it has no rows."""
    return pd.DataFrame({name: pd.Series(values, dtype=dtype) for name, (values, dtype) in columns.items()})


def _phase_names(diagram: Diagram) -> list[str]:
    """Phase names in order: the dividers' names, then any other phase a message carries."""
    names = dict.fromkeys(d.name for d in diagram.dividers)
    names.update(dict.fromkeys(m.phase for m in diagram.messages if m.phase is not None))
    return list(names)


def _display(diagram: Diagram, code: str | None) -> str | None:
    if code is None:
        return None
    try:
        return diagram.participant(code).display
    except KeyError:  # a hand-built model may name a participant it does not list
        return code


def messages_table(diagram: Diagram) -> pd.DataFrame:
    """One row per message, in step order.

    ============  ========  ==============================================================
    column        dtype     meaning
    ============  ========  ==============================================================
    step          int64     1-based position among the messages
    phase         category  the ``== divider ==`` in effect (categories in diagram order), <NA> before the first
    source        string    participant code of the sender, <NA> when it comes from the edge
    target        string    participant code of the receiver, <NA> when it goes to the edge
    source_name   string    display name of the sender (<NA> at the edge)
    target_name   string    display name of the receiver (<NA> at the edge)
    label         string    the label, lines joined with "\\n" ("" when there is none)
    arrow         category  how it is drawn: solid (``->``) or dotted (``-->``) (:func:`flowlib.analysis.arrows.arrow_style`)
    role          category  what it does: request / reply / async / self / lost / found, also for a reply drawn
                            solid (rules: :func:`flowlib.analysis.arrows.message_roles`)
    protocol      string    tag such as rpc.cast, rpc.call, REST, socket, or <NA> (:func:`flowlib.analysis.arrows.protocol_tag`)
    source_depth  Int64     open activations of the sender at this step (:func:`flowlib.analysis.arrows.message_depths`)
    target_depth  Int64     open activations of the receiver at this step (a bar the message opens counts)
    group         string    the innermost group frame around it: keyword and label (``alt ok``, ``loop 3 times``,
                            a ``group``'s title), <NA> outside every group (:func:`flowlib.analysis.groups.group_text`)
    branch        string    the branch of that group it is in: ``alt: if ok``, ``else: failure``, ``loop: 3 times``
                            (:func:`flowlib.analysis.groups.branch_text`), <NA> outside every group
    stereotype    string    the ``<<stereotype>>`` written after the target (``A -> B <<create>>``), <NA> when none
    slant         Int64     how far the arrow falls, in pixels (``A ->(30) B``: 30), <NA> for a level arrow
    line          int64     source line of the arrow
    ============  ========  ==============================================================

    >>> from flowlib import parse
    >>> messages_table(parse("A -> B: [REST] hi\\nB -> A: ok")).loc[:, ["arrow", "role", "protocol"]].values.tolist()
    [['solid', 'request', 'REST'], ['solid', 'reply', <NA>]]
    >>> messages_table(parse("alt ok\\nA -> B\\nelse failure\\nB -> A\\nend")).loc[:, ["group", "branch"]].values.tolist()
    [['alt ok', 'alt: if ok'], ['alt ok', 'else: failure']]
    >>> messages_table(parse("A ->(30) B <<create>>\\nA -> B")).loc[:, ["stereotype", "slant"]].values.tolist()
    [['<<create>>', 30], [<NA>, <NA>]]
    """
    messages = diagram.messages
    depths = message_depths(diagram)
    roles = message_roles(diagram)
    where = [g.inner if g is not None else None for g in message_groups(diagram)]
    return _frame(
        {
            "step": ([m.step for m in messages], "int64"),
            "phase": ([m.phase for m in messages], pd.CategoricalDtype(_phase_names(diagram), ordered=True)),
            "source": ([m.source for m in messages], "string"),
            "target": ([m.target for m in messages], "string"),
            "source_name": ([_display(diagram, m.source) for m in messages], "string"),
            "target_name": ([_display(diagram, m.target) for m in messages], "string"),
            "label": ([m.label for m in messages], "string"),
            "arrow": ([arrow_style(m) for m in messages], pd.CategoricalDtype(ARROW_STYLES)),
            "role": (list(roles), pd.CategoricalDtype(ROLES)),
            "protocol": ([protocol_tag(m.label) for m in messages], "string"),
            "source_depth": ([d[0] for d in depths], "Int64"),
            "target_depth": ([d[1] for d in depths], "Int64"),
            "group": ([group_text(b) if b is not None else None for b in where], "string"),
            "branch": ([branch_text(b) if b is not None else None for b in where], "string"),
            "stereotype": ([m.stereotype for m in messages], "string"),
            "slant": ([m.slant for m in messages], "Int64"),
            "line": ([m.line for m in messages], "int64"),
        }
    )


def participants_table(diagram: Diagram, components: Mapping | None = None) -> pd.DataFrame:
    """One row per participant, in the diagram's display order.

    ``components`` maps participant codes to objects with ``service`` and ``role`` (as
    an application's own component data gives); without it, or for a code it lacks, those
    two columns are <NA>.

    ============  ========  ==============================================================
    column        dtype     meaning
    ============  ========  ==============================================================
    id            string    participant code, as messages use it
    name          string    display name
    kind          category  participant, actor, boundary, ... (:data:`flowlib.model.KINDS`)
    service       string    the service (a group of participants) from ``components``, or <NA>
    role          string    one-line role from ``components``, or <NA>
    first_step    Int64     first message it sends or receives (<NA> if none)
    last_step     Int64     last message it sends or receives (<NA> if none)
    messages_out  int64     messages it sends (a self message counts once out and once in)
    messages_in   int64     messages it receives
    line          int64     source line of its declaration or first use
    ============  ========  ==============================================================

    >>> from flowlib import parse
    >>> participants_table(parse("Alice -> Bob: hi")).id.tolist()
    ['Alice', 'Bob']
    """
    components = components or {}
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    out: dict[str, int] = {}
    into: dict[str, int] = {}
    for m in diagram.messages:
        for code, counter in ((m.source, out), (m.target, into)):
            if code is None:
                continue
            counter[code] = counter.get(code, 0) + 1
            first.setdefault(code, m.step)
            last[code] = m.step
    people = diagram.participants
    info = [components.get(p.code) for p in people]
    return _frame(
        {
            "id": ([p.code for p in people], "string"),
            "name": ([p.display for p in people], "string"),
            "kind": ([p.kind for p in people], pd.CategoricalDtype(KINDS)),
            "service": ([c.service if c else None for c in info], "string"),
            "role": ([c.role if c else None for c in info], "string"),
            "first_step": ([first.get(p.code) for p in people], "Int64"),
            "last_step": ([last.get(p.code) for p in people], "Int64"),
            "messages_out": ([out.get(p.code, 0) for p in people], "int64"),
            "messages_in": ([into.get(p.code, 0) for p in people], "int64"),
            "line": ([p.line for p in people], "int64"),
        }
    )


def activations_table(diagram: Diagram) -> pd.DataFrame:
    """One row per activation bar, ordered by the line that opens it (rules: :func:`flowlib.analysis.arrows.activations`).

    ==========  =======  ==============================================================
    column      dtype    meaning
    ==========  =======  ==============================================================
    participant string   code of the lifeline
    start_step  Int64    step of the message the ``activate`` follows (0 before any); <NA> for a stray ``deactivate``
    end_step    Int64    step of the message the ``deactivate``/``destroy`` follows; <NA> if never closed
    depth       int64    nesting level on its lifeline, 1 for the outermost bar
    unbalanced  bool     never closed, or closed without being opened
    start_line  Int64    source line of the ``activate`` (or ``++``)
    end_line    Int64    source line of the ``deactivate`` (or ``--``, ``return``, ``destroy``)
    ==========  =======  ==============================================================

    >>> from flowlib import parse
    >>> len(activations_table(parse("Alice -> Bob: hi\\nactivate Bob\\nBob --> Alice: ok\\ndeactivate Bob")))
    1
    """
    bars = activations(diagram)
    return _frame(
        {
            "participant": ([a.participant for a in bars], "string"),
            "start_step": ([a.start_step for a in bars], "Int64"),
            "end_step": ([a.end_step for a in bars], "Int64"),
            "depth": ([a.depth for a in bars], "int64"),
            "unbalanced": ([a.unbalanced for a in bars], "bool"),
            "start_line": ([a.start_line for a in bars], "Int64"),
            "end_line": ([a.end_line for a in bars], "Int64"),
        }
    )


def phases_table(diagram: Diagram) -> pd.DataFrame:
    """One row per phase in diagram order; messages before the first divider get a first row with phase <NA>.

    A divider name used twice is one phase. The ``messages`` column always sums to the number of messages.

    ===============  ======  ==============================================================
    column           dtype   meaning
    ===============  ======  ==============================================================
    phase            string  the divider's name (stripped), <NA> for messages outside any phase
    first_step       Int64   its first message (<NA> for a phase without messages)
    last_step        Int64   its last message
    messages         int64   how many messages it holds
    participants     int64   how many participants send or receive in it
    participant_ids  string  their codes, in the diagram's participant order, joined with ", "
    line             Int64   source line of the divider that first opens it (<NA> for the outside row)
    ===============  ======  ==============================================================

    >>> from flowlib import parse
    >>> phases_table(parse("== login ==\\nAlice -> Bob: hi")).phase.tolist()
    ['login']
    """
    names: list[str | None] = _phase_names(diagram)
    if any(m.phase is None for m in diagram.messages):
        names.insert(0, None)
    divider_line: dict[str, int] = {}
    for d in diagram.dividers:
        divider_line.setdefault(d.name, d.line)
    order = {p.code: i for i, p in enumerate(diagram.participants)}
    steps: dict[str | None, list[int]] = {name: [] for name in names}
    members: dict[str | None, set[str]] = {name: set() for name in names}
    for m in diagram.messages:
        steps[m.phase].append(m.step)
        members[m.phase].update(code for code in (m.source, m.target) if code is not None)
    ids = [sorted(members[n], key=lambda c: (order.get(c, len(order)), c)) for n in names]
    return _frame(
        {
            "phase": (names, "string"),
            "first_step": ([min(steps[n], default=None) for n in names], "Int64"),
            "last_step": ([max(steps[n], default=None) for n in names], "Int64"),
            "messages": ([len(steps[n]) for n in names], "int64"),
            "participants": ([len(i) for i in ids], "int64"),
            "participant_ids": ([", ".join(i) for i in ids], "string"),
            "line": ([divider_line.get(n) if n is not None else None for n in names], "Int64"),
        }
    )


def interaction_matrix(diagram: Diagram) -> pd.DataFrame:
    """Message counts, source (rows, index name "source") × target (columns, name "target"), dtype int64.

    Rows and columns are the participants in diagram order. Messages from or to the diagram's edge
    count in an extra first row/column ``"["`` (left edge) or last ``"]"`` (right edge), present only
    when such messages exist, so the matrix always sums to the number of messages. Self messages sit
    on the diagonal.

    >>> from flowlib import parse
    >>> int(interaction_matrix(parse("Alice -> Bob: hi\\nBob --> Alice: ok")).loc["Alice", "Bob"])
    1
    """
    codes = [p.code for p in diagram.participants]
    known = set(codes)
    for m in diagram.messages:  # a hand-built model may use codes it does not list
        for code in (m.source, m.target):
            if code is not None and code not in known:
                known.add(code)
                codes.append(code)
    ends = []
    for m in diagram.messages:
        if m.exo is None:
            ends.append((m.source, m.target))
            continue
        edge = LEFT_EDGE if m.exo.endswith("left") else RIGHT_EDGE
        ends.append((m.source if m.source is not None else edge, m.target if m.target is not None else edge))
    used = {end for pair in ends for end in pair}
    axis = ([LEFT_EDGE] if LEFT_EDGE in used else []) + codes + ([RIGHT_EDGE] if RIGHT_EDGE in used else [])
    position = {code: i for i, code in enumerate(axis)}
    counts = [[0] * len(axis) for _ in axis]
    for source, target in ends:
        counts[position[source]][position[target]] += 1
    return pd.DataFrame(
        counts,
        index=pd.Index(axis, name="source", dtype="string"),
        columns=pd.Index(axis, name="target", dtype="string"),
        dtype="int64",
    )


#: The tables ``python -m flowlib table NAME`` prints.
TABLES: dict[str, Callable[[Diagram], pd.DataFrame]] = {
    "messages": messages_table,
    "participants": participants_table,
    "activations": activations_table,
    "phases": phases_table,
    "matrix": interaction_matrix,
}


#: The most rows :func:`style_messages` styles by default: a styled table of 300,000 rows takes minutes.
MAX_STYLED_ROWS = 500


def style_messages(frame: pd.DataFrame, highlight: int | None = None, *,
                   colors: Mapping[str, str] | None = None, rows: tuple[int, int] | None = None,
                   max_rows: int | None = MAX_STYLED_ROWS, hide_empty: bool = True):
    """A notebook view of a messages table: each row tinted with its phase colour, labels HTML-escaped.

    With ``hide_empty``, a column with no value in any row of ``frame`` (``stereotype`` and ``slant`` in a
    diagram that uses neither) is left out of the view; the frame keeps it.

    ``highlight`` is a step to outline in the highlight colour; ``colors`` (phase name -> colour)
    overrides the palette's phase colours. A table longer than ``max_rows`` shows a window of that many
    rows (around ``highlight``, else the first ones), with a caption that says which rows it shows and
    how to see others; ``rows=(first, last)`` (1-based, inclusive) picks the window, ``max_rows=None``
    styles every row. Returns a pandas ``Styler`` (its HTML needs jinja2). Its
    HTML ids (``T_<uuid>_row0_col0``) are derived from the table's content, ``highlight`` and
    ``colors`` instead of pandas' random uuid, so a re-executed notebook stores the same HTML, and two
    different tables in one notebook never share an id.

    >>> from flowlib import parse
    >>> styler = style_messages(messages_table(parse("== login ==\\nAlice -> Bob: hi")), highlight=1)
    >>> "#E69F00" in styler.to_html(), "slant" in styler.to_html()
    (True, False)
    """
    if isinstance(frame.get("phase", None), pd.Series) and isinstance(frame["phase"].dtype, pd.CategoricalDtype):
        phases = tuple(frame["phase"].cat.categories)
    else:
        phases = tuple(dict.fromkeys(p for p in frame.get("phase", []) if isinstance(p, str)))
    total = len(frame)
    caption = None
    if rows is None and max_rows is not None and total > max_rows:
        first = 1
        if highlight is not None and "step" in frame:
            at = frame.index[frame["step"] == highlight]
            if len(at):
                first = max(1, min(frame.index.get_loc(at[0]) + 1 - max_rows // 2, total - max_rows + 1))
        rows = (first, first + max_rows - 1)
    if rows is not None:
        first, last = rows
        if not 1 <= first <= last:
            raise ValueError(f"rows must be (first, last) with 1 <= first <= last, not {rows!r}")
        last = min(last, total)
        if (first, last) != (1, total):
            caption = (f"Rows {first:,}–{last:,} of {total:,}. Others: style_messages(frame, rows=(first, "
                       f"last)), or max_rows=None for all (slow on a big table).")
        frame = frame.iloc[first - 1 : last]

    def row_style(row: pd.Series) -> list[str]:
        phase = row.get("phase")
        colour = phase_color(phase if isinstance(phase, str) else None, phases, colors)
        css = f"background-color: {colour}26; border-left: 4px solid {colour}"
        if highlight is not None and row.get("step") == highlight:
            css += f"; font-weight: bold; outline: 2px solid {HIGHLIGHT}"
        return [css] * len(row)

    styler = frame.style.set_uuid(_styler_uuid(frame, highlight, colors))
    if caption:
        styler = styler.set_caption(caption)
    # Text cells wrap (JupyterLab keeps table cells on one line): the table fits the notebook's width.
    styler = styler.set_table_styles([{"selector": "td", "props": WRAP_CELLS},
                                      {"selector": "th", "props": WRAP_CELLS}], overwrite=False)
    styler = styler.apply(row_style, axis=1).format(escape="html", na_rep="").hide(axis="index")
    # (a table without rows keeps its headers: every column of it is "empty")
    empty = [column for column in frame.columns if hide_empty and len(frame) and frame[column].isna().all()]
    return styler.hide(subset=empty, axis="columns") if empty else styler


#: CSS that lets a table cell's text wrap (a long word breaks too) instead of widening the table.
WRAP_CELLS = "white-space: normal; overflow-wrap: anywhere; min-width: 3em;"


def _styler_uuid(frame: pd.DataFrame, highlight: int | None, colors: Mapping[str, str] | None = None) -> str:
    """``messages_<phases>_<hash>``: the phases shown (for a reader of the HTML) and a digest of the content."""
    phases = dict.fromkeys(p for p in frame.get("phase", []) if isinstance(p, str))
    slug = "-".join(re.sub(r"[^A-Za-z0-9]+", "", p) or "x" for p in phases)[:40] or "none"
    content = frame.to_csv(index=True, lineterminator="\n") + f"highlight={highlight}"
    if colors:  # only when given, so the ids of the palette's tables stay as they were
        content += f"colors={colors_key(colors)}"
    return f"messages_{slug}_{hashlib.sha1(content.encode('utf-8')).hexdigest()[:10]}"
