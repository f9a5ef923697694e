# Two commands do all the set-up: `make serve` and `make test`.
# Each creates .venv if needed and installs the locked dependencies only when
# requirements.lock is newer than the last install.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# JavaScript tools (Biome), from package-lock.json, installed like the venv: only when the lock
# changes. `make test` installs them when npm is there; without Node.js its JS tests skip.
NODE_TOOLS := node_modules/.installed
NPM := $(shell command -v npm 2>/dev/null)
BIOME := node_modules/.bin/biome
# Material's end-of-life notice about MkDocs 2 is noise for contributors.
export NO_MKDOCS_2_WARNING := 1

.DEFAULT_GOAL := help
.PHONY: help serve test check build lint format benchmark reproducible stale check-data snippets notebooks lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	@touch $@

$(NODE_TOOLS): package-lock.json
	@test -n "$(NPM)" || { echo "The JavaScript checks need Node.js 18+ and npm (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

# Without bytecode: the server watches scripts/ and snippets/, and a .pyc written there after
# an edit set off a second rebuild of the whole site (2026-12-05). Everything else keeps
# Python's bytecode cache, which spares the test run recompiling the project's modules in
# every process (pytest's rewritten test modules too: 0.5 s of each worker's collection).
serve: export PYTHONDONTWRITEBYTECODE := 1
serve: $(INSTALLED) ## Serve the site at http://127.0.0.1:8000 with live reload
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# Plain load balancing: the tests of the built site share one build per run (tests/conftest.py),
# so they need no xdist group and spread over both cores. Each worker holds only its current test
# and the next, taken from the front of one queue: xdist's default hands each worker a contiguous
# eighth of the suite, then large contiguous blocks of the rest, which gave one worker every fresh
# snippet and notebook run of a cold run while the other sat idle for its last 29 s (cold 220 s
# with 54 s of idle CPU against 205 s with 17 s, 2026-12-04).
test: $(INSTALLED) $(if $(NPM),$(NODE_TOOLS)) ## Run the whole test suite (lint, data, snippets, notebooks, builds)
	$(BIN)/python -m pytest -n auto --dist load --maxschedchunk 1

check: $(INSTALLED) ## Fast lane before pushing: lint, data, pages, touched snippets, strict build
	$(BIN)/python -m scripts.quality.check

build: $(INSTALLED) ## Build the static site into site/
	$(BIN)/mkdocs build --clean --site-dir site

# Without npm the JavaScript check is skipped and says so, like the JS tests; CI must run it.
lint: $(INSTALLED) $(if $(NPM),$(NODE_TOOLS)) ## Lint and check formatting of Python (ruff) and JavaScript (Biome)
	$(BIN)/ruff check scripts snippets tests notebooks
	$(BIN)/ruff format --check scripts snippets tests notebooks
	$(if $(NPM),$(BIOME) ci --error-on-warnings,@echo "JavaScript not linted: it needs Node.js 18+ and npm (CI installs them)"; test -z "$$CI")

format: $(INSTALLED) $(if $(NPM),$(NODE_TOOLS)) ## Fix lint findings that ruff and Biome can fix, and format
	$(BIN)/ruff check --fix scripts snippets tests notebooks
	$(BIN)/ruff format scripts snippets tests notebooks
	$(if $(NPM),$(BIOME) check --write,@echo "JavaScript not formatted: install Node.js and npm")

benchmark: $(INSTALLED) ## Print build, snippet, notebook and site figures
	$(BIN)/python -m scripts.quality.benchmark

reproducible: $(INSTALLED) ## Build twice on empty caches and list files that differ (about 2 minutes)
	$(BIN)/python -m scripts.quality.reproducible

stale: $(INSTALLED) ## List figures whose data is more than three years old
	$(BIN)/python -m scripts.pipeline.knowledge_base stale

check-data: $(INSTALLED) ## Validate data/ and print every problem
	$(BIN)/python -m scripts.pipeline.knowledge_base check

snippets: $(INSTALLED) ## Run every snippet fresh and compare with what the site shows
	$(BIN)/python -m scripts.pipeline.snippet_exec check

notebooks: $(INSTALLED) ## Execute every project notebook fresh
	$(BIN)/python -m scripts.pipeline.notebooks check

lock: $(BIN)/python ## Re-resolve requirements.in into requirements.lock
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links -o requirements.lock requirements.in

clean: ## Remove the built site and generated content (keeps .venv)
	rm -rf site build .pytest_cache .ruff_cache
