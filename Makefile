# The course's two commands: `make lab` opens it, `make test` runs every test.
# Each sets everything up on its own: a virtual environment in .venv, flowlib installed in it, and
# the system programs (Graphviz; PlantUML and Chromium for the tests) installed with apt when missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# JupyterLab's own calls home (news, update check, PyPI's extension list), off: the course works offline.
LAB_OFFLINE := --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	--LabApp.extension_manager=readonly

.PHONY: lab test bench site notebooks system-lab system-test clean

$(STAMP): pyproject.toml course/pyproject.toml
	@PYTHON=$(PYTHON) scripts/ensure-system-deps venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,lab]" -e ./course
	touch $@

system-lab:
	@scripts/ensure-system-deps dot

# PlantUML 1.2026.8 (the reference the tests and the bench compare with) comes from npm, into a cache outside
# the checkout; Debian's 1.2020.02 (the plantuml package) stays as the second reference.
system-test:
	@scripts/ensure-system-deps dot plantuml java npm chromium
	@scripts/ensure-plantuml-jar >/dev/null
	@scripts/ensure-mermaid >/dev/null
	@scripts/ensure-axe >/dev/null

PLANTUML_JAR_2026 = $$(scripts/ensure-plantuml-jar)
# mermaid 11 and jsdom (npm, into the same cache): the Mermaid exports are parsed by mermaid itself.
MERMAID_DIR = $$(scripts/ensure-mermaid)
# axe-core (npm, into the same cache): the browser tests run its accessibility rules on the site and in JupyterLab.
AXE_DIR = $$(scripts/ensure-axe)

# JupyterHub's proxy (npm's configurable-http-proxy) for the hub test and benchmark: installed beside the
# virtual environment (make clean removes it), never in git.
CHP := $(VENV)/chp/node_modules/.bin/configurable-http-proxy
$(CHP): | $(STAMP) system-test
	npm install --silent --no-audit --no-fund --prefix $(VENV)/chp configurable-http-proxy@5

# IPython runs course/launch_course/startup.py when a kernel starts: a cell run before a notebook's setup
# cell then says which cell to run first, instead of a bare NameError.
lab: export PYTHONSTARTUP := $(CURDIR)/course/launch_course/startup.py
lab: $(STAMP) system-lab
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_OFFLINE) \
		--notebook-dir=notebooks notebooks/00-overview.ipynb

# Every test, in two runs: the notebooks (nbval) with no network but loopback (scripts/offline: unshare -n,
# or with the network, saying why, where that is impossible), then everything in tests/ and every module's
# docstring examples (--doctest-modules, from pyproject's addopts). Both always run.
# (The second run names its folders because --ignore does not filter pyproject's testpaths.)
test: $(STAMP) system-test $(CHP)
	@status=0; \
	scripts/offline $(BIN)/python -m pytest notebooks || status=1; \
	PLANTUML_JAR=$(PLANTUML_JAR_2026) MERMAID_DIR=$(MERMAID_DIR) AXE_DIR=$(AXE_DIR) $(BIN)/python -m pytest tests flowlib course/launch_course \
		|| status=1; \
	exit $$status

bench: $(STAMP) system-test $(CHP)
	PLANTUML_JAR=$(PLANTUML_JAR_2026) $(BIN)/python -m benchmarks

site: $(STAMP) system-lab
	$(BIN)/python -m scripts.site

# The notebooks, built from their MyST sources (course/notebooks/NN-name.md) and executed with widget state.
# All of them, or some: make notebooks NB="01 07". scripts/build_notebooks.py --check only compares cells.
NB ?=
notebooks: $(STAMP) system-lab
	$(BIN)/python scripts/build_notebooks.py $(NB)

clean:
	rm -rf $(VENV) _site benchmarks/out tests/e2e/out .pytest_cache .hypothesis
