# The two Quick-start commands: `make run` and `make test`. Everything else is a helper of theirs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= warehouse.duckdb
OUT ?= out
TEST_DB := build/test.duckdb

.PHONY: run test setup ingest build export report chromium lint test-python test-dbt test-spark docs clean fuzz check-real check-heldback check-shapes

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

report: setup
	$(BIN)/jixiao report --db $(DB) --out $(OUT)/report.html

# Output fits on a screen: the ingest summary, dbt's warnings and errors and one summary line
# (`jixiao build --log-level info` shows every node), where the exported files are, and the report.
run: ingest build export report

lint: setup
	$(BIN)/ruff check ingest tests bench deploy sqlfluff_libs
	$(BIN)/ruff format --check ingest tests bench deploy sqlfluff_libs
	$(BIN)/sqlfluff lint --processes 0 models macros analyses tests/dbt

# dbt build on the bundled samples: every model, seed, data test and unit test. `make test` does the
# same build as pytest's first fixture (tests/conftest.py sample_warehouse), so it needs no step of its own.
test-dbt: setup
	mkdir -p build && rm -f $(TEST_DB)
	$(BIN)/jixiao ingest data/samples --db $(TEST_DB) > /dev/null
	$(BIN)/jixiao build --db $(TEST_DB)

# The test PDFs embed a Chinese TrueType font (tests/pdf_forms.py): Debian's fonts-wqy-microhei,
# installed here when it is missing and apt-get can (root); otherwise the PDF and OCR tests are
# skipped, each saying why.
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
.PHONY: test-fonts
test-fonts:
	@test -f $(CJK_FONT) || { [ "$$(id -u)" = 0 ] && command -v apt-get > /dev/null && \
	  { apt-get install -y -qq fonts-wqy-microhei > /dev/null 2>&1 || \
	    { apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei > /dev/null; }; }; } || \
	  echo "WARNING: no CJK font at $(CJK_FONT): the PDF and OCR tests will be SKIPPED (apt-get install fonts-wqy-microhei)"

# Test files are spread over one worker a core (pytest-xdist), whole files at a time, so a module's
# fixtures (a built warehouse) are made once. `make test TEST_WORKERS=0` runs them in one process.
TEST_WORKERS ?= auto
test-python: setup chromium test-fonts
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

# The report's browser test (tests/test_report.py) drives Debian's chromium, with a font that has
# Chinese glyphs. Found, or installed through apt as root; otherwise the test is skipped and says
# so loudly (here and in pytest's summary).
chromium:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then \
		: ; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium and fonts-wqy-microhei for the report's browser test (apt-get)"; \
		mkdir -p build; (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei \
			> build/apt-chromium.log 2>&1) || echo "!!! WARNING: apt-get could not install chromium (build/apt-chromium.log): the report's browser test will be SKIPPED"; \
	else \
		echo "!!! WARNING: chromium is not installed and cannot be (not root, or no apt-get): the report's browser test will be SKIPPED"; \
	fi

test: lint test-python

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

# The development pages printed again in other text shapes (tabs, bars, one cell a line, spaces):
# how much of the score is the reader's and how much the shape the page happened to be stored in.
check-shapes: setup
	mkdir -p build && $(BIN)/python tests/real/reshape.py build/shapes
	@for folder in build/shapes/*/; do shape=$$(basename $$folder); \
		rm -f build/shapes/$$shape.duckdb; \
		$(BIN)/jixiao ingest build/shapes/$$shape/*.txt --db build/shapes/$$shape.duckdb > build/shapes/$$shape.log || [ $$? -eq 1 ]; \
		echo "== $$shape"; \
		$(BIN)/jixiao check --db build/shapes/$$shape.duckdb --expected build/shapes/$$shape | grep -A5 '^forms found'; \
	done

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

# The format mix (README "Reading files of every format"): XLSX, DOCX and HTML files of real forms
# with merged cells, forms per second read and ingested (bench/office_formats.py).
# `make bench-formats FILES=500`.
FILES ?= 200
.PHONY: bench-formats
bench-formats: setup
	$(BIN)/python -m bench.office_formats --files $(FILES)

# PDF pages per second, text layer and OCR (bench/pdf_pages.py, README "PDF, scanned PDF and
# images"): PAGES text-layer pages and OCR_PAGES scanned pages of real forms, read and ingested.
PAGES ?= 100
OCR_PAGES ?= 4
.PHONY: bench-pdf
bench-pdf: setup test-fonts
	$(BIN)/python -m bench.pdf_pages --text-pages $(PAGES) --ocr-pages $(OCR_PAGES)

# DuckDB and local Spark side by side on the same collection, in one run (README "Scaling out").
.PHONY: bench-engines
bench-engines: setup
	$(BIN)/python -m bench.engines --n $(N)

docs: setup
	JIXIAO_DB=$(DB) $(BIN)/dbt docs generate

clean:
	rm -rf build target logs $(OUT) $(DB)
