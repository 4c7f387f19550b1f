"""A whole `bench run` through bench/run/experiment.py on a scripted engine: plan, rows, run.json, summary,
exit code."""

from __future__ import annotations

import json
from pathlib import Path

from fakes import ScriptedBuilder, ScriptedEngine, interrupting_builders
from rich.console import Console

from bench.config import BenchConfig, CacheConfig, EngineConfig, ScenarioConfig
from bench.run.experiment import EXIT_FAILED_BUILDS, EXIT_INTERRUPTED, EXIT_OK, EXIT_UNUSABLE, run_experiment
from bench.store.results import BUILDS_FILE, load
from bench.store.rows import BUILD_COLUMNS
from bench.vocabulary import BuilderName, CacheSource

TINY = Path(__file__).parents[1] / "fixtures" / "scenarios" / "tiny"


def _config(tmp_path: Path) -> BenchConfig:
    return BenchConfig(
        scenario=ScenarioConfig(path=str(TINY)),
        cache=CacheConfig(sources=[CacheSource.none]),
        engine=EngineConfig(run_dir=str(tmp_path / "engine")),
        repetitions=2,
        warmup=1,
    )


def _engine(failing: set[int] = frozenset()) -> ScriptedEngine:
    return ScriptedEngine(
        {
            BuilderName.legacy.value: ScriptedBuilder("legacy", [2.0] * 3, failing_calls=failing),
            BuilderName.buildkit.value: ScriptedBuilder("buildkit", [1.0] * 3),
        }
    )


def test_a_whole_run_writes_its_rows_metadata_and_summary(tmp_path: Path) -> None:
    engine, run_dir = _engine(), tmp_path / "run"
    code = run_experiment(_config(tmp_path), "seed: 0\n", run_dir, Console(quiet=True), engine)
    assert code == EXIT_OK
    assert engine.calls == ["made", "unusable", "prepare", "link_up", "after_run", "leaked"]
    run = load(run_dir)
    assert len(run.builds) == 6, "2 builders x (1 warmup + 2 repetitions)"
    assert sorted(run.builds["wall_s"]) == [1.0, 1.0, 1.0, 2.0, 2.0, 2.0]
    assert run.meta.status == "complete" and run.meta.measured == 6
    assert list(run.meta.plan.order) == list(run.builds.sort_values("seq")["cell"])
    assert run.meta.environment == {"docker": "scripted"}
    assert len(run.steps) == 6 * 3
    assert (run_dir / "summary.md").exists()


def test_every_key_on_disk_is_a_declared_column(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_experiment(_config(tmp_path), "seed: 0\n", run_dir, Console(quiet=True), _engine())
    for line in (run_dir / BUILDS_FILE).read_text().splitlines():
        assert list(json.loads(line)) == list(BUILD_COLUMNS)


def test_failed_builds_are_rows_and_the_exit_code_says_so(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    code = run_experiment(_config(tmp_path), "seed: 0\n", run_dir, Console(quiet=True), _engine({1}))
    assert code == EXIT_FAILED_BUILDS
    outcomes = list(load(run_dir).builds["outcome"])
    assert outcomes.count("failed") == 1 and outcomes.count("ok") == 5


def test_an_unusable_engine_writes_nothing(tmp_path: Path) -> None:
    engine, run_dir = _engine(), tmp_path / "run"
    engine.problem = "docker: no daemon answers; fix: bench engine up"
    code = run_experiment(_config(tmp_path), "seed: 0\n", run_dir, Console(quiet=True), engine)
    assert code == EXIT_UNUSABLE and engine.calls == ["made", "unusable"]
    assert not run_dir.exists()


def test_a_leaked_secret_fails_the_run(tmp_path: Path) -> None:
    engine = _engine()
    engine.leaks = True
    code = run_experiment(_config(tmp_path), "seed: 0\n", tmp_path / "run", Console(quiet=True), engine)
    assert code == EXIT_FAILED_BUILDS


def test_an_interrupted_run_resumes_to_the_planned_rows(tmp_path: Path) -> None:
    run_dir, yaml = tmp_path / "run", "seed: 0\n"
    code = run_experiment(
        _config(tmp_path), yaml, run_dir, Console(quiet=True), ScriptedEngine(interrupting_builders(4))
    )
    assert code == EXIT_INTERRUPTED and len(load(run_dir).builds) == 4
    again = run_experiment(_config(tmp_path), yaml, run_dir, Console(quiet=True), _engine(), resuming=True)
    run = load(run_dir)
    assert again == EXIT_OK and sorted(run.builds["seq"]) == list(range(6))
    assert list(run.builds["resumed"]) == [False] * 4 + [True] * 2
    assert run.meta.status == "complete" and len(run.meta.resumes) == 1


def test_a_second_run_into_the_same_directory_is_refused(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    assert run_experiment(_config(tmp_path), "seed: 0\n", run_dir, Console(quiet=True), _engine()) == EXIT_OK
    before = (run_dir / BUILDS_FILE).read_text()
    code = run_experiment(_config(tmp_path), "seed: 0\n", run_dir, Console(quiet=True), _engine())
    assert code == EXIT_UNUSABLE and (run_dir / BUILDS_FILE).read_text() == before
