"""Local ``!include`` files: where one is, whether it may be read, and the lines it brings.

Rule 3: an include may not leave ``root`` (by default the folder of the top diagram): no absolute
path outside it, no ``..`` escaping it, no symbolic link out of it, as PlantUML's security profiles
allow. ``parse_file(path, include_root=FOLDER)`` or ``flowlib inspect --include-root FOLDER`` widens
it. URLs and PlantUML's standard library (``<C4/...>``) are refused: flowlib works offline.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from flowlib.errors import DiagramError
from flowlib.reading.lineerror import LineError, file_of


def _offline(err: LineError) -> LineError:
    """Mark a problem PlantUML itself would not have (it fetches URLs and has its standard library)."""
    err.offline = True
    return err


class Located(int):
    """A line number in an included file: an ``int`` that knows its ``file``."""

    def __new__(cls, number: int, file: str):
        self = super().__new__(cls, number)
        self.file = file
        return self


_START = re.compile(r"\s*@start\w*(?:\((?:id=)?(?P<id>[^)]*)\))?", re.I)
_END = re.compile(r"\s*@end\w*", re.I)
_STARTSUB = re.compile(r"\s*!startsub\s+(?P<name>\w+)\s*$", re.I)
_ENDSUB = re.compile(r"\s*!endsub\b", re.I)


class Includes:
    """Resolves and reads the files a diagram includes, relative to the file that includes them."""

    def __init__(self, top: str | None, root: str | os.PathLike | None):
        self.top = top
        base = Path(top).resolve().parent if top else Path.cwd().resolve()
        self.root = Path(root).resolve() if root is not None else base

    def folder_of(self, number) -> Path:
        file = file_of(number) or self.top
        return Path(file).resolve().parent if file else Path.cwd().resolve()

    def resolve(self, target: str, number) -> Path:
        """The path of ``target`` included from the line ``number``; LineError when it may not be read."""
        if re.match(r"[a-z][a-z0-9+.-]*://", target, re.I):
            raise _offline(LineError(f"cannot include {target}: flowlib reads diagrams offline and does not fetch URLs "
                            "(save the file next to the diagram and include it by its path)"))
        if target.startswith("<"):
            raise _offline(LineError(f"cannot include {target}: PlantUML's standard library is not available "
                                     "offline in flowlib (copy the parts you need next to the diagram)"))
        full = self._path(target, number).resolve()
        if full != self.root and self.root not in full.parents:
            raise LineError(f"cannot include {target}: it is outside the diagram's folder {self.root} "
                            "(flowlib reads includes only under it; to allow a wider folder pass "
                            "include_root=FOLDER to parse_file, or --include-root FOLDER on the command line)")
        if not full.is_file():
            raise LineError(f"cannot include {target}: no such file")
        return full

    def locate(self, target: str, number, sub: str | None = None) -> Path:
        """The file ``!include target`` on line ``number`` names: ``target!N`` and ``target!ID`` name the
        file before the ``!`` (1.2026.8 reads them as its first block) unless a file has the whole name."""
        if sub is None and "!" in target and not self._path(target, number).exists():
            target = target.rsplit("!", 1)[0]
        return self.resolve(target, number)

    def _path(self, target: str, number) -> Path:
        """Where ``target`` points, included from line ``number``: as written if absolute, else beside that
        line's file."""
        path = Path(target)
        return path if path.is_absolute() else self.folder_of(number) / path

    def lines(self, full: Path, target: str, sub: str | None = None) -> list[tuple[int, str]]:
        """The numbered lines the include of ``full`` (written ``target``) brings: its first ``@startuml``
        block, or all of it; ``sub``: the lines between ``!startsub sub`` and ``!endsub``."""
        from flowlib.reading.source import read_text

        try:
            text = read_text(full)
        except DiagramError as err:
            raise LineError(f"cannot include {target}: {err.message}") from None
        name = str(full)
        if "\u2013" in text:
            text = text.replace("\u2013", "-")     # as in the diagram itself (see the driver)
        raw = text.splitlines()
        numbered = [(Located(i, name), line) for i, line in enumerate(raw, 1)]
        if sub is not None:
            return _sub(numbered, sub, target)
        return _cut_at_empty_sub(_first_block(numbered))


def _first_block(numbered):
    """The lines of the first ``@startuml`` block of an included file (all of it when it has none)."""
    blocks, current = [], None
    for number, line in numbered:
        if current is None:
            m = _START.match(line)
            if m:
                current = []
            continue
        if _END.match(line):
            blocks.append(current)
            current = None
            continue
        current.append((number, line))
    if current is not None:
        blocks.append(current)
    return blocks[0] if blocks else numbered


def _cut_at_empty_sub(numbered):
    """PlantUML 1.2026.8 drops an included file from an empty ``!startsub``/``!endsub`` pair on."""
    for index in range(len(numbered) - 1):
        if _STARTSUB.match(numbered[index][1]) and _ENDSUB.match(numbered[index + 1][1]):
            return numbered[:index]
    return numbered


def _sub(numbered, sub: str, target: str):
    out, inside, found = [], False, False
    for number, line in numbered:
        if inside:
            if _ENDSUB.match(line):
                inside = False
                continue
            out.append((number, line))
            continue
        m = _STARTSUB.match(line)
        if m and m.group("name") == sub:
            inside = found = True
    if not found:
        raise LineError(f"cannot include {target}!{sub}: the file has no '!startsub {sub}'")
    return out
