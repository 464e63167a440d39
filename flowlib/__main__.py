"""``python -m flowlib``: the command line."""

import gc

from flowlib.cli import main

status = main()
# The process ends here, and nothing it made needs the cyclic collector any more: frozen, the objects
# still alive are skipped by the collections Python runs while it shuts down (some 5 ms of inspecting a
# large diagram; make bench times it as a whole process). Memory is returned either way.
gc.freeze()
raise SystemExit(status)
