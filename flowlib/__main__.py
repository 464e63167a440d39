"""``python -m flowlib``: the command line."""

from .cli import main

raise SystemExit(main())
