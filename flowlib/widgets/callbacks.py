"""Widget plumbing: the MIME data of an anywidget."""

from __future__ import annotations



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
