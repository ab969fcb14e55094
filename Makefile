# perflib: `make reports` builds every report, `make test` runs every test. `make help` lists all.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
#: Exact versions, with hashes, of everything perflib and its tests install (make lock refreshes it)
LOCK := requirements.lock

.PHONY: help venv bytecode browser reports watch lab test test-fast bench lint docs lock clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv; \
	  else echo "make: $(PYTHON) cannot create a venv; run: sudo apt-get install -y python3-venv" >&2; exit 1; fi; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP) ## Create .venv and install perflib with its test tools

# perflib's compiled modules, brought up to date (only what changed is compiled): every process a
# build starts (kernels, the PDF/UA process, Dask workers) then reads them instead of compiling
# perflib again, even where PYTHONDONTWRITEBYTECODE keeps Python from writing them itself
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q perflib

browser: $(STAMP) ## Make sure a Chromium is available to print PDFs
	@$(BIN)/python -m perflib.formats.browser

reports: $(STAMP) bytecode ## Build every report into reports/ (HTML even when no browser can be had)
	@$(MAKE) --no-print-directory browser || echo "make: no browser: building the HTML reports only" >&2
	$(BIN)/perflib build

watch: $(STAMP) bytecode ## Build, then rebuild the reports on every save under data/ (Ctrl-C to stop)
	@$(MAKE) --no-print-directory browser || echo "make: no browser: HTML and Word reports only" >&2
	$(BIN)/perflib watch

# JupyterLab refuses to start as root unless told; root is what a container's shell often is, so
# it is told then, and only then (it still serves on localhost alone, behind its token)
NB ?= annual_report
lab: $(STAMP) bytecode ## Open a report notebook in JupyterLab (NB=quarterly_report for another)
	$(BIN)/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) $(LAB_ARGS) notebooks/$(NB).ipynb

# The fast tests are spread over the cores this machine lets us use (nproc, which heeds a
# container's CPU set where `-n auto` may count the host's) by pytest-xdist, each test in its own
# scratch folders; JOBS=0 runs them in this process. The real builds then run in one process, as
# each build already keeps two cores busy and they share one build of every report (conftest's
# `built`) that each worker would make again. Both parts run even when the first fails.
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
test: $(STAMP) bytecode browser ## Run every test: the fast ones on every core, then real builds in Chromium
	@status=0; \
	$(BIN)/python -m pytest -m "not e2e" -n $(JOBS) || status=$$?; \
	$(BIN)/python -m pytest -m e2e || status=$$?; \
	exit $$status

test-fast: $(STAMP) bytecode ## Run the fast tests on every core: no browser, no notebook run (under a minute)
	$(BIN)/python -m pytest -m "not e2e" -n $(JOBS)

bench: $(STAMP) bytecode browser ## Time the naive chain against perflib build, and the rules engine
	$(BIN)/python benchmarks/bench.py

lint: $(STAMP) ## Lint the package and tests, and type-check the package
	$(BIN)/ruff check perflib tests benchmarks docs
	$(BIN)/mypy perflib

docs: $(STAMP) bytecode ## Build the documentation site into docs/_build/html (warnings are errors)
	@$(BIN)/python docs/_ext/screenshots.py
	$(BIN)/sphinx-build -q -W --keep-going -b html docs docs/_build/html

lock: ## Refresh requirements.lock: the newest versions pyproject.toml allows, pinned with hashes
	@test -x $(VENV)/lock/bin/uv || { $(PYTHON) -m venv $(VENV)/lock && $(VENV)/lock/bin/pip install --quiet uv; }
	$(VENV)/lock/bin/uv pip compile pyproject.toml --extra test --extra docs --generate-hashes --quiet \
	  --python-version 3.11 --python-platform x86_64-unknown-linux-gnu --annotation-style line \
	  --custom-compile-command "make lock" -o $(LOCK)

clean: ## Remove built reports, every portfolio's (not the data)
	find reports -mindepth 1 -maxdepth 1 ! -name README.md ! -name .perflib-reports -exec rm -rf {} +
