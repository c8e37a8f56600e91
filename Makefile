# newsdesk: every target installs what it needs by itself (a .venv, Airflow, packages,
# Debian's chromium for the browser tests).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: install run demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium for the page tests (no browser download: only Debian's package).
.chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: install
	$(BIN)/python -m newsdesk.launch run

demo: install
	$(BIN)/python -m newsdesk.launch demo

lint: install
	$(BIN)/ruff check include tests dags plugins benchmarks
	$(BIN)/mypy

test: install .chromium lint
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf .newsdesk build *.egg-info
