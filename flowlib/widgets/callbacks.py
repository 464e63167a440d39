"""Widget plumbing: callbacks that report their errors in the widget, and the MIME data of an anywidget."""

from __future__ import annotations

import functools
import traceback


def guarded(method):
    """Run a widget callback; show any exception in the widget's ``_errors`` Output.

    >>> class Demo:
    ...     class _errors:
    ...         shown = []
    ...         @classmethod
    ...         def append_stderr(cls, text):
    ...             cls.shown.append(text.splitlines()[-1])
    ...     @guarded
    ...     def on_click(self):
    ...         raise ValueError("bad")
    >>> Demo().on_click(); Demo._errors.shown
    ['ValueError: bad']
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception:  # noqa: BLE001 - a callback has nowhere else to report
            self._errors.append_stderr(traceback.format_exc())

    return wrapper


def widget_mimes(widget) -> dict:
    """The MIME data that shows ``widget`` (an anywidget) in a front end with a widget manager.

    anywidget returns ``(data, metadata)``; :class:`flowlib.views.display.Displayable` merges plain data.

    >>> import anywidget
    >>> class Counter(anywidget.AnyWidget):
    ...     _esm = "export default { render() {} }"
    >>> sorted(widget_mimes(Counter()))
    ['application/vnd.jupyter.widget-view+json', 'text/plain']
    """
    import anywidget

    shown = anywidget.AnyWidget._repr_mimebundle_(widget)
    return shown[0] if isinstance(shown, tuple) else (shown or {})
