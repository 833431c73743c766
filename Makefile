PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench lint clean

$(BIN)/ccsim: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/ccsim
	$(BIN)/ccsim run experiments/baseline.toml --replications 10

test: $(BIN)/ccsim
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -q

bench: $(BIN)/ccsim
	$(BIN)/python -m benchmarks

lint: $(BIN)/ccsim
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) results
