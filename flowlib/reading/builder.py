"""The builder: the one mutable object of a parse, filled by the line actions and frozen into a Diagram."""

from __future__ import annotations

from flowlib.model import (Diagram, Group, GroupElse, GroupEnd, GroupStart, LifeEvent, Message, Note, Participant,
                           Reference)
from flowlib.reading.display import display_text
from flowlib.reading.lineerror import LineError
from flowlib.reading.numbering import Numbering
from flowlib.records import twin

# Records a large diagram holds by the thousand, built faster (see flowlib.records.twin).
NewMessage = twin(Message)
NewLifeEvent = twin(LifeEvent)
NewNote = twin(Note)
NewGroupStart = twin(GroupStart)
NewGroupElse = twin(GroupElse)
NewGroupEnd = twin(GroupEnd)


# The participants deactivated since the last message, when there are none: shared (a new empty set
# on every message was a measurable cost); life() makes a set of its own for the first one.
NONE_DEACTIVATED: frozenset = frozenset()


class GroupState:
    """A group (alt, loop, par...) while it is read: the messages before it, and after it once closed."""

    __slots__ = ("kind", "title", "label", "level", "else_labels", "parallel", "before", "after", "line",
                 "end_line", "index", "file")

    def __init__(self, kind, title, label, level, parallel, line, index, before, file=None):
        self.kind, self.title, self.label, self.level = kind, title, label, level
        self.else_labels: list = []
        self.parallel, self.line, self.index = parallel, line, index
        self.before = before       # messages before the group opened
        self.after = None          # messages when it closed (None while open)
        self.end_line = 0
        self.file = file

    def steps(self, total: int) -> tuple[int | None, int | None]:
        """First and last step inside the group (None, None when it holds no message)."""
        last = self.after if self.after is not None else total
        return (self.before + 1, last) if last > self.before else (None, None)


class Builder:
    """Collects what the line actions find, then freezes it into a :class:`Diagram`."""

    def __init__(self, file: str | None):
        self.file = file
        self.participants: dict[str, dict] = {}    # code -> fields of Participant (insertion = display order)
        self.codes: dict[str, str] = {}            # code, or name as written -> the code's one shared string
        self.arrow_sources: dict[str, str] = {}    # the same, for names a simple arrow starts with (see do_simple_arrow)
        self.events: list = []
        self.messages: list[Message] = []
        self.notes: list[Note] = []
        self.groups: list[GroupState] = []
        self.open_groups: list[GroupState] = []
        self.phase: str | None = None
        self.numbering = Numbering()
        self.autoactivate = False
        self.box: str | None = None               # the open box's title
        self.box_index: int | None = None         # its index in ``boxes``
        self.box_stack: list = []                 # (title, index) of the boxes around it
        self.boxes: list = []                     # every Box so far
        self.footbox = True
        self.title = self.header = self.footer = self.legend = self.caption = None
        self.line = 0
        self.raw = ""                            # the current line as written
        self.source: str | None = None           # the included file the current line is in (None: the diagram)
        # PlantUML's life-line bookkeeping (SequenceDiagram.activate).
        self.last_with_deactivate = None        # the last message or group end
        self.deactivated_after_last: set[str] | frozenset = NONE_DEACTIVATED
        self.activation_stack: list[Message] = []
        self.last_was_delay = False
        self.initial_life: dict[str, int] = {}    # activations before the first message, by participant
        self.pending_create: str | None = None
        self.last_note_target = None             # ("message", Message) or ("group", None)
        self.hide_unlinked = False               # 'hide unlinked': drop participants no event names
        self.ignore_newpage = False

    # -- participants ------------------------------------------------------------------------
    def participant(self, code: str, display: str | None = None) -> str:
        """The code of an existing participant, or of a new implied one.

        The same string object each time: the messages of a large diagram share a few names instead of
        holding a copy each (a new string for every match).
        """
        known = self.codes.get(code)
        if known is not None:
            return known
        if code not in self.participants:
            self.participants[code] = dict(
                code=code, display=display_text(code if display is None else display), kind="participant",
                stereotype=None, color=None, order=None, box=self.box, declared=False, line=self.line,
                file=self.source, box_index=self.box_index)
        self.codes[code] = code
        return code

    def written(self, name: str) -> str:
        """The code of the participant named ``name`` as a simple arrow writes it (``Bob``, ``"Token Store"``),
        known or new; ``codes`` then knows the written form too, quotes and all.

        >>> b = Builder(None)
        >>> b.written('"Token Store"'), b.codes['"Token Store"']
        ('Token Store', 'Token Store')
        """
        code = self.participant(name[1:-1] if name[0] == '"' else name)
        self.codes[name] = code
        return code

    # -- life events ---------------------------------------------------------------------------
    def life(self, action: str, who: str, *, implicit: bool, color: str | None = None):
        """Record a life event, with PlantUML's checks.

        PlantUML checks explicit lines (``activate X``) but ignores the verdict for implied events
        (``++``, ``**``, ``return``, autoactivate): one refused after a delay is dropped, any other is kept.
        """
        if self.last_was_delay:
            if implicit:
                return
            raise LineError(f"cannot {action} {who} right after a '...' delay: put a message between them")
        event = NewLifeEvent(action, who, implicit, color, len(self.messages), self.line, self.source)
        self.events.append(event)
        if action == "create":
            self.pending_create = who
            return
        last = self.last_with_deactivate
        if last is None:
            if action == "activate":
                self.initial_life[who] = self.initial_life.get(who, 0) + 1
            elif not implicit and not self.initial_life.get(who):
                raise LineError(f"cannot {action} {who} before the first message")
            return
        if type(last) is not Message or who not in (last.source, last.target):
            # 1.2026: a life event on a participant the last message does not deal with stands alone:
            # nothing is checked (1.2020 refused some of them).
            return
        if action == "activate":
            self.activation_stack.append(last)
        elif action == "deactivate" and self.activation_stack:
            self.activation_stack.pop()
        if action == "activate" and who in self.deactivated_after_last and not implicit:
            raise LineError(f"cannot activate {who} again before the next message: it was just deactivated "
                             f"(PlantUML: Activate/Deactivate already done on {who})", token=who)
        if action in ("deactivate", "destroy"):
            if self.deactivated_after_last:
                self.deactivated_after_last.add(who)
            else:
                self.deactivated_after_last = {who}

    # -- messages ------------------------------------------------------------------------------
    def message(self, source, target, label="", dotted=False, head="normal", bidirectional=False, exo=None,
                exo_short=None, parallel=False, is_return=False, color=None, multicast=(), stereotype=None,
                slant=None) -> Message:
        """Add a message; PlantUML checks a pending ``create`` on every message but a ``return``."""
        numbering = self.numbering
        number = numbering.next() if numbering.on else None
        if "%autonumber%" in label:  # PlantUML puts the number in the label, without its bold tags
            label = label.replace("%autonumber%", (number or "").replace("<b>", "").replace("</b>", ""))
        raw = self.raw
        messages = self.messages
        msg = NewMessage(len(messages) + 1, source, target, label, dotted, head, bidirectional, exo,
                          exo_short, parallel, number, self.phase, is_return, color, self.line,
                          len(raw) - len(raw.lstrip()) + 1, self.source, multicast, stereotype, slant)
        messages.append(msg)
        self.events.append(msg)
        self.last_with_deactivate = msg
        self.deactivated_after_last = NONE_DEACTIVATED
        self.last_was_delay = False
        self.last_note_target = ("message", msg)
        if self.pending_create is not None and not is_return:
            who = self.pending_create
            self.pending_create = None
            # PlantUML wants a message to the new participant from another one (or from the edge).
            if not (who in (source, target) if exo is not None else target == who != source):
                raise LineError(f"after 'create {who}' the next message must go to {who} from another participant")
        return msg

    def note(self, **fields):
        note = NewNote(after_step=len(self.messages), line=self.line, file=self.source, **fields)
        self.notes.append(note)
        self.events.append(note)

    def _linked(self) -> set[str]:
        """The participants some event deals with, as PlantUML's ``hide unlinked`` counts them."""
        linked: set[str] = set()
        for event in self.events:
            if isinstance(event, Message):
                linked.update((event.source, event.target))
            elif isinstance(event, (Note, Reference)):
                linked.update(event.participants)
            elif isinstance(event, LifeEvent):
                linked.add(event.participant)
        return linked

    # -- result --------------------------------------------------------------------------------
    def diagram(self, block_count: int = 1, block: int = 0, themes: tuple[str, ...] = ()) -> Diagram:
        people = list(self.participants.values())
        if self.hide_unlinked:
            linked = self._linked()
            people = [p for p in people if p["code"] in linked]
        if any(p["order"] is not None for p in people):
            people.sort(key=lambda p: p["order"] or 0)   # stable: ties keep declaration order
        total = len(self.messages)
        groups = tuple(
            Group(kind=g.kind, title=g.title, label=g.label, level=g.level, else_labels=tuple(g.else_labels),
                  parallel=g.parallel, first_step=g.steps(total)[0], last_step=g.steps(total)[1], line=g.line, file=g.file,
                  end_line=g.end_line)
            for g in self.groups)
        return Diagram(
            participants=tuple(Participant(**p) for p in people),
            events=tuple(self.events),
            messages=tuple(self.messages),
            notes=tuple(self.notes),
            groups=groups,
            title=self.title, header=self.header, footer=self.footer, legend=self.legend,
            caption=self.caption, file=self.file, block_count=block_count,
            block=block, boxes=tuple(self.boxes), footbox=self.footbox, themes=themes)
