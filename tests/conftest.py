"""Shared test set-up: Hydra's resolvers and schema are registered once, as the CLI does."""

from __future__ import annotations

import pytest

from bench.cli import _register


@pytest.fixture(autouse=True, scope="session")
def _registered() -> None:
    _register()
