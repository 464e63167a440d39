"""``python -m flowlib``: the command line."""

from flowlib.cli import run

run()
