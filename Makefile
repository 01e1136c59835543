# Spyglass — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= build/demo
ARGS ?=
PYTEST_ARGS ?=

.PHONY: venv demo test test-fast lint bench clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## Build the bundled demo project (base + changed current), run the checks, print the summary, serve the UI.
demo: venv
	$(BIN)/spyglass demo --dir $(DEMO_DIR) $(ARGS)

## The whole suite: lint, types, unit, integration (DuckDB + PostgreSQL), GitLab fake, browser.
test: venv lint
	$(BIN)/pytest $(PYTEST_ARGS)

## Everything but the slow tests (dbt builds, PostgreSQL, browser).
test-fast: venv
	$(BIN)/pytest -m "not slow" $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check spyglass tests benchmarks
	$(BIN)/mypy spyglass

## Benchmarks, each printing ratios against a baseline measured in the same run.
bench: venv
	$(BIN)/python -m benchmarks $(ARGS)

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
