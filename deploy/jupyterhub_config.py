"""JupyterHub on one machine for the course: JupyterLab for everyone, solutions for instructors.

    COURSE_INSTRUCTORS=alice,bob .venv/bin/jupyterhub -f deploy/jupyterhub_config.py

Run it where the course's environment is installed (environment.yml, or make lab's .venv): each learner's
server and kernels use that Python, so flowlib, launch_course, nbgitpuller and JupyterLab come from it.
Learners get the notebooks with an nbgitpuller link (README, Instructors). Users and logins are the
machine's (JupyterHub's defaults: PAM, one system user per learner); set another authenticator here or
on the command line. tests/test_hub.py runs this file with a dummy login and one process per learner.
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub defines get_config in its config files)

#: Users whose servers show exercise solutions: the group 'instructors', filled from COURSE_INSTRUCTORS
#: (comma-separated) when the hub starts; admins can add members in the hub's admin page.
INSTRUCTORS = [name.strip() for name in os.environ.get("COURSE_INSTRUCTORS", "").split(",") if name.strip()]
c.JupyterHub.load_groups = {"instructors": {"users": INSTRUCTORS}}

# The proxy: where make test installs it, beside the virtual environment (.venv/chp); else on PATH (conda's
# jupyterhub brings it).
PROXY = Path(sys.prefix, "chp", "node_modules", ".bin", "configurable-http-proxy")
if PROXY.exists():
    c.ConfigurableHTTPProxy.command = [str(PROXY)]

# Learners land in JupyterLab (the nbgitpuller link names the notebook to open).
c.Spawner.default_url = "/lab"
# A class logs in at once: on a small machine twenty servers may take a minute to start.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180


def _startup_file():
    """launch_course/startup.py in the installed course: a cell run too early names the cell to run first."""
    try:
        from importlib.resources import files

        path = files("launch_course") / "startup.py"
    except ImportError:  # a hub in an environment without the course
        return None
    return str(path) if path.is_file() else None


# Learners' servers: the learner edition (solutions hidden, whatever a learner's shell says).
c.Spawner.environment = {"COURSE_SOLUTIONS": "0"}
STARTUP = _startup_file()
if STARTUP:
    c.Spawner.environment["PYTHONSTARTUP"] = STARTUP
# Instructors' servers: solutions shown (JupyterHub merges this into the environment above).
c.Spawner.group_overrides = {
    "instructors-see-solutions": {
        "groups": ["instructors"],
        "spawner_override": {"environment": {"COURSE_SOLUTIONS": "1"}},
    },
}
