"""What a build cost, from the dedicated engine's own cgroup: one cold build per builder of scenario tiny.

The engine must have been started by this bench (`bench engine up`), which puts its dockerd in
`/bench-engine-<name>` and its containers below it; an engine started by an older bench is measured per
process, and this test says to restart it.
"""

from __future__ import annotations

import pytest
from engine_setup import compose_config
from omegaconf import OmegaConf
from rich.console import Console

from bench.app import EXIT_OK, run_experiment
from bench.engine import cgroup, daemon
from bench.results import Run, load

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
