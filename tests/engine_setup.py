"""Integration tests run against the real engine set up by `bench engine up` (the README's `make test`).

BENCH_TEST_OVERRIDES (space-separated Hydra overrides) points them at another engine, e.g. a developer's
second dedicated engine, so they never disturb one that is in use.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from typing import Any

from bench.config import BenchConfig, compose
from bench.quality import MACHINE_BUSY


def engine_overrides() -> list[str]:
    return shlex.split(os.environ.get("BENCH_TEST_OVERRIDES", ""))


def compose_config(*overrides: str) -> BenchConfig:
    return compose([*engine_overrides(), *overrides])


def build_flags(row: Mapping[str, Any]) -> list[str]:
    """A row's quality flags but `machine-busy`: that one says what else the machine did meanwhile
    (other tests, another agent's builds, an SSH engine's sshd), not whether the build was as claimed."""
    return [flag for flag in row["flags"] if flag != MACHINE_BUSY]
