# LaborBridge 劳务协作平台
#   make run   create .venv, install, migrate ./var/laborbridge.sqlite3, load the demo, serve :8000
#   make test  ruff, import-linter, mypy and the duplicates check, then the whole suite on SQLite and on PostgreSQL
# LB_DATABASE_URL=postgresql+psycopg://... switches `make run` to PostgreSQL.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres

.PHONY: run test lint install messages bench clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "LaborBridge needs Python 3.11 or newer; found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/laborbridge db upgrade
	$(BIN)/laborbridge demo
	$(BIN)/laborbridge serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python scripts/check_duplicates.py

# The SQLite leg ignores any LB_TEST_DATABASE_URL from the shell; the PostgreSQL leg
# fails (never skips) under CI=true when the server cannot be reached.
test: lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite: $(STAMP)
	env -u LB_TEST_DATABASE_URL $(BIN)/pytest -p no:cacheprovider

test-postgres: $(STAMP)
	LB_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -p no:cacheprovider

messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 --no-location \
		--sort-output --project LaborBridge -o web/translations/messages.pot .
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations -l zh_CN \
		--no-fuzzy-matching --ignore-obsolete --width 100

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
