"""Benchmarks: flowlib against PlantUML's own parser and renderer, on generated diagrams (``make bench``)."""
