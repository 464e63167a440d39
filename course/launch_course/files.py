"""Where the course's content lives: package data read through :mod:`importlib.resources`, never a checkout.

>>> content_path("quiz.yaml").name
'quiz.yaml'
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

#: The folder of the course's content files (diagrams and YAML), inside the installed package.
CONTENT = files("launch_course") / "content"


def content_path(name: str | Path) -> Path:
    """The content file ``name`` as a path (a bare file name), or ``name`` itself when it has a folder.

    >>> content_path("launch-instance.puml").is_file()
    True
    """
    path = Path(name)
    return Path(str(CONTENT / path.name)) if path.parent == Path(".") else path
