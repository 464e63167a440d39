"""pytest setup for the notebooks: nbval runs them in this environment's kernel, against the learner edition.

``pytest`` (see pyproject's testpaths and addopts) or ``pytest --nbval notebooks/`` both get the
sanitize rules in notebooks/nbval-sanitize.cfg and a kernel from the running Python, wherever pytest
is started from.
"""

from __future__ import annotations

import os
from pathlib import Path

SANITIZE = Path(__file__).resolve().parent / "notebooks" / "nbval-sanitize.cfg"


def pytest_configure(config):
    option = config.option
    if not (getattr(option, "nbval", False) or getattr(option, "nbval_lax", False)):
        return
    if getattr(option, "nbval_sanitize_with", None) is None:
        option.nbval_sanitize_with = str(SANITIZE)
    if not getattr(option, "nbval_kernel_name", None):
        option.nbval_current_env = True
    # The stored outputs are the learner edition: exercise solutions hidden, whatever the caller's shell says.
    os.environ.pop("COURSE_SOLUTIONS", None)
