"""What each participant is: its OpenStack service and role, loaded from data/components.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from flowlib.errors import DiagramError
from flowlib.reading.source import read_text

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
    name = str(path)
    text = read_text(path)
    return _Reader(text, name).components()


class _Reader:
    """Validates the composed YAML node tree, so that every error can point at its line."""

    def __init__(self, text: str, file: str):
        self.text = text
        self.lines = text.splitlines()
        self.file = file

    def error(self, message: str, node_or_mark) -> DiagramError:
        mark = getattr(node_or_mark, "start_mark", node_or_mark)
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        source = self.lines[line - 1] if line is not None and line <= len(self.lines) else None
        return DiagramError(message, file=self.file, line=line, column=column, source_line=source)

    def components(self) -> dict[str, Component]:
        try:
            root = yaml.compose(self.text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            raise self.error(f"not valid YAML: {exc.problem}", exc.problem_mark) from None
        except yaml.YAMLError as exc:  # e.g. a reader error on control characters
            raise self.error(f"not valid YAML: {exc}", None) from None
        if root is None:
            raise DiagramError("empty file: expected a 'components:' list", file=self.file)
        if not isinstance(root, yaml.MappingNode):
            raise self.error("expected a mapping with one key, 'components'", root)
        entries = None
        for key, value in self.pairs(root):
            if key != "components":
                raise self.error(f"unknown top-level key {key!r} (expected 'components')", root)
            entries = value
        if not isinstance(entries, yaml.SequenceNode):
            raise self.error("'components' must be a list of entries", entries or root)

        result: dict[str, Component] = {}
        for node in entries.value:
            component = self.entry(node)
            if component.id in result:
                first = result[component.id].line
                raise self.error(f"duplicate id {component.id!r} (first at line {first})", node)
            result[component.id] = component
        return result

    def pairs(self, mapping: yaml.MappingNode):
        """The (key text, value node) pairs of a mapping, refusing duplicate and non-text keys."""
        seen = set()
        for key_node, value_node in mapping.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.error("keys must be plain words", key_node)
            key = key_node.value
            if key in seen:
                raise self.error(f"duplicate key {key!r}", key_node)
            seen.add(key)
            yield key, value_node

    def entry(self, node) -> Component:
        if not isinstance(node, yaml.MappingNode):
            raise self.error("each entry must be a mapping with id, service and role", node)
        fields: dict[str, str] = {}
        nodes: dict[str, yaml.Node] = {}
        for key, value in self.pairs(node):
            if key not in REQUIRED_KEYS + OPTIONAL_KEYS:
                allowed = ", ".join(REQUIRED_KEYS + OPTIONAL_KEYS)
                raise self.error(f"unknown key {key!r} (allowed: {allowed})", value)
            if not isinstance(value, yaml.ScalarNode) or value.tag == "tag:yaml.org,2002:null":
                raise self.error(f"{key!r} must be a text value", value)
            text = value.value.strip()
            if not text:
                raise self.error(f"{key!r} is empty", value)
            if key in ("id", "service", "role", "since", "until") and "\n" in text:
                raise self.error(f"{key!r} must be one line", value)
            fields[key] = text
            nodes[key] = value
        missing = [key for key in REQUIRED_KEYS if key not in fields]
        if missing:
            raise self.error(f"entry is missing {', '.join(map(repr, missing))}", node)
        if fields["service"] not in SERVICES:
            raise self.error(
                f"unknown service {fields['service']!r} (expected one of: {', '.join(SERVICES)})", nodes["service"]
            )
        return Component(line=node.start_mark.line + 1, **fields)


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
