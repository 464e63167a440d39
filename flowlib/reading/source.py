"""Reading text files: the one place where I/O problems become a located :class:`DiagramError`."""

from __future__ import annotations

import os
import stat

from flowlib.errors import DiagramError

MAX_BYTES = 64 * 1024 * 1024  # far above any real diagram (100k messages is about 5 MB)

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a pipe"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def read_text(path: str | os.PathLike) -> str:
    """The UTF-8 text of a regular file.

    A missing, unreadable, non-regular or oversized file, or bytes that are not UTF-8, raise a
    :class:`DiagramError` naming the file (and, for a bad byte, its line and column), never an
    ``OSError``; a device such as ``/dev/zero`` or a pipe is refused before it is read.

    >>> read_text("/nonexistent.puml")
    Traceback (most recent call last):
    ...
    flowlib.errors.DiagramError: /nonexistent.puml: error: cannot read file: No such file or directory
    """
    name = str(path)
    try:
        mode = os.stat(path).st_mode  # before opening: opening a pipe would wait for a writer
        for test, kind in _KINDS:
            if test(mode):
                raise DiagramError(f"cannot read file: it is {kind}, not a regular file", file=name)
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise DiagramError(f"cannot read file: {exc.strerror or exc}", file=name) from None
    if len(data) > MAX_BYTES:
        raise DiagramError(f"cannot read file: larger than {MAX_BYTES // (1024 * 1024)} MB", file=name)
    return decode(data, name)


def decode(data: bytes, name: str) -> str:
    """``data`` as UTF-8 text; a byte that is not UTF-8 raises a DiagramError at its line and column.

    >>> decode("Alice -> Bob: héllo".encode(), "flow.puml")
    'Alice -> Bob: héllo'
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        end = data.find(b"\n", exc.start)
        line_bytes = data[start:] if end == -1 else data[start:end]
        column = len(data[start:exc.start].decode("utf-8", errors="replace")) + 1
        raise DiagramError(f"cannot read file: not UTF-8 text ({exc.reason}: byte 0x{data[exc.start]:02x})",
                           file=name, line=data.count(b"\n", 0, exc.start) + 1, column=column,
                           source_line=line_bytes.decode("utf-8", errors="replace")) from None

