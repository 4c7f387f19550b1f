"""The harness's own measuring path (`Runner.measure`, cold resets) for benchmark scripts that time single
builds outside `bench run`: harness_vs_hyperfine.py and progress_bar_cost.py build it the same way."""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the scripted run's metadata

from fakes import run_meta
from python_on_whales import DockerClient

from bench.builders import make_builder
from bench.builders.protocol import Builder
from bench.cluster.environment import activate
from bench.composition import compose
from bench.config import BenchConfig
from bench.engine import reset
from bench.engine.own_images import RunImages
from bench.run.context import BuildTools, RunContext
from bench.run.runner import Runner
from bench.scenario.definition import Scenario, load_scenario
from bench.store.results import RunWriter


@dataclass(frozen=True)
class ColdHarness:
    config: BenchConfig
    scenario: Scenario
    builders: dict[str, Builder]
    runner: Runner
    workdir: Path


def cold_harness(overrides: list[str], run_id: str) -> ColdHarness:
    """A runner of cold (`cache=none`) builds on the configured engine, writing rows to a temporary run."""
    activate()  # bench's DOCKER_CONFIG (its `bench` context) and engine binaries, as the CLI sets them
    config = compose(["cache=none", *overrides])
    scenario = load_scenario(config.scenario)
    docker = DockerClient(context=config.engine.context)
    builders = {b.value: make_builder(b.value, docker) for b in config.builder.names}
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{run_id}-"))
    context = RunContext(
        run_id=run_id,
        scenario=scenario,
        engine=config.engine,
        tools=BuildTools(
            builders=builders,
            reset=lambda: reset.make_cold(docker, config.engine, RunImages(config.tag_prefix, run_id)),
            environment={},
        ),
        tag_prefix=config.tag_prefix,
        network=config.network,
        workroot=workdir,
    )
    runner = Runner(context, RunWriter(workdir / "run", run_meta(run_id)))
    return ColdHarness(config, scenario, builders, runner, workdir)
