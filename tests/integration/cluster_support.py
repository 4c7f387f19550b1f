"""The bench cluster for the integration tests: `bench cluster up` through the real CLI, once per session.

    def test_x(slurm_cluster: SlurmCluster) -> None:
        executor = submitit.AutoExecutor(folder=tmp_path / "%j")
        executor.update_parameters(slurm_partition=slurm_cluster.partition, timeout_min=5)

While the fixture is alive this process's environment carries the cluster's SLURM_CONF and the stand-in
sacct first on PATH (so submitit, Hydra's launcher and `bench` subprocesses reach it);
`slurm_cluster.env` is the same for a subprocess given its own environment. The cluster is taken down at
the end only if this session started it; one that was up before is left up.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.cluster import environment, lifecycle
from bench.cluster.layout import PARTITION, PATHS

BENCH = str(Path(sys.executable).with_name("bench"))


@dataclass(frozen=True)
class SlurmCluster:
    partition: str  # "debug", the default partition
    node: str  # the one node (this machine's short host name)
    conf: Path  # its slurm.conf
    env: dict[str, str]  # os.environ with SLURM_CONF and the stand-in sacct first on PATH
    started_here: bool  # this session ran `bench cluster up` on a cluster that was down


def run_bench(*args: str, timeout_s: float = 600) -> subprocess.CompletedProcess:
    """`bench ARGS` as a person runs it; its output is kept for the assertion's message."""
    return subprocess.run([BENCH, *args], capture_output=True, text=True, timeout=timeout_s, check=False)


def said(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\n{result.stdout}{result.stderr}"


@pytest.fixture(scope="session")
def slurm_cluster() -> Iterator[SlurmCluster]:
    if os.geteuid() != 0:
        pytest.skip("the bench cluster needs root (bench cluster up)")
    was_up = lifecycle.status().up
    up = run_bench("cluster", "up")
    assert up.returncode == 0, said(up)
    status = lifecycle.status()
    assert status.up and status.node is not None, f"bench cluster up said it was up, but: {status}"
    settings = environment.settings(os.environ)
    with pytest.MonkeyPatch.context() as patch:
        for key, value in settings.items():
            patch.setenv(key, value)
        yield SlurmCluster(PARTITION, status.node, PATHS.conf, {**os.environ}, started_here=not was_up)
    if not was_up:
        down = run_bench("cluster", "down")
        assert down.returncode == 0, said(down)
