"""Integration tests run against the real engine set up by `bench engine up` (the README's `make test`).

BENCH_TEST_OVERRIDES (space-separated Hydra overrides) points them at another engine, e.g. a developer's
second dedicated engine, so they never disturb one that is in use.
"""

from __future__ import annotations

import os
import shlex

from bench.config import BenchConfig, compose


def engine_overrides() -> list[str]:
    return shlex.split(os.environ.get("BENCH_TEST_OVERRIDES", ""))


def compose_config(*overrides: str) -> BenchConfig:
    return compose([*engine_overrides(), *overrides])
