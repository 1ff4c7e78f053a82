# Two commands: `make run` (set up + demo + serve) and `make test` (set up + whole suite).
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
HOST    ?= 127.0.0.1
PORT    ?= 8000

.PHONY: run test setup setup-test demo lint bench-import clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

setup: $(VENV)/.installed
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py seed_demo

setup-test: $(VENV)/.installed-test

run: setup
	@bash scripts/serve.sh $(HOST) $(PORT)

test: setup-test
	@bash scripts/test.sh

lint: setup-test
	$(BIN)/ruff check shuangsuiji bench

bench-import: setup-test
	$(BIN)/python bench/import_entities.py

clean:
	rm -rf $(VENV) var
