"""What each participant is: its OpenStack service and role, loaded from data/components.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flowlib.errors import DiagramError
from flowlib.reading.yamlfile import Located, Mapping, Sequence, load_yaml

from launch_course.files import content_path

#: The services a component can belong to: the OpenStack services by their official names (Placement is
#: its own service since Stein), then three groups that are no OpenStack service, written in lowercase:
#: ``infrastructure`` (database, queue, hypervisor), ``guest`` (the VM) and ``client`` (the user's side,
#: CLI or Horizon, outside the cloud). :func:`service_label` capitalises them for display.
SERVICES = (
    "Identity",
    "Compute",
    "Placement",
    "Image",
    "Networking",
    "Block Storage",
    "Ceph",
    "infrastructure",
    "guest",
    "client",
)


def service_label(service: str) -> str:
    """How a service is shown (cluster labels, component tables): capitalised like the OpenStack services.

    >>> service_label("infrastructure"), service_label("Block Storage")
    ('Infrastructure', 'Block Storage')
    """
    return service[:1].upper() + service[1:]


#: Keys an entry may have; the first three are required.
REQUIRED_KEYS = ("id", "service", "role")
OPTIONAL_KEYS = ("since", "until", "notes")

#: The repository's table, found relative to the package (works for a checkout or ``pip install -e``).
DEFAULT_PATH = content_path("components.yaml")


@dataclass(frozen=True, slots=True)
class Component:
    """One participant's place in OpenStack.

    id: the participant code it describes (``Nova-api``, ``Token Store``).
    service: one of :data:`SERVICES`.
    role: one line, ``"<component>: what it does"``.
    since, until: OpenStack release names bounding its life in this flow, or None.
    notes: free text for learners (how it changed, what replaced it), or None.
    line: the line of the entry in the YAML file.
    """

    id: str
    service: str
    role: str
    since: str | None = None
    until: str | None = None
    notes: str | None = None
    line: int = 0


def load_components(path: str | Path | None = None) -> dict[str, Component]:
    """Read a components file into ``{participant code: Component}``, in file order.

    ``path`` defaults to the repository's ``data/components.yaml``. Malformed data raises a
    :class:`DiagramError` naming the file, line and column of the problem.

    >>> load_components()["MQ"].service
    'infrastructure'
    """
    path = Path(path) if path is not None else DEFAULT_PATH
    root = load_yaml(path)
    if root is None:
        raise DiagramError("empty file: expected a 'components:' list", file=str(path))
    if not isinstance(root, Mapping):
        raise _at(root, str(path)).error("expected a mapping with one key, 'components'")
    for key in root:
        if key != "components":
            raise root.error(f"unknown top-level key {key!r} (expected 'components')")
    entries = root.get("components")
    if not isinstance(entries, Sequence):
        raise root.error("'components' must be a list of entries", "components")
    result: dict[str, Component] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise entries.error("each entry must be a mapping with id, service and role", index)
        component = _component(entry)
        if component.id in result:
            first = result[component.id].line
            raise entry.error(f"duplicate id {component.id!r} (first at line {first})")
        result[component.id] = component
    return result


def _at(value, file: str) -> Located:
    """``value``'s place when it is a mapping or list, else the top of ``file``."""
    if isinstance(value, Located):
        return value
    place = Mapping()
    place.file, place.line, place.column = file, 1, 1
    return place


def _component(entry: Mapping) -> Component:
    fields: dict[str, str] = {}
    for key, value in entry.items():
        if key not in REQUIRED_KEYS + OPTIONAL_KEYS:
            allowed = ", ".join(REQUIRED_KEYS + OPTIONAL_KEYS)
            raise entry.error(f"unknown key {key!r} (allowed: {allowed})", key)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise entry.error(f"{key!r} must be a text value", key)
        text = str(value).strip()
        if not text:
            raise entry.error(f"{key!r} is empty", key)
        if key in ("id", "service", "role", "since", "until") and "\n" in text:
            raise entry.error(f"{key!r} must be one line", key)
        fields[key] = text
    missing = [key for key in REQUIRED_KEYS if key not in fields]
    if missing:
        raise entry.error(f"entry is missing {', '.join(map(repr, missing))}")
    if fields["service"] not in SERVICES:
        raise entry.error(f"unknown service {fields['service']!r} (expected one of: {', '.join(SERVICES)})", "service")
    return Component(line=entry.line, **fields)


def service_groups(diagram, components: dict[str, Component] | None = None) -> dict[str, str] | None:
    """Clusters for the communication view by OpenStack service, when the components data knows every
    participant, else None (then the view falls back to the diagram's own boxes).

    The cluster names are the services' display labels (:func:`service_label`): ``Identity``,
    ``Compute``, ... and ``Infrastructure``, ``Guest``, ``Client``.

    >>> from launch_course import load_course
    >>> service_groups(load_course().diagram)["Keystone"]
    'Identity'
    """
    components = load_components() if components is None else components
    codes = [p.code for p in diagram.participants]
    if not codes or any(code not in components for code in codes):
        return None
    return {code: service_label(components[code].service) for code in codes}
