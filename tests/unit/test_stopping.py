"""When a cell stops: planned repetitions done, precise enough (`repetitions=auto`), or the same error
twice; the reason lands on the cell's last row, stopped cells are skipped, and a resume respects them."""

from __future__ import annotations

from pathlib import Path

from fakes import ScriptedBuilder, ScriptedEngine
from rich.console import Console

from bench.builders.records import BuildRequest
from bench.config import (
    BenchConfig,
    BuilderConfig,
    CacheConfig,
    EngineConfig,
    PlatformConfig,
    PrecisionConfig,
    ScenarioConfig,
)
from bench.plan import Cell, Measurement
from bench.run.experiment import EXIT_FAILED_BUILDS, EXIT_INTERRUPTED, EXIT_OK, run_experiment
from bench.run.stopping import Stopping, StopRule, error_signature
from bench.store.results import load
from bench.vocabulary import BuilderName, CacheSource, ChangeKind

TINY = Path(__file__).parents[1] / "fixtures" / "scenarios" / "tiny"
COLD = Cell("s", BuilderName.buildkit, CacheSource.none, ChangeKind.none)
WARM = Cell("s", BuilderName.buildkit, CacheSource.local, ChangeKind.source)
ERROR = 'ERROR: process "/bin/sh -c ./test.sh" did not complete successfully: exit code: 1'


def _m(seq: int, cell: Cell = COLD, warmup: bool = False) -> Measurement:
    return Measurement(seq, seq, seq, warmup, cell)


def _feed(stopping: Stopping, times: list[float], cell: Cell = COLD) -> list[str | None]:
    return [stopping.record(_m(i, cell), "ok", t, None) for i, t in enumerate(times)]


def test_the_same_error_twice_stops_a_cell_that_never_succeeded() -> None:
    stopping = Stopping(StopRule(repetitions=5), [COLD])
    assert stopping.record(_m(0, warmup=True), "failed", None, f"#12 0.41 {ERROR}") is None
    reason = stopping.record(_m(1), "failed", None, f"#14 0.52 {ERROR}")
    assert reason is not None and "same error" in reason and stopping.stopped(COLD.id)


def test_other_errors_successes_and_keep_going_let_a_failing_cell_go_on() -> None:
    different = Stopping(StopRule(repetitions=5), [COLD])
    different.record(_m(0), "failed", None, "ERROR: no space left on device")
    assert different.record(_m(1), "failed", None, ERROR) is None
    succeeded = Stopping(StopRule(repetitions=5), [COLD])
    succeeded.record(_m(0), "ok", 1.0, None)
    succeeded.record(_m(1), "failed", None, ERROR)
    assert succeeded.record(_m(2), "failed", None, ERROR) is None, "it can succeed: flaky, not broken"
    kept = Stopping(StopRule(repetitions=5, keep_going=True), [COLD])
    kept.record(_m(0), "failed", None, ERROR)
    assert kept.record(_m(1), "failed", None, ERROR) is None


def test_signatures_ignore_numbers_and_ids() -> None:
    a = error_signature("#7 12.3 step 3/9\nERROR: container 4f2a9c81d0e5b7a6 exit code: 1")
    b = error_signature("#9 0.8 step 3/9\nERROR: container 0a1b2c3d4e5f6789 exit code: 2")
    assert a == b and "ERROR: container" in a


def test_fixed_repetitions_say_the_plan_is_done_on_the_last_row() -> None:
    stopping = Stopping(StopRule(repetitions=3), [COLD])
    reasons = _feed(stopping, [1.0, 5.0, 9.0])
    assert reasons[:2] == [None, None] and reasons[2] is not None and reasons[2].startswith("planned 3")


def test_auto_stops_a_steady_cell_at_its_minimum_and_a_noisy_one_at_its_maximum() -> None:
    rule = StopRule(repetitions=8, auto=True, target=0.05, min_builds=3)
    steady = Stopping(rule, [COLD])
    reasons = _feed(steady, [10.0, 10.1, 10.05])
    assert reasons[-1] is not None and reasons[-1].startswith("precise after 3 builds")
    noisy = Stopping(rule, [COLD])
    reasons = _feed(noisy, [10.0, 14.0, 7.0, 12.0, 8.0, 13.0, 6.0, 15.0])
    assert reasons[:-1] == [None] * 7 and reasons[-1] is not None and reasons[-1].startswith("maximum 8")
    assert "median +-" in reasons[-1]


def test_auto_waits_for_the_speedups_a_cell_takes_part_in() -> None:
    rule = StopRule(repetitions=8, auto=True, target=0.05, min_builds=3)
    stopping = Stopping(rule, [COLD, WARM])
    _feed(stopping, [2.0, 3.0, 2.5, 2.2, 2.9], cell=WARM)  # the warm cell is noisy
    reasons = _feed(stopping, [10.0, 10.1, 10.05], cell=COLD)
    assert reasons == [None, None, None], "its own median is precise, the speedup over WARM is not"
    assert "speedups up to" in stopping.precision_text(COLD.id)


def _config(tmp_path: Path, **changes) -> BenchConfig:
    base = {
        "scenario": ScenarioConfig(path=str(TINY)),
        "builder": BuilderConfig(names=[BuilderName.legacy, BuilderName.buildkit]),
        "cache": CacheConfig(sources=[CacheSource.none]),
        "engine": EngineConfig(run_dir=str(tmp_path / "engine")),
        "repetitions": "auto",
        "precision": PrecisionConfig(target=0.05, min=3, max=6),
        "warmup": 1,
    }
    return BenchConfig(**{**base, **changes})


def _by_platform(interrupt_at: int | None = None) -> ScriptedBuilder:
    """Steady on the native platform, never precise on arm64; call `interrupt_at` is a Ctrl-C."""
    noisy = iter([1.0, 3.0, 2.0, 5.0, 1.5, 4.0, 2.5, 6.0])

    def wall(request: BuildRequest, call: int) -> float:
        if call == interrupt_at:
            raise KeyboardInterrupt
        return next(noisy) if "--platform" in request.extra_flags else 1.0

    return ScriptedBuilder("buildkit", wall)


def test_an_auto_run_measures_each_cell_until_it_is_precise(tmp_path: Path) -> None:
    """Two platforms of one builder: no speedup ties them, so each stops on its own precision."""
    config = _config(
        tmp_path,
        builder=BuilderConfig(names=[BuilderName.buildkit]),
        platform=PlatformConfig(names=["native", "linux/arm64"]),
    )
    builder = _by_platform()
    engine = ScriptedEngine({"buildkit": builder})
    assert run_experiment(config, "seed: 0\n", tmp_path / "run", Console(quiet=True), engine) == EXIT_OK
    native = [r for r in builder.requests if "--platform" not in r.extra_flags]
    assert len(native) == 1 + 3, "warmup + the minimum: steady from the start"
    assert len(builder.requests) - len(native) == 1 + 6, "warmup + the maximum: never precise"
    builds = load(tmp_path / "run").builds.sort_values("seq")
    for _, rows in builds.groupby("cell"):
        assert rows["stop_reason"].iloc[:-1].isna().all() and isinstance(rows["stop_reason"].iloc[-1], str)
    summary = (tmp_path / "run" / "summary.md").read_text()
    assert "precise after 3 builds" in summary and "maximum 6 builds" in summary
    order = list(builds["platform"])
    assert order.index("linux/arm64") < max(i for i, p in enumerate(order) if p == "native"), "interleaved"


def test_a_cell_failing_the_same_way_is_not_repeated_and_the_summary_says_so(tmp_path: Path) -> None:
    builders = {
        "legacy": ScriptedBuilder("legacy", lambda request, call: 2.0, failing_calls=set(range(9))),
        "buildkit": ScriptedBuilder("buildkit", lambda request, call: 1.0),
    }
    config = _config(tmp_path, repetitions=4)
    code = run_experiment(
        config, "seed: 0\n", tmp_path / "run", Console(quiet=True), ScriptedEngine(builders)
    )
    assert code == EXIT_FAILED_BUILDS
    assert len(builders["legacy"].requests) == 2, "the warmup and the first build, then no more"
    assert len(builders["buildkit"].requests) == 5
    summary = (tmp_path / "run" / "summary.md").read_text()
    assert "same error" in summary and "is complete" in summary
    again = _config(tmp_path, repetitions=4, keep_going=True)
    builders["legacy"].requests.clear()
    run_experiment(again, "seed: 0\n", tmp_path / "all", Console(quiet=True), ScriptedEngine(builders))
    assert len(builders["legacy"].requests) == 5, "keep_going=true: the whole planned matrix"


def test_a_resumed_auto_run_does_not_measure_cells_that_had_stopped(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    config = _config(
        tmp_path,
        warmup=0,
        builder=BuilderConfig(names=[BuilderName.buildkit]),
        platform=PlatformConfig(names=["native", "linux/arm64"]),
    )
    engine = ScriptedEngine({"buildkit": _by_platform(interrupt_at=7)})
    assert run_experiment(config, "seed: 0\n", run_dir, Console(quiet=True), engine) == EXIT_INTERRUPTED
    builds = load(run_dir).builds
    assert list(builds.dropna(subset=["stop_reason"])["platform"]) == ["native"]
    builder = _by_platform()
    again = run_experiment(
        config,
        "seed: 0\n",
        run_dir,
        Console(quiet=True),
        ScriptedEngine({"buildkit": builder}),
        resuming=True,
    )
    assert again == EXIT_OK
    assert [("--platform" in r.extra_flags) for r in builder.requests] == [True, True], "arm64 only"
    builds = load(run_dir).builds
    assert builds.groupby("platform").size().to_dict() == {"linux/arm64": 6, "native": 3}
    assert builds.groupby("cell")["stop_reason"].count().eq(1).all()
