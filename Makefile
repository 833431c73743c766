PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Stamps: what each target installed, redone when pyproject.toml changes.
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

.PHONY: demo test browser bench lint notebooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The demo needs only the runtime dependencies (no test tools, no Dask).
$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# Tests, lint, benchmarks and notebooks need the dev extras (which include the runtime).
$(DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(RUNTIME)

demo: $(RUNTIME)
	$(BIN)/ccsim run experiments/baseline.toml --replications 10

test: $(DEV) browser
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src
	$(BIN)/python -m pytest -q -n auto --dist worksteal

# The browser tests (tests/report/test_page_browser.py) open the report page in headless Chromium.
# Installing it changes the system, so it is a step of its own that says what it does:
# Debian's chromium with apt-get when it is missing and this runs as root with apt-get (as
# on CI); otherwise the browser tests skip, and this says why. It never fails the build.
browser:
	@if command -v chromium >/dev/null 2>&1; then \
	  echo "browser: chromium is at $$(command -v chromium); the browser tests will run"; \
	elif [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
	  echo "browser: chromium is not installed, and installing it needs root and apt-get:" \
	       "the browser tests (tests/report/test_page_browser.py) will be skipped." \
	       "To run them: sudo apt-get install chromium"; \
	else \
	  echo "browser: installing Debian's chromium for the browser tests" \
	       "(apt-get update; apt-get install chromium)"; \
	  if DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	     DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; then \
	    echo "browser: chromium installed; the browser tests will run"; \
	  else \
	    echo "browser: apt-get could not install chromium: the browser tests will be skipped"; \
	  fi; \
	fi

bench: $(DEV)
	$(BIN)/python -m benchmarks

lint: $(DEV)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src

# Execute the notebooks and store them with their outputs (fixed seeds: reproducible).
notebooks: $(DEV)
	$(BIN)/python notebooks/execute.py

clean:
	rm -rf $(VENV) results
