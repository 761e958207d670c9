# Kennisbrug: `make run` serves the demo on SQLite, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
# The converted model lives in the user's cache, never in the repository.
export KENNISBRUG_MODEL_CACHE ?= $(HOME)/.cache/kennisbrug/models

.PHONY: run test setup model lint typecheck pytest bench load clean chromium

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch lies on this machine's disk; install it before
	# sentence-transformers so an unpinned torch never pulls a CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Front-end assets (NL Design System CSS, axe-core for the browser tests), exactly
# as locked; reinstalled only when package.json or package-lock.json change.
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

# The browser tests drive Debian's Chromium (never `playwright install`).
chromium:
	command -v chromium >/dev/null 2>&1 || \
	  { $$(test "$$(id -u)" -eq 0 || echo sudo) apt-get update && \
	    $$(test "$$(id -u)" -eq 0 || echo sudo) apt-get install -y chromium; }

setup: $(STAMP) $(NPM_STAMP)

model: setup
	$(BIN)/kennisbrug model prepare

run: model
	$(BIN)/kennisbrug migrate
	KENNISBRUG_DEMO_MODE=1 $(BIN)/kennisbrug seed --demo
	$(BIN)/kennisbrug serve --demo

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

pytest: model chromium
	scripts/run-tests.sh

test: lint typecheck pytest

bench: model
	$(BIN)/python -m bench

# Load test against a live server on a fresh PostgreSQL database (created and dropped):
# 50 users for 3 minutes with the real model. Quick run:
#   make load LOAD_ARGS="--model hashing-64 --users 20 --duration 30"
load: model
	$(BIN)/python -m bench.load $(LOAD_ARGS)

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
