"""Read small YAML data files, keeping line numbers so that every error can point at one.

Rule 1: every YAML file flowlib or the course reads goes through :func:`load_yaml`, and every problem in
one is raised with :meth:`Located.error` (or :func:`require`), so errors name file, line and column the
same way and show the offending line.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from flowlib.errors import DiagramError
from flowlib.reading.source import read_text

_SELF = object()  # "the container itself", as opposed to one of its keys


class Located:
    """Where a YAML mapping or list sits in its file: ``file``, ``line`` and ``column`` (1-based), and where
    each of its values sits, so that :meth:`error` can point at the container or at one value."""

    file: str = ""
    line: int = 0
    column: int = 0
    _source: tuple[str, ...] = ()
    _marks: dict = {}  # key (or index) -> (line, column) of its value; replaced per object
    _key_marks: dict = {}  # key -> (line, column) of the key itself (mappings only)

    def where(self, key=_SELF, *, of_key: bool = False) -> tuple[int, int]:
        """``(line, column)`` of the container, of ``key``'s value, or (``of_key``) of the key itself.
        A key it lacks gives the container's own place."""
        if key is _SELF:
            return self.line, self.column
        marks = self._key_marks if of_key else self._marks
        return marks.get(key, (self.line, self.column))

    def error(self, message: str, key=_SELF, *, of_key: bool = False) -> DiagramError:
        """A DiagramError at the container, at ``key``'s value or (``of_key``) at the key, showing its line."""
        line, column = self.where(key, of_key=of_key)
        source = self._source[line - 1] if 0 < line <= len(self._source) else None
        return DiagramError(message, file=self.file or None, line=line, column=column, source_line=source)


class Mapping(Located, dict):
    """A YAML mapping that remembers where it starts (``line``) and where each value is."""


class Sequence(Located, list):
    """A YAML list that remembers where it starts (``line``) and where each item is."""


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings and lists are :class:`Mapping` and :class:`Sequence` objects carrying their
    place, and which refuses duplicate keys and keys that are not plain words (PyYAML keeps the last)."""

    file: str = ""
    source: tuple[str, ...] = ()

    def place(self, value: Located, node: yaml.Node) -> Located:
        value.file, value._source = self.file, self.source
        value.line, value.column = node.start_mark.line + 1, node.start_mark.column + 1
        return value

    def located_error(self, message: str, node: yaml.Node) -> DiagramError:
        return self.place(Mapping(), node).error(message)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    value = loader.place(Mapping(), node)
    value._marks, value._key_marks = {}, {}
    loader.flatten_mapping(node)  # merge keys (<<)
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise loader.located_error("keys must be plain words", key_node)
        key = loader.construct_object(key_node, deep=True)
        if key in value:
            raise loader.located_error(f"duplicate key {key!r}", key_node)
        value[key] = loader.construct_object(value_node, deep=True)
        value._marks[key], value._key_marks[key] = _mark(value_node), _mark(key_node)
    return value


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> Sequence:
    value = loader.place(Sequence(), node)
    value.extend(loader.construct_object(item, deep=True) for item in node.value)
    value._marks = {index: _mark(item) for index, item in enumerate(node.value)}
    return value


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: str | Path) -> object:
    """The YAML document in ``path``; unreadable or malformed files raise a located DiagramError.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp, "steps.yaml")
    ...     _ = path.write_text("first: 1\\nnested:\\n  key: value\\n")
    ...     data = load_yaml(path)
    >>> data["nested"].line, data.where("first"), data.error("too small", "first").headline()[-32:]
    (3, (1, 8), 'steps.yaml:1:8: error: too small')
    """
    name = str(path)
    text = read_text(path)
    loader = _Loader(text)
    loader.file, loader.source = name, tuple(text.splitlines())
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        source = loader.source[line - 1] if line and line <= len(loader.source) else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise DiagramError(f"not valid YAML: {problem}", file=name, line=line, column=column,
                           source_line=source) from None
    finally:
        loader.dispose()


def require(entry: Mapping, key: str, kind: type | tuple, file: str, where: str = "entry") -> object:
    """``entry[key]``, checked to be of ``kind``; a missing or mistyped value raises a located DiagramError
    (at the entry when the key is missing, at the value when it has the wrong type; a plain dict, which
    knows no lines, names only the file).

    >>> require({"name": "Alice"}, "name", str, "people.yaml")
    'Alice'
    >>> require({"name": 3}, "name", str, "people.yaml", "person")
    Traceback (most recent call last):
    flowlib.errors.DiagramError: people.yaml: error: person: 'name' must be str, not int
    """
    def error(message: str, at=_SELF) -> DiagramError:
        if isinstance(entry, Located):
            return entry.error(message, at)
        return DiagramError(message, file=file, line=getattr(entry, "line", None))

    if not isinstance(entry, dict):
        raise error(f"{where}: expected a mapping with {key!r}")
    if key not in entry:
        raise error(f"{where}: missing key {key!r}")
    value = entry[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise error(f"{where}: {key!r} must be {names}, not {type(value).__name__}", key)
    return value
