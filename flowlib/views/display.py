"""How flowlib's objects show themselves in Jupyter: one ``_repr_mimebundle_`` with IPython's meaning.

Rule 1: every object that a notebook cell can display derives from :class:`Displayable` and lists its
MIME types in ``_mime_types``; nothing else writes ``_repr_mimebundle_``.

IPython's ``DisplayFormatter.format`` reads ``include`` and ``exclude`` by truth value: an empty or
missing ``include`` keeps every type, a non-empty one keeps only the types it names, and ``exclude``
drops the types it names even when ``include`` names them too. :func:`wanted` says exactly that, and
only the wanted types are computed (a Graphviz layout or a table is not built to be thrown away).
"""

from __future__ import annotations

from collections.abc import Callable, Collection


def wanted(mime: str, include: Collection[str] | None = None, exclude: Collection[str] | None = None) -> bool:
    """Whether ``mime`` belongs in a bundle asked for with ``include`` and ``exclude`` (IPython's rule).

    >>> wanted("text/html"), wanted("text/html", []), wanted("text/html", ["text/plain"])
    (True, True, False)
    >>> wanted("text/html", ["text/html"], ["text/html"])
    False
    """
    return (not include or mime in include) and not (exclude and mime in exclude)


class Displayable:
    """A base for objects a notebook displays: subclasses return ``{MIME type: data}`` from
    :meth:`_mime_types`, where data that is expensive to make is given as a function that makes it
    (MIME data itself is text, bytes or a dict, never callable).

    >>> class Note(Displayable):
    ...     def _mime_types(self):
    ...         return {"text/html": lambda: "<b>hi</b>", "text/plain": "hi"}
    >>> Note()._repr_mimebundle_(exclude=["text/html"])
    {'text/plain': 'hi'}
    """

    __slots__ = ()

    def _mime_types(self) -> dict[str, object | Callable[[], object]]:
        raise NotImplementedError

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs) -> dict:
        return {
            mime: data() if callable(data) else data
            for mime, data in self._mime_types().items()
            if wanted(mime, include, exclude)
        }
