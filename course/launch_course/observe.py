"""What a learner would observe at each step of both flows: states, port, notifications, events, server show.

Rule 1: the observations live in ``content/observe.yaml`` and the notification payloads in
``content/notifications/`` (Nova's own samples, pinned to a commit); the player's lane, the phase
notebooks' tables and the observation quiz questions all read them through :func:`observation`.

An entry of observe.yaml gives what changes at a step; a step's observation is every earlier entry
folded in order, except that an entry on an ``alt`` frame's else branch holds only inside that branch
and an entry on the first branch never reaches the else branches.

>>> observation(72, flow="today").status
'ACTIVE'
>>> observation(8, flow="2014").text()
'step 8: BUILD (vm_state building, task_state scheduling, power NOSTATE); port none; emits compute.instance.update'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flowlib.analysis.groups import message_groups
from flowlib.analysis.wording import message_text
from flowlib.errors import DiagramError
from flowlib.model import Diagram
from flowlib.reading.yamlfile import load_yaml, require

from launch_course.files import content_path

__all__ = ["FLOWS", "Notification", "Observation", "load_observations", "observation", "observed_table",
           "branch_paths", "STATUS"]

#: The flows observe.yaml covers, and the diagram file of each.
FLOWS = {"2014": "launch-instance.puml", "today": "launch-instance-today.puml"}

VM_STATES = ("none", "building", "active", "error")
TASK_STATES = (None, "scheduling", "networking", "block_device_mapping", "spawning")
POWER_STATES = ("none", "NOSTATE", "Running", "Paused")
PORT_STATES = ("none", "DOWN", "ACTIVE")

#: The API's status for a vm_state while task_state is empty or a build state (nova/api/openstack/common.py
#: ``_STATE_MAP``); "none" is the course's word for "no server yet".
STATUS = {"none": "none", "building": "BUILD", "active": "ACTIVE", "error": "ERROR"}

_CARRIED = ("vm_state", "task_state", "power_state", "port", "host", "addresses", "fault", "actions", "events")
_KEYS = ("step", "message", "notifications", "note") + _CARRIED


@dataclass(frozen=True, slots=True)
class Notification:
    """A notification Nova emits: its event type, and for a versioned one the sample it is shown with.

    sample: the file name in content/notifications/ ("" for a legacy one). priority, publisher: from the
    sample. legacy: an unversioned notification (2014's ``compute.instance.create.start``).
    """

    event: str
    sample: str = ""
    priority: str = ""
    publisher: str = ""
    legacy: bool = False
    path: str = ""

    def payload(self) -> dict:
        """The sample's JSON, as Nova's doc/notification_samples has it ({} for a legacy notification)."""
        return json.loads(Path(self.path).read_text(encoding="utf-8")) if self.path else {}


@dataclass(frozen=True, slots=True)
class Observation:
    """What a learner would see at one step of one flow.

    vm_state, task_state, power_state: as ``openstack server show`` prints them (vm_state "none" and
    power_state "none": no server yet; task_state None). port: the Neutron port's status ("none": no port).
    host, addresses, fault: the other fields of ``server show`` the course follows. actions: the rows of
    ``openstack server event list``; events: (name, result) of the create action's events.
    notifications: emitted at this step. note: one line for the learner.
    """

    flow: str
    step: int
    phase: str
    message: str
    vm_state: str
    task_state: str | None
    power_state: str
    port: str
    host: str | None = None
    addresses: str = ""
    fault: str = ""
    actions: tuple[str, ...] = ()
    events: tuple[tuple[str, str], ...] = ()
    notifications: tuple[Notification, ...] = ()
    note: str = ""

    @property
    def status(self) -> str:
        """The API's status: BUILD, ACTIVE, ERROR, or "none" before the server exists."""
        return STATUS[self.vm_state]

    def server_show(self) -> dict[str, str]:
        """Key fields of ``openstack server show`` at this step ({} before the server exists)."""
        if self.vm_state == "none":
            return {}
        shown = {
            "status": self.status,
            "OS-EXT-STS:vm_state": self.vm_state,
            "OS-EXT-STS:task_state": str(self.task_state),
            "OS-EXT-STS:power_state": self.power_state,
            "OS-EXT-SRV-ATTR:host": str(self.host),
            "addresses": self.addresses,
        }
        if self.fault:
            shown["fault"] = self.fault
        return shown

    def _repr_html_(self) -> str:
        """The observation as a short HTML block (what a step player's ``lane=`` shows beside the step)."""
        from launch_course.widgets import render

        return render("observation.html.j2", no_server=self.vm_state == "none", status=self.status,
                      vm_state=self.vm_state, task_state=str(self.task_state), power=self.power_state, port=self.port,
                      events=[n.event for n in self.notifications], note=self.note)

    def text(self) -> str:
        """One line for a lane or a log: status, the three states, the port and what is emitted."""
        if self.vm_state == "none":
            head = f"step {self.step}: no server yet"
        else:
            head = (f"step {self.step}: {self.status} (vm_state {self.vm_state}, task_state {self.task_state}, "
                    f"power {self.power_state})")
        emitted = f"; emits {', '.join(n.event for n in self.notifications)}" if self.notifications else ""
        return f"{head}; port {self.port}{emitted}"


def branch_paths(diagram: Diagram) -> dict[int, tuple[tuple[int, int], ...]]:
    """step -> the (group, branch) pairs it sits in, outermost first; branch 0 is a frame's first branch.

    >>> from flowlib import parse
    >>> branch_paths(parse("alt ok\\nA -> B: x\\nelse no\\nA -> B: y\\nend\\nA -> B: z"))
    {1: ((0, 0),), 2: ((0, 1),), 3: ()}
    """
    return {m.step: tuple((b.index, b.branch) for b in (g.path if g else ()))
            for m, g in zip(diagram.messages, message_groups(diagram))}


def _reaches(source: tuple, target: tuple) -> bool:
    """Whether an entry on branch path ``source`` holds at a later step on ``target``."""
    where = dict(target)
    for group, branch in source:
        if branch and where.get(group) != branch:
            return False  # an else branch's entry stays inside it
        if not branch and where.get(group, 0) != 0:
            return False  # the normal path's entry never reaches a failure branch
    return True


def _notifications(value, file: str, line: int, where: str) -> tuple[Notification, ...]:
    if not isinstance(value, list):
        raise DiagramError(f"{where}: 'notifications' must be a list", file=file, line=line)
    result = []
    for item in value:
        if not isinstance(item, dict) or "event" not in item or not set(item) <= {"event", "sample", "legacy"}:
            raise DiagramError(f"{where}: a notification is {{event, sample}} or {{event, legacy: true}}",
                               file=file, line=line)
        event = str(item["event"])
        if item.get("legacy") is True:
            if "sample" in item:
                raise DiagramError(f"{where}: legacy notification {event!r} has no sample", file=file, line=line)
            result.append(Notification(event, legacy=True))
            continue
        sample = item.get("sample")
        path = Path(file).parent / "notifications" / str(sample) if sample else None
        if path is None or not path.is_file():
            raise DiagramError(f"{where}: notification {event!r} needs a sample in notifications/ "
                               f"(not found: {sample!r})", file=file, line=line)
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("event_type") != event:
            raise DiagramError(f"{where}: sample {sample} is {data.get('event_type')!r}, not {event!r}",
                               file=file, line=line)
        result.append(Notification(event, str(sample), data.get("priority", ""), data.get("publisher_id", ""),
                                   path=str(path)))
    return tuple(result)


def _check(entry: Mapping, file: str, where: str):
    unknown = set(entry) - set(_KEYS)
    if unknown:
        raise entry.error(f"{where}: unknown key {sorted(unknown)[0]!r} (allowed: {', '.join(_KEYS)})")
    for key, allowed in (("vm_state", VM_STATES), ("task_state", TASK_STATES), ("power_state", POWER_STATES),
                         ("port", PORT_STATES)):
        if key in entry and entry[key] not in allowed:
            shown = ", ".join("null" if a is None else a for a in allowed)
            raise entry.error(f"{where}: {key} {entry[key]!r} is not one of {shown}")
    if "actions" in entry and not (isinstance(entry["actions"], list) and all(isinstance(a, str) for a in entry["actions"])):
        raise entry.error(f"{where}: 'actions' must be a list of action names")
    if "events" in entry and not (isinstance(entry["events"], dict)
                                  and all(v in ("started", "Success", "Error") for v in entry["events"].values())):
        raise entry.error(f"{where}: 'events' maps an event name to started, Success or Error")


def load_observations(path=None, diagrams: Mapping[str, Diagram] | None = None,
                      flows: tuple[str, ...] = tuple(FLOWS)) -> dict[str, dict[int, Observation]]:
    """Read observe.yaml (or ``path``): flow -> step -> :class:`Observation`, for every step of each flow.

    ``diagrams`` maps a flow to its diagram (default: the diagrams of ``flows``, beside ``path``, so that
    one flow can be read without the other's diagram). Every entry's step and message
    must match its diagram, the first step must give every field, and samples must exist; problems raise
    a located :class:`DiagramError`.

    >>> observed = load_observations()
    >>> sorted(observed), observed["today"][72].status
    (['2014', 'today'], 'ACTIVE')
    """
    path = content_path(path if path is not None else "observe.yaml")
    file = str(path)
    if diagrams is None:
        from flowlib import parse_file

        diagrams = {flow: parse_file(str(path.parent / FLOWS[flow])) for flow in flows}
    data = load_yaml(path)
    given = require(data, "flows", dict, file, "file")
    if set(given) != set(FLOWS) or not set(diagrams) <= set(FLOWS):
        raise given.error(f"flows must be exactly {', '.join(FLOWS)}, not {', '.join(map(str, given))}")
    flows = given
    result = {}
    for flow, diagram in diagrams.items():
        entries = flows[flow]
        if not isinstance(entries, list) or not entries:
            raise flows.error(f"flow {flow!r}: expected a list of entries")
        messages = {m.step: m for m in diagram.messages}
        by_step, last = {}, 0
        for entry in entries:
            step = entry.get("step") if isinstance(entry, dict) else None
            where = f"flow {flow!r}, step {step}"
            if not isinstance(step, int) or step not in messages:
                raise DiagramError(f"{where}: not a step of {FLOWS.get(flow, flow)}", file=file,
                                   line=getattr(entry, "line", flows.line))
            if step <= last:
                raise entry.error(f"{where}: entries must be in step order, each step once")
            last = step
            want = message_text(messages[step])
            if require(entry, "message", str, file, where) != want:
                raise entry.error(f"{where}: message {entry['message']!r} but the diagram has {want!r}")
            _check(entry, file, where)
            by_step[step] = entry
        first = diagram.messages[0].step
        missing = [k for k in _CARRIED if k not in by_step.get(first, {})]
        if missing:
            raise DiagramError(f"flow {flow!r}: the entry for step {first} must give {', '.join(missing)}",
                               file=file, line=entries[0].line)
        paths = branch_paths(diagram)
        notes = {s: _notifications(e.get("notifications", []), file, e.line, f"flow {flow!r}, step {s}")
                 for s, e in by_step.items()}
        observed = {}
        for m in diagram.messages:
            state: dict = {}
            for s, entry in by_step.items():
                if s > m.step or not _reaches(paths[s], paths[m.step]):
                    continue
                for key in _CARRIED:
                    if key == "events" and key in entry:
                        state["events"] = {**state.get("events", {}), **entry["events"]}
                    elif key in entry:
                        state[key] = entry[key]
            here = by_step.get(m.step, {})
            observed[m.step] = Observation(
                flow=flow, step=m.step, phase=m.phase or "", message=message_text(m),
                vm_state=state["vm_state"], task_state=state["task_state"], power_state=state["power_state"],
                port=state["port"], host=state["host"], addresses=state["addresses"], fault=state["fault"],
                actions=tuple(state["actions"]), events=tuple(state["events"].items()),
                notifications=notes.get(m.step, ()), note=" ".join(str(here.get("note", "")).split()),
            )
        result[flow] = observed
    return result


def _default(path: str | None, flow: str) -> dict[int, Observation]:
    """The observations of ``flow`` in ``path`` (default: the course's), read again when a file changed."""
    if flow not in FLOWS:
        raise KeyError(f"no flow {flow!r}; flows: {', '.join(FLOWS)}")
    file = content_path(path if path is not None else "observe.yaml")
    stamps = tuple((file.parent / name).stat().st_mtime_ns if (file.parent / name).exists() else 0
                   for name in ("observe.yaml", *FLOWS.values()))
    return _cached(str(file), stamps, flow)


@lru_cache(maxsize=8)
def _cached(path: str, stamps: tuple, flow: str) -> dict[int, Observation]:
    return load_observations(path, flows=(flow,))[flow]


def observation(step: int, flow: str = "2014", path=None) -> Observation:
    """What a learner would observe at ``step`` of ``flow`` ("2014" or "today"); KeyError for a bad step.

    >>> observation(67, flow="today").port
    'ACTIVE'
    """
    return _default(None if path is None else str(path), flow)[step]


def observed_table(flow: str = "2014", phase: str | None = None, path=None, *, verdicts: bool = True):
    """One row per step (of one phase, or all): the states, port, notifications, server event list, and
    for the 2014 flow the step's bug-hunt verdict (a pandas DataFrame).

    >>> observed_table("today", phase="auth")["step"].tolist()
    [1, 2, 3]
    """
    import pandas as pd

    observed = _default(None if path is None else str(path), flow)
    rows = [o for o in observed.values() if phase is None or o.phase == phase]
    table = pd.DataFrame({
        "step": pd.array([o.step for o in rows], dtype="Int64"),
        "message": pd.Series([o.message for o in rows], dtype="string"),
        "status": pd.Series([o.status for o in rows], dtype="string"),
        "vm_state": pd.Series([o.vm_state for o in rows], dtype="string"),
        "task_state": pd.Series([str(o.task_state) for o in rows], dtype="string"),
        "power_state": pd.Series([o.power_state for o in rows], dtype="string"),
        "port": pd.Series([o.port for o in rows], dtype="string"),
        "notifications": pd.Series([", ".join(n.event for n in o.notifications) for o in rows], dtype="string"),
        "server event list": pd.Series([", ".join(o.actions) for o in rows], dtype="string"),
        "note": pd.Series([o.note for o in rows], dtype="string"),
    })
    if flow == "2014" and verdicts:
        from launch_course.today import load_bughunt

        found = load_bughunt(Path(path).parent / "bughunt.yaml" if path is not None else None)
        table.insert(2, "verdict", pd.Series([found[o.step].verdict for o in rows], dtype="string"))
    return table
