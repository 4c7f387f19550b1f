"""A scenario that builds with the host's network says so (issue 21, item 4): its RUN steps reach every
service on the host's loopback (the registry, the engine's sockets), so the run's first lines name it and
run.json records it. Whole scripted runs (no engine) of a real scenario directory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fakes import ScriptedBuilder, ScriptedEngine
from rich.console import Console

from bench.config import BenchConfig, CacheConfig, EngineConfig, ScenarioConfig
from bench.run.experiment import EXIT_OK, run_experiment
from bench.store.results import META_FILE
from bench.vocabulary import BuilderName, CacheSource

pytestmark = pytest.mark.security

TINY = Path(__file__).parents[1] / "fixtures" / "scenarios" / "tiny"


def _run(tmp_path: Path, bench_yaml_line: str, **config: object) -> tuple[str, dict, ScriptedEngine]:
    scenario = tmp_path / "hostnet"
    shutil.copytree(TINY, scenario)
    with open(scenario / "bench.yaml", "a", encoding="utf-8") as bench_yaml:
        bench_yaml.write("\n" + bench_yaml_line)
    engine = ScriptedEngine(
        {
            BuilderName.legacy.value: ScriptedBuilder("legacy", [2.0] * 2),
            BuilderName.buildkit.value: ScriptedBuilder("buildkit", [1.0] * 2),
        }
    )
    console = Console(record=True, width=200)
    run_dir = tmp_path / "run"
    bench_config = BenchConfig(
        scenario=ScenarioConfig(path=str(scenario)),
        cache=CacheConfig(sources=[CacheSource.none]),
        engine=EngineConfig(run_dir=str(tmp_path / "engine")),
        repetitions=1,
        warmup=0,
        **config,
    )
    assert run_experiment(bench_config, "seed: 0\n", run_dir, console, engine) == EXIT_OK
    return console.export_text(), json.loads((run_dir / META_FILE).read_text()), engine


def _networks(engine: ScriptedEngine) -> set[str | None]:
    return {request.network for builder in engine.builders.values() for request in builder.requests}


def test_a_scenario_with_network_host_is_said_at_the_start_and_recorded(tmp_path: Path) -> None:
    output, meta, engine = _run(tmp_path, "network: host\n")
    assert _networks(engine) == {"host"}, "the builds did run with the host's network"
    said = [line for line in output.splitlines() if "host's network" in line]
    assert said and "scenario hostnet builds with the host's network" in said[0]
    assert output.index(said[0]) < output.index("1/2 "), "said before the first build's line"
    assert meta["network"] == "host"


def test_network_host_from_the_config_is_said_too(tmp_path: Path) -> None:
    output, meta, engine = _run(tmp_path, "", network="host")
    assert _networks(engine) == {"host"}
    assert "scenario hostnet builds with the host's network" in output
    assert meta["network"] == "host"


def test_an_offline_scenario_says_nothing_and_records_none(tmp_path: Path) -> None:
    output, meta, engine = _run(tmp_path, "")
    assert _networks(engine) == {"none"}
    assert "host's network" not in output
    assert meta["network"] == "none"
