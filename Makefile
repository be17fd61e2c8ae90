# Two entry points: `make serve` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: serve test browser lint typecheck unit integration bench bench-web clean docs screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.server: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[server]'
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.server

serve: $(VENV)/.server
	$(BIN)/hubbub serve --database sqlite:///hubbub.db

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests bench examples
	$(BIN)/ruff format --check src tests bench examples

typecheck: $(VENV)/.dev
	$(BIN)/mypy

unit: $(VENV)/.dev
	$(BIN)/pytest -q tests/unit

# The browser tests (tests/e2e) drive Debian's chromium, never a browser Playwright
# downloads. As root, install it with apt when it is missing; otherwise say so and let
# the tests decide (CI=true fails them, a local run skips them).
$(VENV)/.browser: | $(VENV)/.dev
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends chromium; \
	else \
		echo "make: /usr/bin/chromium is missing and this is not root:" \
			"run 'apt-get install chromium' as root for the browser tests (tests/e2e)"; \
	fi
	@if [ -x /usr/bin/chromium ]; then touch $@; fi

browser: $(VENV)/.browser

test: lint typecheck browser
	$(BIN)/pytest -q -n 2

$(VENV)/.docs: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[docs]'
	touch $@

# The event reference is generated from the SDK, then the site is built into site/.
docs: $(VENV)/.docs
	$(BIN)/python -m hubbub.tools.event_docs
	$(BIN)/mkdocs build --strict

# Screenshots of the web client's main views under docs/screenshots/, linked from the
# README. The colour emoji font makes reactions look as they do on a desktop.
screenshots: $(VENV)/.browser
	@if [ ! -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] && [ "$$(id -u)" = 0 ]; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			fonts-noto-color-emoji; \
	fi
	$(BIN)/python -m hubbub.tools.screenshots docs/screenshots

bench: $(VENV)/.server
	$(BIN)/python bench/fanout.py

# The web client in headless Chromium: load, infinite scroll and live messages.
bench-web: $(VENV)/.browser
	$(BIN)/python bench/web_client.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
