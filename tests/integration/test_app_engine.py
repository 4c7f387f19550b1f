"""Both builders on the tiny multi-stage scenario, cold and warm, on the real engine.

Asserts facts that are false when the harness is wrong: BuildKit's independent stages overlap in time
while the legacy builder's do not, a cold row starts from an empty engine and has no cached step, and a
warm rebuild after a source change takes steps from the cache.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from engine_setup import build_flags, compose_config
from omegaconf import OmegaConf
from rich.console import Console

from bench.run.experiment import EXIT_OK, run_experiment
from bench.store.results import Run, load

pytestmark = pytest.mark.engine
INDEPENDENT_STAGES = ("build-a", "build-b")


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    config = compose_config("scenario=tiny", "repetitions=1", "warmup=0")
    run_dir = tmp_path_factory.mktemp("tiny-run")
    code = run_experiment(
        config,
        OmegaConf.to_yaml(OmegaConf.structured(config)),
        run_dir,
        Console(width=120, force_terminal=False),
    )
    assert code == EXIT_OK, (run_dir / "builds.jsonl").read_text()
    return load(run_dir)


def _stage_span(steps: pd.DataFrame, stage: str) -> tuple[float, float]:
    work = steps[(steps["stage"] == stage) & ~steps["cached"] & steps["started_s"].notna()]
    assert not work.empty, (
        f"no executed steps of stage {stage}: {steps[['name', 'stage']].to_dict('records')}"
    )
    return float(work["started_s"].min()), float(work["completed_s"].max())


def _steps_of(run: Run, builder: str, cache: str) -> pd.DataFrame:
    row = run.builds[(run.builds["builder"] == builder) & (run.builds["cache"] == cache)].iloc[0]
    return run.steps[run.steps["seq"] == row["seq"]]


def test_every_cell_measured_once_and_ok(tiny_run: Run) -> None:
    builds = tiny_run.builds
    assert sorted(zip(builds["builder"], builds["cache"], strict=True)) == [
        ("buildkit", "local"),
        ("buildkit", "none"),
        ("legacy", "local"),
        ("legacy", "none"),
    ]
    assert (builds["outcome"] == "ok").all()
    assert (builds["wall_s"] > 0).all()
    assert tiny_run.complete and (tiny_run.path / "summary.md").is_file()


def test_the_requested_builder_really_ran(tiny_run: Run) -> None:
    evidence = dict(zip(tiny_run.builds["builder"], tiny_run.builds["builder_evidence"], strict=False))
    assert "rawjson" in evidence["buildkit"] and "Step" in evidence["legacy"]
    legacy = tiny_run.builds[tiny_run.builds["builder"] == "legacy"].iloc[0]
    assert legacy["env"] == {"DOCKER_BUILDKIT": "0"}


def test_cold_rows_start_from_an_empty_engine_and_take_nothing_from_cache(tiny_run: Run) -> None:
    cold = tiny_run.builds[tiny_run.builds["cache"] == "none"]
    assert sorted(cold["builder"]) == ["buildkit", "legacy"]
    for _, row in cold.iterrows():
        before = row["engine_before"]
        assert before["images"] == 0 and before["content_blobs"] == 0 and before["snapshots"] == 0, before
        assert row["steps_cached"] == 0
        assert build_flags(row) == []


def test_a_paired_warm_rebuild_after_a_source_change_hits_the_cache(tiny_run: Run) -> None:
    """The default plan pairs: the warm build starts from what its builder's cold build left, with no
    priming build of its own, and still takes every unchanged step from the cache."""
    builds = tiny_run.builds.set_index("seq")
    warm = builds[builds["cache"] == "local"]
    assert sorted(warm["builder"]) == ["buildkit", "legacy"]
    for seq, row in warm.iterrows():
        cold = builds.loc[int(row["primed_by"])]
        assert (cold["cache"], cold["builder"], int(row["primed_by"])) == ("none", row["builder"], seq - 1)
        assert pd.isna(row["prime_s"]) and pd.isna(row["reset_s"]), "no reset, no priming build"
        assert row["steps_cached"] > 0, row.to_dict()
        assert row["work_steps_cached"] > 0, "reused work, not only a cached FROM"
        assert row["steps_cached"] < row["steps_total"], "a source change must rebuild something"
        assert build_flags(row) == [], row["flags"]


def test_buildkit_runs_independent_stages_concurrently(tiny_run: Run) -> None:
    a_start, a_end = _stage_span(_steps_of(tiny_run, "buildkit", "none"), INDEPENDENT_STAGES[0])
    b_start, b_end = _stage_span(_steps_of(tiny_run, "buildkit", "none"), INDEPENDENT_STAGES[1])
    overlap = min(a_end, b_end) - max(a_start, b_start)
    assert overlap > 1.0, f"stages ran {a_start:.1f}-{a_end:.1f} and {b_start:.1f}-{b_end:.1f}"


def test_legacy_builds_stages_one_after_the_other(tiny_run: Run) -> None:
    a_start, a_end = _stage_span(_steps_of(tiny_run, "legacy", "none"), INDEPENDENT_STAGES[0])
    b_start, b_end = _stage_span(_steps_of(tiny_run, "legacy", "none"), INDEPENDENT_STAGES[1])
    assert min(a_end, b_end) - max(a_start, b_start) <= 0.05


def test_step_rows_share_one_schema(tiny_run: Run) -> None:
    """Both builders' executed steps fill the same fields: name, start, end, duration (= end - start)."""
    by_builder = {b: tiny_run.steps[tiny_run.steps["builder"] == b] for b in ("legacy", "buildkit")}
    for builder, steps in by_builder.items():
        executed = steps[~steps["cached"]]
        assert not executed.empty, builder
        timed = executed[["name", "started_s", "completed_s", "duration_s"]]
        assert timed.notna().all().all(), (builder, timed[timed.isna().any(axis=1)].to_dict("records"))
        elapsed = executed["completed_s"] - executed["started_s"]
        assert (executed["duration_s"] - elapsed).abs().max() < 1e-3, builder
        assert (executed["duration_s"] > 0).any(), builder
    assert Path(tiny_run.path / "steps.jsonl").stat().st_size > 0
