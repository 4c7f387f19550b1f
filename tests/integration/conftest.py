"""The fault-injection tests' engine (conf/engine/faults.yaml), up for the session that asks for it; the
bench cluster (`slurm_cluster`, tests/integration/cluster_support.py) likewise.

Brought up the way a user would (`bench engine up engine=faults`), checked with one build, and at the end
stopped entirely (dockerd, containerd, registry, package index): nothing the suite started may outlive it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cluster_support import slurm_cluster  # noqa: F401 - the bench cluster, for the tests that ask
from fault_leftovers import Leftovers, engine_mounts, engine_processes, record
from fault_support import FAULTS, faults_engine_config, next_run_works, run_bench

from bench.config import EngineConfig
from bench.stack import lifecycle


@pytest.fixture(scope="session")
def faults_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineConfig]:
    engine = faults_engine_config()
    work = tmp_path_factory.mktemp("faults-engine")
    mounts_before = set(engine_mounts(engine))
    up = run_bench(work / "up", "engine", "up", FAULTS, timeout_s=600)
    assert up.code == 0, up.said()
    next_run_works(work / "first")  # and the run makes the base images it needs in the engine's registry
    yield engine
    lifecycle.down(engine, say=lambda _: None)
    left = Leftovers(
        processes=[f"{p.pid} {p.name()}" for p in engine_processes(engine)],
        mounts=[str(m) for m in engine_mounts(engine) if m not in mounts_before],
        temp_files=[str(p) for p in Path(work).rglob("tmp/bench-*")],
    )
    record("the suite's end: engine down", 0, 0, left, injected=False)
    assert left.count() == 0, f"the faults engine left behind: {left}"
