# The one task runner that people and CI both call.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= dist

.PHONY: run test lint format shapes system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The DL check runs HermiT on Java; install a Java runtime from Debian when none is there.
system-deps:
	@command -v java >/dev/null || { apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null; }

## make run: create .venv, install, build, validate and write every artifact into dist/
run: $(VENV)/.installed
	$(BIN)/mndkg build --out $(OUT)

## make test: create .venv, install the test extras, run the linter and every test
test: $(VENV)/.installed-test system-deps lint
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/python scripts/format_turtle.py --check

## make format: rewrite Python and Turtle sources in their canonical form
format: $(VENV)/.installed-test
	$(BIN)/ruff format src tests scripts
	$(BIN)/ruff check --fix src tests scripts
	$(BIN)/python scripts/format_turtle.py

## make shapes: regenerate shapes/generated.ttl from the model's domains and ranges
shapes: $(VENV)/.installed-test
	$(BIN)/python scripts/make_shapes.py
	$(BIN)/python scripts/format_turtle.py

clean:
	rm -rf $(OUT) build *.egg-info .pytest_cache .ruff_cache
