# Two commands for a newcomer: `make app` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8866

.PHONY: app test lint format bench clean-db system-deps

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

system-deps:
	bash scripts/system-deps.sh

data/salesops.db: | $(VENV)/.installed
	$(PY) -m salesops init --demo

app: $(VENV)/.installed data/salesops.db
	$(PY) -m salesops serve --port $(PORT)

test: $(VENV)/.installed system-deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: $(VENV)/.installed system-deps
	$(PY) -m pip install -q -e '.[dev,bench]'
	$(PY) -m bench.run $(BENCH_ARGS)
