# arreport: `make reports` builds the demo site, `make test` runs the suite.
# Each target sets itself up on a fresh machine: Debian libraries, a virtual environment, the package.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_LEDGER := examples/demo
DEMO_AS_OF := $(shell cat $(DEMO_LEDGER)/AS_OF 2>/dev/null)
OUT ?= site

.PHONY: reports test bench setup system-deps lint clean demo-ledger docs messages

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

# the documents' words for translators: extract them from the templates, merge into each .po
LOCALE := reports/templates/locale
messages: setup
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --omit-header -o $(LOCALE)/messages.pot .
	$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) -D messages --ignore-obsolete --ignore-pot-creation-date

demo-ledger: setup
	$(BIN)/python scripts/generate_ledger.py --demo --out $(DEMO_LEDGER)

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache
