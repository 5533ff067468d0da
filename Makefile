# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# The browser tests drive Debian's Chromium (never a downloaded browser) and inject axe-core.
CHROMIUM ?= /usr/bin/chromium
AXE := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: run test install install-test browser-tools lint typecheck migrate seed clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/matching db upgrade

seed: migrate
	$(BIN)/matching seed reference
	$(BIN)/matching seed demo --if-empty

## Set up, migrate an SQLite database under instance/, load reference and demo data, serve.
run: seed
	$(BIN)/matching serve --host $(HOST) --port $(PORT)

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	else echo "Chromium is missing: run 'sudo apt-get install -y chromium'" >&2; exit 1; fi

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

browser-tools: $(CHROMIUM) $(AXE)

## Set up with the test extras and run the whole suite (PostgreSQL too when
## MATCHING_TEST_POSTGRES_URL is set), then lint and type-check.
test: install-test browser-tools
	$(BIN)/pytest -n 2 --dist loadfile
	$(BIN)/ruff check .
	$(BIN)/mypy matching

lint: install-test
	$(BIN)/ruff check .

typecheck: install-test
	$(BIN)/mypy matching

## Extract the Dutch texts into the template, merge them into the English catalogue (or
## start it), and compile it. New or changed texts come out empty or fuzzy: translate them.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --project="Matching Utrecht" \
		-o matching/web/translations/messages.pot .
	if [ -f matching/web/translations/en/LC_MESSAGES/messages.po ]; then \
		$(BIN)/pybabel update -i matching/web/translations/messages.pot \
			-d matching/web/translations -l en --ignore-obsolete; \
	else \
		$(BIN)/pybabel init -i matching/web/translations/messages.pot \
			-d matching/web/translations -l en; \
	fi
	$(BIN)/pybabel compile -d matching/web/translations

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
