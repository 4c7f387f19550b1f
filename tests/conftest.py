"""Shared test set-up: Hydra's resolvers and schema are registered once, as the CLI does."""

from __future__ import annotations

import pytest

from bench.composition import register


@pytest.fixture(autouse=True, scope="session")
def _registered() -> None:
    register()


@pytest.fixture(autouse=True, scope="session")
def _bench_client() -> None:
    """Docker calls in tests go where the CLI's go: bench's DOCKER_CONFIG and engine prefix."""
    from bench.cluster.environment import activate

    activate()


@pytest.fixture(autouse=True)
def _machine_lock(request: pytest.FixtureRequest, tmp_path_factory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests without the real engine take a machine lock of their own (bench/machine/lock.py), so that a
    real run on this machine never makes them wait; tests on the engine share the machine's, as runs do."""
    if request.node.get_closest_marker("engine") is None:
        from bench.machine.lock import ENV

        monkeypatch.setenv(ENV, str(tmp_path_factory.getbasetemp() / "machine.lock"))
