# The README's two commands: `make demo` and `make test`. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEB_PACKAGES := bubblewrap gettext chromium fonts-dejavu-core
export MICROCRED_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test lint typecheck contracts pytest bench messages system-deps clean

# Debian packages the product and its tests use; installed only when missing. Node.js and
# npm (any install, >= 18) run the independent credential verifier in the interop tests.
system-deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

# Compiled translations (.mo) are build products, never committed.
messages: $(STAMP) system-deps
	cd src/microcred && ../../$(BIN)/django-admin compilemessages --ignore '.venv' -v 0

demo: $(STAMP) system-deps messages
	$(BIN)/microcred demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP) system-deps messages
	$(BIN)/pytest -m "not slow" -q

test: lint typecheck contracts pytest

bench: $(STAMP) system-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var build *.egg-info
	find src -name '*.mo' -delete
