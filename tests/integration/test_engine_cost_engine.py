"""What a build cost, from the dedicated engine's own cgroup: one cold build per builder of scenario tiny.

The engine must have been started by this bench (`bench engine up`), which puts its dockerd in
`/bench-engine-<name>` and its containers below it; an engine started by an older bench is measured per
process, and this test says to restart it.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from engine_setup import compose_config
from omegaconf import OmegaConf
from rich.console import Console

from bench.engine import cgroup, daemon
from bench.engine.cost import EngineMeter
from bench.run.experiment import EXIT_OK, run_experiment
from bench.store.results import Run, load

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def cold_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    config = compose_config("scenario=tiny", "cache=none", "repetitions=1", "warmup=0")
    dockerd = daemon.process(config.engine)
    if dockerd is None or cgroup.of_process(config.engine, dockerd.pid) is None:
        pytest.fail("the engine's dockerd is not in its own cgroup: bench engine down && bench engine up")
    run_dir = tmp_path_factory.mktemp("cost-run")
    yaml = OmegaConf.to_yaml(OmegaConf.structured(config))
    code = run_experiment(config, yaml, run_dir, Console(width=120, force_terminal=False))
    assert code == EXIT_OK, (run_dir / "builds.jsonl").read_text()
    return load(run_dir)


def test_each_cold_build_has_its_cost_from_the_engines_cgroup(cold_run: Run) -> None:
    builds = cold_run.builds
    assert sorted(builds["builder"]) == ["buildkit", "legacy"]
    for _, row in builds.iterrows():
        assert row["cost_source"] == "cgroup", row.to_dict()
        assert row["cpu_user_s"] + row["cpu_system_s"] > 0, row.to_dict()
        assert row["peak_memory_bytes"] > 0, row.to_dict()
        # a cold build writes its layers: the disk counters run (the throttle rule bench set makes them)
        assert row["io_write_bytes"] > 0, row.to_dict()
        assert row["load_1m"] >= 0 and row["outside_cpu_s"] >= 0


def test_a_cpu_burner_outside_the_engine_and_bench_makes_the_build_machine_busy(tmp_path: Path) -> None:
    """A busy loop that is neither the engine's nor bench's (`setsid -f`: its parent is init) runs through
    a build whose own RUN step only sleeps: its CPU is counted outside, and the row would be flagged."""
    config = compose_config()
    meter = EngineMeter(config.engine, config.quiet)
    (tmp_path / "Dockerfile").write_text(f"FROM {config.engine.registry}/bench/busybox:latest\nRUN sleep 3\n")
    argv = [
        "docker",
        "--context",
        config.engine.context,
        "build",
        "--no-cache",
        "--network=none",
        str(tmp_path),
    ]
    subprocess.run(["setsid", "-f", "timeout", "8", "sh", "-c", "while :; do :; done"], check=True)
    start = meter.mark()
    began = time.monotonic()
    subprocess.run(
        argv, env={**os.environ, "DOCKER_BUILDKIT": "0"}, capture_output=True, check=True, timeout=120
    )
    wall_s = time.monotonic() - began
    fields = meter.since(start, wall_s)
    assert fields["cost_source"] == "cgroup"
    assert fields["outside_cpu_s"] > 0.5 * wall_s, (fields, wall_s)  # the loop had most of a core
    assert fields["cpu_user_s"] + fields["cpu_system_s"] < 0.5 * wall_s, fields  # not the engine's
    assert meter.busy(fields, wall_s) is True
