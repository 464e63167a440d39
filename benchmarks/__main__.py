"""``python -m benchmarks``: run every benchmark and print the tables and the targets (see README.md)."""

import sys

from .run import main

sys.exit(main())
