"""Reading PlantUML sequence-diagram text into the frozen model: parse, parse_lenient and parse_file.

The text goes through :mod:`~flowlib.reading.blocks` (the ``@startuml`` block),
:mod:`~flowlib.reading.lines` (logical lines, with :mod:`~flowlib.reading.preprocess`), then the
command table of :mod:`~flowlib.reading.commands` (:mod:`~flowlib.reading.patterns` and
:mod:`~flowlib.reading.actions`) fills a :mod:`~flowlib.reading.builder`, which freezes into a
:class:`~flowlib.model.Diagram`; :mod:`~flowlib.reading.driver` runs it all.
"""

from flowlib.reading.driver import parse, parse_file, parse_lenient

__all__ = ["parse", "parse_file", "parse_lenient"]
