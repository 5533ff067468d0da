# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# The browser tests drive Debian's Chromium (never a downloaded browser) and inject axe-core.
CHROMIUM ?= /usr/bin/chromium
AXE := tests/browser/node_modules/axe-core/axe.min.js
# The locked design-system packages, which the tests compare the committed copy with.
DESIGN_PACKAGES := frontend/node_modules/.package-lock.json
# Every dependency (and the build backend) pinned with its hashes; `make lock` refreshes them.
LOCK := requirements/lock.txt
TEST_LOCK := requirements/test-lock.txt
# pip-tools gets a virtualenv of its own, outside the project's.
LOCK_TOOLS ?= /tmp/matching-lock-tools
LOCK_UPGRADE ?=
COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_TOOLS)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	--build-deps-for editable $(LOCK_UPGRADE)
# The project itself comes from the working tree with nothing fetched: it only installs when
# the lock holds everything pyproject.toml asks for.
STALE_LOCK = { echo "$< lacks what pyproject.toml asks for: run 'make lock'" >&2; exit 1; }

.PHONY: run test fuzz install install-test browser-tools lint typecheck migrate seed clean \
	translations lock design-system

# The virtualenv keeps the pip that comes with Python: nothing unhashed is downloaded.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-index --no-build-isolation -e . || $(STALE_LOCK)
	touch $@

$(VENV)/.installed-test: $(TEST_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(TEST_LOCK)
	$(BIN)/pip install --quiet --no-index --no-build-isolation -e ".[test]" || $(STALE_LOCK)
	touch $(VENV)/.installed $@

## Pin pyproject.toml's dependencies with their hashes for Python 3.11, as CI runs: the runtime
## ones in requirements/lock.txt, with the test extras in requirements/test-lock.txt. Pins of
## unchanged packages stay; `make lock LOCK_UPGRADE=--upgrade` moves all to the newest.
lock: $(LOCK_TOOLS)/bin/pip-compile
	@$(LOCK_TOOLS)/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and \
		"make lock needs Python 3.11 (PYTHON=python3.11), the version CI installs with")'
	$(COMPILE) --output-file $(LOCK) pyproject.toml
	$(COMPILE) --extra test --constraint $(LOCK) --output-file $(TEST_LOCK) pyproject.toml

$(LOCK_TOOLS)/bin/pip-compile:
	$(PYTHON) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/pip install --quiet "pip-tools>=7.4,<8"

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

browser-tools: $(CHROMIUM) $(AXE) $(DESIGN_PACKAGES)

## The municipality of Utrecht's NL Design System CSS (design tokens and components) and its
## typeface (Noto Sans), pinned in frontend/package-lock.json. The built files are copied, with
## their licences, into the static files and committed, so `pip install .` serves them with no
## npm at install time; tests/web/test_design_system.py checks the copy equals the locked files.
DESIGN_SYSTEM := matching/web/static/vendor/utrecht
TYPEFACE := matching/web/static/vendor/noto-sans
NOTO := frontend/node_modules/@fontsource-variable/noto-sans
$(DESIGN_PACKAGES): frontend/package.json frontend/package-lock.json
	npm ci --prefix frontend --no-audit --no-fund --loglevel=error
	touch $@

design-system: $(DESIGN_PACKAGES)
	for package in component-library-css design-tokens; do \
		mkdir -p $(DESIGN_SYSTEM)/$$package && \
		cp frontend/node_modules/@utrecht/$$package/dist/index.css \
			frontend/node_modules/@utrecht/$$package/LICENSE.md $(DESIGN_SYSTEM)/$$package/ \
			|| exit 1; \
	done
	rm -rf $(TYPEFACE) && mkdir -p $(TYPEFACE)/files
	cp $(NOTO)/index.css $(NOTO)/LICENSE $(TYPEFACE)/
	for font in $$(grep -o 'files/[^)]*\.woff2' $(NOTO)/index.css); do \
		cp $(NOTO)/$$font $(TYPEFACE)/files/ || exit 1; \
	done

## Set up with the test extras and run the whole suite (PostgreSQL too when
## MATCHING_TEST_POSTGRES_URL is set), then lint and type-check.
## Each worker builds the schema once and empties it between tests (tests/conftest.py);
## pytest-xdist hands out whole files, those with the most tests first (its own order, which
## it puts before the one tests/conftest.py sorts). Compiled files are written even where
## PYTHONDONTWRITEBYTECODE is set: else each worker, and each command a test starts,
## compiles the tests and the project anew (seconds each).
test: install-test browser-tools
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n 2 --dist loadfile
	$(BIN)/ruff check .
	$(BIN)/mypy matching

## The long runs `make test` keeps short: schemathesis with 100 examples per operation, role
## and mode (2 in the suite), the workflow state machine with 500 runs (25 in the suite), the
## demo built for each of three days at a year's edges (one in the suite).
fuzz: install-test
	MATCHING_FUZZ_EXAMPLES=100 MATCHING_STATEFUL_EXAMPLES=500 MATCHING_DEMO_DAYS=all \
		$(BIN)/pytest -n 2 --dist loadfile tests/api/test_schemathesis.py \
		tests/integration/test_stateful.py tests/integration/test_demo_logins.py

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
