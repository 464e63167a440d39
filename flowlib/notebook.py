"""IPython and Jupyter: a DiagramError shown as a short panel instead of a traceback into the library.

Rule 1: IPython keeps one custom exception handler per shell. :func:`show_exceptions` is the only place
that sets it: it adds its exception types to those already handled and hands the others on to the
handler that was there, so that flowlib's panel and an application's own handlers (a course's hint for
a ``NameError``) live side by side, whichever was installed first.

``import flowlib`` inside a running IPython shell (a Jupyter kernel, the IPython terminal) calls
:func:`show_errors_briefly`; outside IPython it does nothing, and IPython is never imported here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from flowlib.errors import DiagramError

#: The note under each panel: where the full traceback still is.
TRACEBACK_NOTE = "%tb shows the full traceback."


def running_shell(shell=None):
    """``shell``, or by default the running IPython shell; None when it is not an IPython shell (IPython is
    looked up only when something imported it already).

    >>> shell = running_shell()
    >>> shell is None or hasattr(shell, "set_custom_exc")
    True
    >>> running_shell(object()) is None
    True
    """
    if shell is None:
        get = getattr(sys.modules.get("IPython"), "get_ipython", None)
        shell = get() if get is not None else None
    return shell if hasattr(shell, "set_custom_exc") else None


def show_exceptions(shell, types: tuple[type[BaseException], ...], show: Callable[[BaseException], None]) -> None:
    """Have ``shell`` call ``show(error)`` for exceptions of ``types`` instead of printing a traceback.

    Exceptions that an earlier call (or anyone's ``set_custom_exc``) handles keep their handler. The
    cell still fails: "Run All" stops there, and ``%tb`` prints the traceback.

    >>> class Shell:  # the two things of IPython's shell that this uses
    ...     custom_exceptions = ()
    ...     def set_custom_exc(self, types, handler):
    ...         self.custom_exceptions, self.CustomTB = types, handler
    >>> shell = Shell()
    >>> show_exceptions(shell, (KeyError,), print)
    >>> shell.custom_exceptions
    (<class 'KeyError'>,)
    """
    previous_types = tuple(shell.custom_exceptions)
    previous = shell.CustomTB if previous_types else None
    new = tuple(t for t in types if t not in previous_types)
    if not new:
        return

    def handler(self, etype, value, tb, tb_offset=None):
        if isinstance(value, new):
            sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb  # for %tb
            if sys.version_info >= (3, 12):
                sys.last_exc = value
            show(value)
            return []
        return previous(etype, value, tb, tb_offset=tb_offset)

    shell.set_custom_exc(previous_types + new, handler)


def show_diagram_error(error: DiagramError) -> None:
    """Display ``error`` as the short panel (HTML, with its plain text for terminals).

    Outside a notebook, the text is printed:

    >>> import contextlib, io
    >>> shown = io.StringIO()
    >>> with contextlib.redirect_stdout(shown):
    ...     show_diagram_error(DiagramError("no such participant", line=2))
    >>> "<string>:2: error: no such participant" in shown.getvalue()
    True
    """
    from IPython.display import display

    from flowlib.views.problems import problem_html

    text = f"{error}\n({TRACEBACK_NOTE})"
    display({"text/plain": text, "text/html": problem_html(error, footer=TRACEBACK_NOTE)}, raw=True)


def show_errors_briefly(shell=None) -> bool:
    """Show :class:`DiagramError` in ``shell`` (default: the running one) as a short panel; False without IPython.

    >>> show_errors_briefly(object())   # not an IPython shell
    False
    """
    if (shell := running_shell(shell)) is None:
        return False
    show_exceptions(shell, (DiagramError,), show_diagram_error)
    return True


def load_ipython_extension(ipython) -> None:
    """``%load_ext flowlib.notebook``: the same as importing flowlib in the shell.

    >>> class Shell:  # the two things of IPython's shell that this uses
    ...     custom_exceptions = ()
    ...     def set_custom_exc(self, types, handler):
    ...         self.custom_exceptions = types
    >>> shell = Shell()
    >>> load_ipython_extension(shell)
    >>> shell.custom_exceptions
    (<class 'flowlib.errors.DiagramError'>,)
    """
    show_errors_briefly(ipython)
