# perflib: `make reports` builds every report, `make test` runs every test. `make help` lists all.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: help venv browser reports watch test test-fast bench lint clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv; \
	  else echo "make: $(PYTHON) cannot create a venv; run: sudo apt-get install -y python3-venv" >&2; exit 1; fi; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP) ## Create .venv and install perflib with its test tools

browser: $(STAMP) ## Make sure a Chromium is available to print PDFs
	@$(BIN)/python -m perflib.publish.browser

reports: $(STAMP) ## Build every report into reports/ (HTML even when no browser can be had)
	@$(MAKE) --no-print-directory browser || echo "make: no browser: building the HTML reports only" >&2
	$(BIN)/perflib build

watch: $(STAMP) ## Build, then rebuild the reports on every save under data/ (Ctrl-C to stop)
	@$(MAKE) --no-print-directory browser || echo "make: no browser: HTML and Word reports only" >&2
	$(BIN)/perflib watch

test: $(STAMP) browser ## Run every test, including real builds in Chromium
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## Run the fast tests only: no browser, no notebook run (under a minute)
	$(BIN)/python -m pytest -m "not e2e"

bench: $(STAMP) browser ## Time the naive chain against perflib build, and the rules engine
	$(BIN)/python benchmarks/bench.py

lint: $(STAMP) ## Lint the package and tests
	$(BIN)/ruff check perflib tests benchmarks

clean: ## Remove built reports, every portfolio's (not the data)
	find reports -mindepth 1 -maxdepth 1 ! -name README.md ! -name .perflib-reports -exec rm -rf {} +
