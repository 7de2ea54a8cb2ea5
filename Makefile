# p3dn: the two commands of the README, and the checks behind them.
#   make demo   install, load the real demo data into SQLite and serve http://127.0.0.1:8000
#   make test   install everything the tests need, lint, type-check and run the whole suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip install --disable-pip-version-check -q -c constraints.txt
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test lint pytest system-deps messages openapi clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e .
	touch $@

$(VENV)/.dev: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[dev]'
	touch $@ $(VENV)/.runtime

demo: $(VENV)/.runtime
	@bash scripts/install-system-deps.sh --runtime
	P3DN_LOCAL=True $(BIN)/p3dn demo
	P3DN_LOCAL=True $(BIN)/p3dn serve --host $(HOST) --port $(PORT)

system-deps:
	@bash scripts/install-system-deps.sh

test: $(VENV)/.dev system-deps lint pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	P3DN_DEBUG=True $(BIN)/mypy p3dn

pytest: $(VENV)/.dev
	$(BIN)/pytest

messages: $(VENV)/.dev
	cd p3dn && P3DN_DEBUG=True ../$(BIN)/django-admin makemessages -l id --no-obsolete --no-location --settings=p3dn.settings --pythonpath=..
	$(BIN)/python scripts/compile_messages.py

openapi: $(VENV)/.dev
	P3DN_DEBUG=True $(BIN)/python scripts/export_openapi.py > docs/api/openapi.json

clean:
	rm -rf $(VENV) build *.egg-info
