# FlexTime. `make demo` runs the main job, `make test` runs every test; both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format typecheck bench-big12 venv lock clean

venv: $(STAMP)

# Pinned set: constraints.txt (regenerate with `make lock` after changing pyproject dependencies).
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "FlexTime needs Python >= 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[all,dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/flextime demo

test: $(STAMP)
	$(BIN)/pytest -q -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check layers tests
	$(BIN)/ruff format --check layers tests

format: $(STAMP)
	$(BIN)/ruff format layers tests
	$(BIN)/ruff check --fix layers tests

typecheck: $(STAMP)
	$(BIN)/mypy

bench-big12: $(STAMP)
	$(BIN)/flextime bench big12 --out out/bench

lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^flextime' > constraints.txt

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
