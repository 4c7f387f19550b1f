"""The runner with scripted builders: rows per build, priming and changes, flags, failures, Ctrl-C."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import ScriptedBuilder, run_meta, scripted_context

from bench.config import EngineConfig
from bench.engine.contents import EngineContents
from bench.plan import Cell, make_plan
from bench.run.runner import Runner
from bench.scenario.definition import Scenario
from bench.store.quality import (
    COLD_HAD_CACHED_STEPS,
    ENGINE_NOT_EMPTY,
    ENGINE_NOT_OWNED,
    WARM_NO_CACHED_STEPS,
)
from bench.store.results import RunWriter, load
from bench.vocabulary import BuilderName, CacheSource, ChangeKind

EMPTY = EngineContents(0, 0, 0, 0, 0, 0)
LEFTOVER = EngineContents(0, 0, 3, 200_000_000, 2, 1)


def _scenario(tmp_path: Path) -> Scenario:
    directory = tmp_path / "proj"
    (directory / "src").mkdir(parents=True)
    (directory / "Dockerfile").write_text("FROM scratch\nCOPY . /\n")
    (directory / "src" / "app.c").write_text("int main(void) { return 0; }\n")
    return Scenario("proj", directory, "Dockerfile", {"BASE_IMAGE": "base"}, source_change="src/app.c")


def _runner(tmp_path: Path, builders: dict, reset=lambda: EMPTY, owned: bool = True) -> Runner:
    context = scripted_context(
        _scenario(tmp_path),
        builders,
        reset=reset,
        engine=EngineConfig(owned=owned),
        workroot=tmp_path / "builds",
    )
    return Runner(context, RunWriter(tmp_path / "run", run_meta("r")))


def _cells(*caches: CacheSource) -> list[Cell]:
    return [
        Cell("proj", BuilderName.buildkit, c, ChangeKind.none if c is CacheSource.none else ChangeKind.source)
        for c in caches
    ]


def test_cold_rows_and_warm_rows_with_priming_and_a_change(tmp_path: Path) -> None:
    contexts: list[str] = []

    def wall(request, call):
        contexts.append((Path(request.context_dir) / "src" / "app.c").read_text())
        return 1.0 + call

    builder = ScriptedBuilder("buildkit", wall, cached_steps=2)
    runner = _runner(tmp_path, {"buildkit": builder})
    tally = runner.run(make_plan(_cells(CacheSource.local), repetitions=1, warmup=0, seed=0))
    assert tally.measured == 1 and not tally.failed
    tags = [r.tag for r in builder.requests]
    assert tags == ["bench-run/r/proj:buildkit-0-prime", "bench-run/r/proj:buildkit-0"]  # run r
    assert "bench change" not in contexts[0], "priming must build the unchanged source"
    assert "bench change" in contexts[1], "the measured build must see the change"
    run = load(tmp_path / "run")
    row = run.builds.iloc[0]
    assert row["wall_s"] == 2.0 and row["prime_s"] > 0 and row["flags"] == []
    assert len(run.steps) == 3
    assert "bench change" not in (runner.scenario.directory / "src" / "app.c").read_text()


def test_quality_flags_name_what_went_wrong(tmp_path: Path) -> None:
    cold_cached = ScriptedBuilder("buildkit", [1.0, 1.0, 1.0], cached_steps=1)
    runner = _runner(tmp_path, {"buildkit": cold_cached}, reset=lambda: LEFTOVER)
    runner.run(make_plan(_cells(CacheSource.none), repetitions=1, warmup=0, seed=0))
    cold_row = load(tmp_path / "run").builds.iloc[0]
    assert set(cold_row["flags"]) == {COLD_HAD_CACHED_STEPS, ENGINE_NOT_EMPTY}

    warm_missed = ScriptedBuilder("buildkit", [1.0, 1.0], cached_steps=0)
    runner = _runner(tmp_path / "b", {"buildkit": warm_missed}, owned=False)
    runner.run(make_plan(_cells(CacheSource.local), repetitions=1, warmup=0, seed=0))
    warm_row = load(tmp_path / "b" / "run").builds.iloc[0]
    assert set(warm_row["flags"]) == {WARM_NO_CACHED_STEPS, ENGINE_NOT_OWNED}


def test_shared_engine_cold_uses_no_cache(tmp_path: Path) -> None:
    builder = ScriptedBuilder("buildkit", [1.0])
    _runner(tmp_path, {"buildkit": builder}, owned=False).run(
        make_plan(_cells(CacheSource.none), repetitions=1, warmup=0, seed=0)
    )
    assert builder.requests[0].extra_flags == ("--no-cache",)


def test_a_failed_build_is_a_row_and_the_matrix_goes_on(tmp_path: Path) -> None:
    builder = ScriptedBuilder("buildkit", [1.0, 1.0, 1.0], failing_calls={0})
    runner = _runner(tmp_path, {"buildkit": builder})
    tally = runner.run(make_plan(_cells(CacheSource.none), repetitions=3, warmup=0, seed=0))
    assert tally.measured == 3 and len(tally.failed) == 1
    builds = load(tmp_path / "run").builds
    assert list(builds["outcome"]) == ["failed", "ok", "ok"]
    assert builds["error_tail"].iloc[0] == "scripted failure"


def test_a_failed_priming_build_fails_the_row_without_measuring(tmp_path: Path) -> None:
    builder = ScriptedBuilder("buildkit", [1.0], failing_calls={0})
    _runner(tmp_path, {"buildkit": builder}).run(make_plan(_cells(CacheSource.local), 1, 0, 0))
    row = load(tmp_path / "run").builds.iloc[0]
    assert row["outcome"] == "failed" and row["error_tail"].startswith("priming build failed")
    assert len(builder.requests) == 1


def test_unsupported_cells_are_recorded_not_built(tmp_path: Path) -> None:
    builder = ScriptedBuilder("buildkit", [], unsupported="RUN --mount needs BuildKit")
    tally = _runner(tmp_path, {"buildkit": builder}).run(make_plan(_cells(CacheSource.none), 2, 0, 0))
    assert len(tally.unsupported) == 2 and builder.requests == []
    builds = load(tmp_path / "run").builds
    assert (builds["outcome"] == "unsupported").all()
    assert builds["error_tail"].iloc[0] == "RUN --mount needs BuildKit"


def test_ctrl_c_keeps_rows_measured_so_far(tmp_path: Path) -> None:
    def wall(request, call):
        if call == 2:
            raise KeyboardInterrupt
        return 1.0

    runner = _runner(tmp_path, {"buildkit": ScriptedBuilder("buildkit", wall)})
    tally = runner.run(make_plan(_cells(CacheSource.none), repetitions=5, warmup=0, seed=0))
    assert tally.interrupted and tally.measured == 2
    assert len(load(tmp_path / "run").builds) == 2
    assert list(runner.context.workroot.iterdir()) == [], "temporary build contexts left behind"


@pytest.mark.parametrize(
    "text, size", [("405B", 405), ("1.065MB", 1_065_000), ("2.5 GiB", int(2.5 * 1024**3))]
)
def test_containerd_sizes_are_parsed(text: str, size: int) -> None:
    from bench.engine.contents import parse_size

    assert parse_size(text) == size
