# The two entry points of the README. Both are idempotent: a second run only checks what is there.
PYTHON ?= python3
VENV := .venv
BENCH := $(VENV)/bin/bench

.PHONY: run test setup engine lint

run: engine  ## set up everything, then measure the multistage scenario
	$(BENCH) run scenario=multistage

test: engine  ## set up everything, then run the whole test suite (unit + real engine)
	$(VENV)/bin/pytest

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

engine: setup  ## Debian packages, dedicated dockerd, registry, QEMU binfmt, base images
	$(BENCH) engine up

lint: setup
	$(VENV)/bin/ruff check .
