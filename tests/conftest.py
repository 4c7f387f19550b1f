"""Shared test set-up: Hydra's resolvers and schema are registered once, as the CLI does."""

from __future__ import annotations

import pytest

from bench.config import register


@pytest.fixture(autouse=True, scope="session")
def _registered() -> None:
    register()


@pytest.fixture(autouse=True, scope="session")
def _bench_client() -> None:
    """Docker calls in tests go where the CLI's go: bench's DOCKER_CONFIG and engine prefix."""
    from bench.host.client import activate

    activate()
