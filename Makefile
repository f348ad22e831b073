# The two Quick-start commands: `make run` and `make test`. Everything else is a helper of theirs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= warehouse.duckdb
OUT ?= out
TEST_DB := build/test.duckdb

.PHONY: run test setup ingest build export lint test-python test-dbt docs clean

$(BIN)/jixiao: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

setup: $(BIN)/jixiao

# Exit code 1 from ingest means "some documents failed or parsed partly": they are recorded in
# raw.parse_issues and the summary; the rest is loaded, so the run goes on.
ingest: setup
	$(BIN)/jixiao ingest data/samples --db $(DB) || [ $$? -eq 1 ]

build: setup
	$(BIN)/jixiao build --db $(DB)

export: setup
	$(BIN)/jixiao export --db $(DB) --out $(OUT)

run: ingest build export

lint: setup
	$(BIN)/ruff check ingest tests
	$(BIN)/sqlfluff lint models macros analyses tests/dbt

# dbt build on the bundled samples: every model, seed, data test and unit test.
test-dbt: setup
	mkdir -p build && rm -f $(TEST_DB)
	$(BIN)/jixiao ingest data/samples --db $(TEST_DB) > /dev/null || [ $$? -eq 1 ]
	$(BIN)/jixiao build --db $(TEST_DB)

test-python: setup
	$(BIN)/pytest

test: lint test-dbt test-python

docs: setup
	JIXIAO_DB=$(DB) $(BIN)/dbt docs generate

clean:
	rm -rf build target logs $(OUT) $(DB)
