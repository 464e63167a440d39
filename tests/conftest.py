"""Hypothesis profiles: the same examples on every run by default (CI must not turn red by chance);
``HYPOTHESIS_PROFILE=explore pytest tests/test_parser_properties.py`` draws new ones, to hunt for
differences from PlantUML (turn any found into a fixed case in tests/test_parser_oracle.py)."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("deterministic", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))
