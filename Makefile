PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Stamps: what each target installed, redone when pyproject.toml changes.
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

.PHONY: demo test bench lint notebooks clean

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

test: $(DEV)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -q

bench: $(DEV)
	$(BIN)/python -m benchmarks

lint: $(DEV)
	$(BIN)/ruff check src tests benchmarks

# Execute the notebooks and store them with their outputs (fixed seeds: reproducible).
notebooks: $(DEV)
	$(BIN)/python notebooks/execute.py

clean:
	rm -rf $(VENV) results
