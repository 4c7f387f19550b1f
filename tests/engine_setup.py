"""Integration tests run against the real engine set up by `bench engine up` (the README's `make test`).

BENCH_TEST_OVERRIDES (space-separated Hydra overrides) points them at another engine, e.g. a developer's
second dedicated engine, so they never disturb one that is in use.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from typing import Any

from bench.composition import compose
from bench.config import BenchConfig, EngineConfig
from bench.store.quality import MACHINE_BUSY


def engine_overrides() -> list[str]:
    return shlex.split(os.environ.get("BENCH_TEST_OVERRIDES", ""))


def compose_config(*overrides: str) -> BenchConfig:
    return compose([*engine_overrides(), *overrides])


def build_flags(row: Mapping[str, Any]) -> list[str]:
    """A row's quality flags but `machine-busy`: that one says what else the machine did meanwhile
    (other tests, another agent's builds, an SSH engine's sshd), not whether the build was as claimed."""
    return [flag for flag in row["flags"] if flag != MACHINE_BUSY]


def registry_engine() -> EngineConfig:
    """The default engine's config for tests of its registry: skips when the registry of `bench engine up`
    does not answer or a run uses it (a collection would pull the run's cache from under it)."""
    import pytest

    from bench.machine.lock import engines_busy
    from bench.services import registry

    config = compose_config().engine
    if not registry.reachable(config):
        pytest.skip("needs the registry of `bench engine up`")
    if engines_busy():
        pytest.skip(f"a run uses the registry: {engines_busy()[0]}")
    return config
