# The one task runner that people and CI both call.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= dist
# The interoperability tools the tests check our exports with (sssom-py, the Biolink Model, the
# kgx tool), kept in their own environment: their dependencies (linkml, rdflib-jsonld) must not
# mix with ours.
TOOLS ?= .venv-tools

.PHONY: run test lint format shapes system-deps docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Both installs are editable: the package reads ontology/, graph/, shapes/ and queries/ from
# this checkout, so a curator's edit shows in the next `make run` (and `make run` and
# `make test` see the same data). Only pyproject.toml changes call for a reinstall.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# sssom, biolink-model and kgx install side by side (pip check passes). kgx is held to 2.6.x:
# tests/tools/kgx_offline.py patches where kgx 2.6 (with bmt 1.5) downloads the Biolink Model,
# so the tests run it offline. The stamp's number goes up whenever this list changes, so an
# older $(TOOLS) is brought up to date.
$(TOOLS)/.installed-2:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS)/bin/python -m pip install --quiet sssom biolink-model 'kgx>=2.6,<2.7'
	touch $@

# What the tests need beyond Python, from Debian's packages when missing: a Java runtime
# (HermiT for the DL check), the OWL API and a Java compiler (the OWL 2 DL profile check,
# tests/tools/ProfileCheck.java), Chromium (the browser tests of the HTML page; Playwright
# drives /usr/bin/chromium and never downloads a browser of its own) and Virtuoso (the
# triple-store tests start it on loopback with a throwaway database).
system-deps:
	@missing=""; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v javac >/dev/null || missing="$$missing default-jdk-headless"; \
	test -f /usr/share/java/owlapi-distribution.jar || missing="$$missing libowlapi-java"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v virtuoso-t >/dev/null || missing="$$missing virtuoso-opensource"; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

## make run: create .venv, install, build, validate and write every artifact into dist/
run: $(VENV)/.installed
	$(BIN)/mndkg build --out $(OUT)

## make test: create .venv, install the test extras, run the linter and every test
test: $(VENV)/.installed-test $(TOOLS)/.installed-2 system-deps lint
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

## make docs: the README pictures (screenshots in headless Chromium, the static figure)
docs: $(VENV)/.installed-test system-deps
	$(BIN)/python scripts/screenshot.py

## make bench: the benchmarks reported in the README
bench: $(VENV)/.installed-test system-deps
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_scale.py
	$(BIN)/python scripts/bench_hpo.py
	$(BIN)/python scripts/bench_html.py

clean:
	rm -rf $(OUT) build *.egg-info .pytest_cache .ruff_cache
