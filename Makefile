# cop-eval: `make demo` runs the main job on the bundled sample data; `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= demo_output

.PHONY: demo test lint typecheck unit venv check-system clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cop-eval needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

check-system: $(STAMP)
	@$(BIN)/python -m cop_eval.syscheck

demo: $(STAMP) check-system
	$(BIN)/cop-eval demo --out $(OUT)

lint: $(STAMP)
	$(BIN)/ruff check cop_eval tests benchmarks sample_data
	$(BIN)/ruff format --check cop_eval tests benchmarks sample_data

typecheck: $(STAMP)
	$(BIN)/mypy cop_eval

unit: $(STAMP) check-system
	$(BIN)/pytest -n 2 --dist loadfile -q

test: lint typecheck unit

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache $(OUT)
