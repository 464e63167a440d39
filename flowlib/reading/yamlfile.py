"""Read small YAML data files, keeping line numbers so that every error can point at one."""

from __future__ import annotations

from pathlib import Path

import yaml

from flowlib.errors import DiagramError
from flowlib.reading.source import read_text

class Mapping(dict):
    """A YAML mapping that remembers the 1-based ``line`` it starts on."""

    line: int = 0


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings are :class:`Mapping` objects carrying their line."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    value = Mapping(loader.construct_mapping(node, deep=True))
    value.line = node.start_mark.line + 1
    return value


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: str | Path) -> object:
    """The YAML document in ``path``; unreadable or malformed files raise a located DiagramError.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp, "steps.yaml")
    ...     _ = path.write_text("first: 1\\nnested:\\n  key: value\\n")
    ...     load_yaml(path)["nested"].line
    3
    """
    name = str(path)
    text = read_text(path)
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        source = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise DiagramError(f"invalid YAML: {problem}", file=name, line=line, column=column, source_line=source)


def require(entry: Mapping, key: str, kind: type | tuple, file: str, where: str = "entry") -> object:
    """``entry[key]``, checked to be of ``kind``; a missing or mistyped value raises a located DiagramError.

    >>> require({"name": "Alice"}, "name", str, "people.yaml")
    'Alice'
    >>> require({"name": 3}, "name", str, "people.yaml", "person")
    Traceback (most recent call last):
    flowlib.errors.DiagramError: people.yaml: error: person: 'name' must be str, not int
    """
    line = getattr(entry, "line", None)
    if not isinstance(entry, dict) or key not in entry:
        raise DiagramError(f"{where}: missing key {key!r}", file=file, line=line)
    value = entry[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise DiagramError(f"{where}: {key!r} must be {names}, not {type(value).__name__}", file=file, line=line)
    return value
