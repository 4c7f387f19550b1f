# The two entry points of the README. Both are idempotent: a second run only checks what is there.
# ENGINE_ARGS: Hydra overrides for the engine (e.g. other ports), passed to `bench engine up` and the run.
# RUN_ARGS: what `make run` measures.
PYTHON ?= python3
VENV := .venv
BENCH := $(VENV)/bin/bench
ENGINE_ARGS ?=
RUN_ARGS ?= scenario=multistage

.PHONY: run test setup engine engine-all lint

run: engine  ## set up what the run needs, then measure the multistage scenario
	$(BENCH) run $(RUN_ARGS) $(ENGINE_ARGS)

test: engine-all  ## set up everything, then run the whole test suite (unit + real engine)
	$(VENV)/bin/pytest

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

engine: setup  ## the engine in bench's private prefix, its dockerd and the registry (base images: per run)
	$(BENCH) engine up $(ENGINE_ARGS)

engine-all: setup  ## the same, plus QEMU, every base image, the package index and the test tools
	$(BENCH) engine up --all $(ENGINE_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
