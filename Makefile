# The course's two commands: `make lab` opens it, `make test` runs every test.
# Each sets everything up on its own: a virtual environment in .venv, flowlib installed in it, and
# the system programs (Graphviz; PlantUML and Chromium for the tests) installed with apt when missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test bench site system-lab system-test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,lab]"
	touch $@

system-lab:
	@scripts/ensure-system-deps dot

system-test:
	@scripts/ensure-system-deps dot plantuml chromium

lab: $(STAMP) system-lab
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) --notebook-dir=notebooks 00-overview.ipynb

test: $(STAMP) system-test
	$(BIN)/python -m pytest

bench: $(STAMP) system-test
	$(BIN)/python -m benchmarks

site: $(STAMP) system-lab
	$(BIN)/python -m scripts.site

clean:
	rm -rf $(VENV) _site benchmarks/out tests/e2e/out .pytest_cache .hypothesis
