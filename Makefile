# `make run` starts the bot, `make test` runs the checks; each creates .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $@

run: $(VENV)/.installed
	$(PY) -m bot

test: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m mypy bot

bench: $(VENV)/.installed-bench
	$(PY) benchmarks/baselines.py
	$(PY) benchmarks/matcher_speed.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
