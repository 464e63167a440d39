"""IPython start-up file for the course (``make lab`` sets ``PYTHONSTARTUP`` to this file's path).

Nothing is imported before a notebook's setup cell runs, so a cell run first would fail with a bare
``NameError``. IPython runs this file when the kernel starts, in the notebook's namespace: it installs
:func:`launch_course.notebook.install` and then removes its own name, leaving the namespace empty.
In a plain Python prompt it does nothing.
"""


def _course_startup() -> None:
    try:
        from launch_course.notebook import install
    except ImportError:  # the course is not installed in this environment
        return
    install()


_course_startup()
del _course_startup
