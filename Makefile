# The two Quick-start commands: `make run` and `make test`. Everything else is a helper of theirs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= warehouse.duckdb
OUT ?= out
TEST_DB := build/test.duckdb

.PHONY: run test setup ingest build export lint test-python test-dbt test-spark docs clean fuzz check-real check-heldback

$(BIN)/jixiao: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --quiet --upgrade pip
	$(BIN)/pip install --quiet --quiet -c requirements.lock -e ".[dev]"
	touch $@

setup: $(BIN)/jixiao

# Partial documents (sample 000 starts mid-form) are warnings: ingest exits 0 on the samples. Exit 1
# (a sample failed, or a file was skipped) stops `make run` here: that would be a regression.
ingest: setup
	$(BIN)/jixiao ingest data/samples --db $(DB)

build: setup
	$(BIN)/jixiao build --db $(DB)

export: setup
	$(BIN)/jixiao export --db $(DB) --out $(OUT)

# Output fits on a screen: the ingest summary, dbt's warnings and errors and one summary line
# (`jixiao build --log-level info` shows every node), and where the exported files are.
run: ingest build export

lint: setup
	$(BIN)/ruff check ingest tests bench deploy sqlfluff_libs
	$(BIN)/ruff format --check ingest tests bench deploy sqlfluff_libs
	$(BIN)/sqlfluff lint models macros analyses tests/dbt

# dbt build on the bundled samples: every model, seed, data test and unit test.
test-dbt: setup
	mkdir -p build && rm -f $(TEST_DB)
	$(BIN)/jixiao ingest data/samples --db $(TEST_DB) > /dev/null
	$(BIN)/jixiao build --db $(TEST_DB)

test-python: setup
	$(BIN)/pytest

test: lint test-dbt test-python

# The same ingest and dbt project on local Spark (README "Scaling out"): the Spark ingest into a
# Parquet lake, dbt build --target spark with every data and unit test, and the equivalence of every
# mart with DuckDB's. Apart from `make test` (it would take it past 10 minutes); .ci/run runs both.
test-spark: setup
	$(BIN)/pytest -m spark tests/test_spark_ingest.py tests/test_spark_marts.py

# Real documents with hand-typed answers (tests/real/README.md): every <id>.txt under tests/real
# except tests/real/heldback/ is ingested into build/real.duckdb and scored against its
# <id>.gold.json by `jixiao check` (the semantics of tests/real/score_real.py). The held-back
# documents, if any, get a warehouse and a report of their own: never part of the main figures.
REAL_DB := build/real.duckdb
HELDBACK_DB := build/real-heldback.duckdb
REAL_DOCS = $(shell find tests/real -type f -name '*.txt' -not -path 'tests/real/heldback/*' | sort)
REAL_GOLD = $(shell find tests/real -type f -name '*.gold.json' -not -path 'tests/real/heldback/*' | sort)
HELDBACK_DOCS = $(shell find tests/real/heldback -type f -name '*.txt' 2>/dev/null | sort)
HELDBACK_GOLD = $(shell find tests/real/heldback -type f -name '*.gold.json' 2>/dev/null | sort)

check-real: setup
	mkdir -p build && rm -f $(REAL_DB)
	@echo "== real documents: tests/real (shared, collected; heldback excluded) =="
	@$(BIN)/jixiao ingest $(REAL_DOCS) --db $(REAL_DB) > build/real-ingest.log || [ $$? -eq 1 ]
	@head -n 3 build/real-ingest.log; echo "(ingest log: build/real-ingest.log)"; echo
	@$(BIN)/jixiao check --db $(REAL_DB) --expected $(REAL_GOLD)

# The held-back real documents, scored apart and only when asked: nothing is tuned on them.
check-heldback: setup
	mkdir -p build && rm -f $(HELDBACK_DB)
	@echo "== held back: tests/real/heldback (reported apart) =="
	@$(BIN)/jixiao ingest $(HELDBACK_DOCS) --db $(HELDBACK_DB) > build/real-heldback-ingest.log || [ $$? -eq 1 ]
	@head -n 3 build/real-heldback-ingest.log; echo "(ingest log: build/real-heldback-ingest.log)"; echo
	@$(BIN)/jixiao check --db $(HELDBACK_DB) --expected $(HELDBACK_GOLD)

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

# DuckDB and local Spark side by side on the same collection, in one run (README "Scaling out").
.PHONY: bench-engines
bench-engines: setup
	$(BIN)/python -m bench.engines --n $(N)

docs: setup
	JIXIAO_DB=$(DB) $(BIN)/dbt docs generate

clean:
	rm -rf build target logs $(OUT) $(DB)
