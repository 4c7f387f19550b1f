"""Fixtures the unit tests share."""

from __future__ import annotations

from pathlib import Path

import pytest
from python_on_whales import DockerClient


@pytest.fixture
def client(tmp_path: Path) -> DockerClient:
    """A DockerClient whose docker binary fails every call: a builder under test builds its command and
    parses a replayed run, and reaches no engine."""
    docker = tmp_path / "docker"
    docker.write_text("#!/bin/sh\nexit 99\n")
    docker.chmod(0o755)
    return DockerClient(context="bench", client_call=[str(docker)])
