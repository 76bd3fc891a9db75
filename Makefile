# arreport: `make reports` builds the demo site, `make test` runs the suite.
# Each target sets itself up on a fresh machine: Debian libraries, a virtual environment, the package.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_LEDGER := examples/demo
DEMO_AS_OF := $(shell cat $(DEMO_LEDGER)/AS_OF 2>/dev/null)
OUT ?= site

.PHONY: reports test bench setup system-deps lint clean demo-ledger docs

reports: setup
	$(BIN)/arreport build --ledger $(DEMO_LEDGER) --policies policies --as-of $(DEMO_AS_OF) --out $(OUT)

test: setup
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/bench_aging.py

setup: system-deps $(STAMP)

# WeasyPrint needs Pango; libharfbuzz-subset0 makes its font subsetting ~10x faster;
# poppler-utils turns PDFs into text and pictures for the tests.
system-deps:
	@bash scripts/system-deps.sh

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

docs: setup
	$(BIN)/python -m arreport.policy.reference > docs/policies.md

demo-ledger: setup
	$(BIN)/python scripts/generate_ledger.py --demo --out $(DEMO_LEDGER)

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache
