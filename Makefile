# The two Quick-start commands: `make run` and `make test`. Everything else is a helper of theirs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= warehouse.duckdb
OUT ?= out
TEST_DB := build/test.duckdb

.PHONY: run test setup ingest build export lint test-python test-dbt docs clean fuzz

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

# A long fuzzing campaign of every parser: 50,000 random examples per parser and property
# (`make test` runs a fixed 2,000). Failures are kept in .hypothesis/ and replayed first next time.
fuzz: setup
	JIXIAO_FUZZ_PROFILE=fuzz $(BIN)/pytest tests/test_fuzz.py -p no:cacheprovider

# Benchmark at scale (bench/run.py, README "Performance"): a synthetic collection of N documents
# made from data/samples under build/bench/, then ingest, re-ingest, incremental ingest, dbt build
# and export timed through the real CLI. Prints a Markdown table. `make bench N=8000`.
N ?= 2000
.PHONY: bench
bench: setup
	$(BIN)/python -m bench.run --n $(N)

docs: setup
	JIXIAO_DB=$(DB) $(BIN)/dbt docs generate

clean:
	rm -rf build target logs $(OUT) $(DB)
