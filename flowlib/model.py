"""The diagram model: immutable records of what a PlantUML sequence diagram says.

Rule 1: this module imports nothing from flowlib but :mod:`flowlib.records` (frozen dataclass-like
records, which imports nothing). The parser builds these objects; tables, views, widgets, the writer
and the diff only read them. Nothing downstream reaches back into parsing.

Rule 2: every element keeps the 1-based source line it came from (``line``), and ``file``, the
``!include``-d file that line is in (None: the diagram's own text, :attr:`Diagram.file`), so any view
or error can point back at the text. Styling (colours, skinparams) may be dropped; a message, participant,
note or group never is.
"""

from __future__ import annotations

from flowlib.records import field, record

#: Participant kinds PlantUML knows, in the order its documentation lists them.
KINDS = ("participant", "actor", "boundary", "control", "entity", "database", "collections", "queue")

#: Arrow heads as PlantUML names them: ``->`` normal, ``->>`` async (open), ``->x`` crossx (lost).
HEADS = ("normal", "async", "crossx")

#: Boundary sides of an exo message (``[->``, ``->]``, ``?->``): where the message comes from or goes.
EXO_KINDS = ("from_left", "to_left", "from_right", "to_right")

#: Note positions: ``left``/``right`` of one participant, ``over`` one, ``over_several``, ``across`` all;
#: ``top``/``bottom`` only for a note attached to a message.
NOTE_POSITIONS = ("left", "right", "over", "over_several", "across", "top", "bottom")

#: Note shapes: ``note`` normal, ``hnote`` hexagonal, ``rnote`` box.
NOTE_STYLES = ("normal", "hexagonal", "box")

#: Group keywords; ``else`` branches are recorded on the group that owns them.
GROUP_KINDS = ("alt", "opt", "loop", "par", "par2", "break", "critical", "group")

#: Life events on a lifeline, explicit (``activate X``) or implied (``++``, ``--``, ``**``, ``!!``, ``return``).
LIFE_ACTIONS = ("activate", "deactivate", "create", "destroy")


@record
class Participant:
    """One lifeline.

    code: the identifier messages use (quoted names keep their text: ``"Token Store"``).
    display: the name shown in the head (``participant "Long Name" as L`` shows ``Long Name``).
    kind: one of :data:`KINDS`.
    stereotype: the ``<<...>>`` text as written, or None (``corpusjson`` gives it as PlantUML prints it).
    color: a declared background colour such as ``#LightBlue``, or None.
    order: the ``order N`` value, or None.
    box: the title of the enclosing ``box`` ("" for an untitled box), or None outside any box.
    box_index: the position of that box in :attr:`Diagram.boxes` (two boxes may share a title), or None.
    declared: True when a declaration line introduced it, False when first use did.
    line: source line of the declaration or of the first use.
    """

    code: str
    display: str
    kind: str = "participant"
    stereotype: str | None = None
    color: str | None = None
    order: int | None = None
    box: str | None = None
    declared: bool = False
    line: int = 0
    file: str | None = None
    box_index: int | None = None


@record
class Box:
    """``box "Title" #Colour ... end box``: title ("" when untitled), colour as written (or None), its line."""

    title: str
    color: str | None = None
    line: int = 0


@record
class Message:
    """One arrow, in diagram order.

    step: 1-based position among the diagram's messages.
    source, target: participant codes. For a message from or to the diagram's edge (``[->``, ``->]``,
        ``?->``, ``A -> :``) the edge side is None and ``exo`` tells which edge.
    label: display lines joined with "\\n", kept as PlantUML stores them ("" when there is none).
    dotted: ``-->`` style (a reply, by convention).
    head: one of :data:`HEADS`.
    bidirectional: ``<->``.
    exo: one of :data:`EXO_KINDS`, or None for a message between two participants.
    exo_short: True for ``?->`` forms; None unless ``exo`` is set.
    parallel: teoz ``&`` (drawn at the same height as the previous message).
    number: the autonumber string as PlantUML formats it (``"<b>3</b>"``), or None.
    phase: the text of the ``== divider ==`` in effect, stripped, or None before the first divider.
    is_return: written with ``return`` rather than an arrow.
    color: arrow colour from ``-[#red]>``, or None.
    line, column: where the arrow's line starts in the source (1-based).
    multicast: the other participants of ``A -> B & C`` (PlantUML 1.2026), in order; () for most messages.
    stereotype: the ``<<stereotype>>`` written after the target (``A -> B <<create>> : x``), or None.
    slant: the angle of a slanted arrow (``A ->(30) B``: 30), or None.
    """

    step: int
    source: str | None
    target: str | None
    label: str = ""
    dotted: bool = False
    head: str = "normal"
    bidirectional: bool = False
    exo: str | None = None
    exo_short: bool | None = None
    parallel: bool = False
    number: str | None = None
    phase: str | None = None
    is_return: bool = False
    color: str | None = None
    line: int = 0
    column: int = 1
    file: str | None = None
    multicast: tuple[str, ...] = ()
    stereotype: str | None = None
    slant: int | None = None

    @property
    def is_self(self) -> bool:
        """True for a message from a participant to itself."""
        return self.exo is None and self.source is not None and self.source == self.target


@record
class Note:
    """A note: ``note left of A``, ``note over A, B``, ``hnote``, ``rnote``, ``note across``.

    position: one of :data:`NOTE_POSITIONS`.
    participants: the codes it is attached to (empty for ``note across``).
    style: one of :data:`NOTE_STYLES`.
    attached_to: "message" for a note written right after a message without ``of``, "group" for a note on
        a group branch (after ``else`` or ``end``), "reference" for one right after a ``ref over``, else None.
    text: the note's lines joined with "\\n".
    after_step: the step of the last message before the note (0 before any message).
    color: the note's background colour as written (``rnote over X #LightGray``), or None.
    """

    position: str
    participants: tuple[str, ...]
    text: str
    style: str = "normal"
    attached_to: str | None = None
    after_step: int = 0
    line: int = 0
    file: str | None = None
    color: str | None = None


@record
class GroupStart:
    """Opens a group frame (``alt``, ``loop``, ``group X [Y]``, ...).

    kind: one of :data:`GROUP_KINDS`. title/label are as PlantUML stores them (see the corpus README:
    ``alt ok`` gives title "alt", label "ok"; ``group X [Y]`` gives title "X", label "Y").
    level: nesting depth, 0 for an outermost group. index: position in :attr:`Diagram.groups`.
    """

    kind: str
    title: str
    label: str | None
    level: int
    index: int
    parallel: bool = False
    line: int = 0
    file: str | None = None


@record
class GroupElse:
    """An ``else`` branch of the group ``index``; label is None when the line gives none."""

    label: str | None
    level: int
    index: int
    line: int = 0
    file: str | None = None


@record
class GroupEnd:
    """Closes the group ``index``."""

    level: int
    index: int
    line: int = 0
    file: str | None = None


@record
class Group:
    """Summary of one group frame, in order of opening.

    else_labels: one entry per ``else`` branch (None where a branch has no label).
    first_step/last_step: the steps of the first and last message inside (None for an empty group).
    end_line: line of the ``end`` (0 when the diagram ended first).
    """

    kind: str
    title: str
    label: str | None
    level: int
    else_labels: tuple[str | None, ...] = ()
    parallel: bool = False
    first_step: int | None = None
    last_step: int | None = None
    line: int = 0
    end_line: int = 0
    file: str | None = None


@record
class Divider:
    """``== text ==``: the raw text between the ``==`` marks (PlantUML keeps trailing blanks)."""

    text: str
    line: int = 0
    file: str | None = None

    @property
    def name(self) -> str:
        """The divider's text stripped: the phase name it starts."""
        return self.text.strip()


@record
class Delay:
    """``...`` or ``... text ...``; text is "" for a bare delay."""

    text: str = ""
    line: int = 0
    file: str | None = None


@record
class Spacer:
    """``|||`` or ``||45||``; size in pixels, or None for the default."""

    size: int | None = None
    line: int = 0
    file: str | None = None


@record
class Reference:
    """``ref over A, B : text`` (or the multi-line ``ref over ... end ref``)."""

    participants: tuple[str, ...]
    text: str
    line: int = 0
    file: str | None = None


@record
class LifeEvent:
    """A change on a lifeline: one of :data:`LIFE_ACTIONS`.

    implicit: True when implied by an arrow suffix (``++``, ``--``, ``**``, ``!!``), by ``return`` or by
    ``autoactivate``, False for an explicit ``activate``/``deactivate``/``create``/``destroy`` line.
    after_step: the step of the last message before the event (0 before any message).
    """

    action: str
    participant: str
    implicit: bool = False
    color: str | None = None
    after_step: int = 0
    line: int = 0
    file: str | None = None


@record
class NewPage:
    """``newpage`` with its optional title."""

    title: str | None = None
    line: int = 0
    file: str | None = None


Event = Message | Note | GroupStart | GroupElse | GroupEnd | Divider | Delay | Spacer | Reference | LifeEvent | NewPage


@record
class Diagram:
    """A parsed sequence diagram.

    participants: in PlantUML's display order (declaration or first use, then ``order``).
    events: every element in source order; ``messages``, ``notes`` and ``groups`` are the same
        objects gathered by type, for convenience.
    title/header/footer/legend/caption: their text, or None.
    file: the path the text came from, or None.
    block_count: how many ``@startuml`` blocks the text held (1 when it held none).
    block: which of them this diagram is (0-based).
    boxes: the ``box ... end box`` frames in source order (participants point at them by ``box_index``).
    footbox: False when the diagram hides the participants' feet (``hide footbox``, ``footbox off``,
        ``skinparam style strictuml``).
    themes: the names of its ``!theme`` lines, in order (PlantUML applies each in turn, so the last one's
        styles win where they overlap); () when it uses none. Views may ignore a theme's styling.
    """

    participants: tuple[Participant, ...]
    events: tuple[Event, ...]
    messages: tuple[Message, ...]
    notes: tuple[Note, ...] = ()
    groups: tuple[Group, ...] = ()
    title: str | None = None
    header: str | None = None
    footer: str | None = None
    legend: str | None = None
    caption: str | None = None
    file: str | None = None
    block_count: int = 1
    block: int = 0
    boxes: tuple[Box, ...] = ()
    footbox: bool = True
    themes: tuple[str, ...] = ()
    _by_code: dict = field(default=None, init=False, repr=False, compare=False)
    _phases: tuple = field(default=None, init=False, repr=False, compare=False)
    #: What analyses worked out from this diagram, by analysis (flowlib.analysis.memo): read once, asked often.
    _memo: dict = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_code", {p.code: p for p in self.participants})
        object.__setattr__(self, "_memo", {})

    def participant(self, code: str) -> Participant:
        """The participant with this code; raises KeyError if there is none."""
        return self._by_code[code]

    @property
    def dividers(self) -> tuple[Divider, ...]:
        """The ``== ... ==`` dividers in order."""
        return tuple(e for e in self.events if isinstance(e, Divider))

    @property
    def phases(self) -> tuple[str, ...]:
        """Phase names in order of first appearance among the messages (None excluded)."""
        if self._phases is None:  # read once: views ask for it often, and it walks every message
            seen: dict[str, None] = {}
            for m in self.messages:
                if m.phase is not None:
                    seen.setdefault(m.phase, None)
            object.__setattr__(self, "_phases", tuple(seen))
        return self._phases

    def phase_messages(self, phase: str) -> tuple[Message, ...]:
        """The messages of one phase, in order."""
        return tuple(m for m in self.messages if m.phase == phase)
