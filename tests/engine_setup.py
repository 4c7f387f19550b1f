"""Integration tests run against the real engine set up by `bench engine up` (the README's `make test`).

BENCH_TEST_OVERRIDES (space-separated Hydra overrides) points them at another engine, e.g. a developer's
second dedicated engine, so they never disturb one that is in use.
"""

from __future__ import annotations

import os
import shlex

from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from bench.config import CONF_DIR, BenchConfig


def engine_overrides() -> list[str]:
    return shlex.split(os.environ.get("BENCH_TEST_OVERRIDES", ""))


def compose_config(*overrides: str) -> BenchConfig:
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        return OmegaConf.to_object(compose(config_name="config", overrides=[*engine_overrides(), *overrides]))
