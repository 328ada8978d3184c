# The two set-up commands: `make demo` and `make test`. Both bootstrap .venv from the lock files.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit lock bench clean

$(STAMP): requirements-dev.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements-dev.lock
	@$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m sandbox.demo

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest

lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -q -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -q -o requirements-dev.lock

bench: $(STAMP)
	$(BIN)/python bench/lifecycle.py
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/fetch.py
	$(BIN)/python bench/render.py
	$(BIN)/python bench/schedules.py
	$(BIN)/python bench/sidebar.py
	$(BIN)/python bench/marking.py
	$(BIN)/python bench/jobs.py

clean:
	rm -rf $(VENV) .local .mypy_cache .ruff_cache .pytest_cache
