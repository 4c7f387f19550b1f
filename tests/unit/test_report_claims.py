"""Claim checks: stage overlap from step rows, skipped stages, verdicts from the speedup interval."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from report_runs import COLD_WIN, write_run

from bench.report import stage_overlap
from bench.report.claims import registry as claims
from bench.report.model import build_report
from bench.store.results import load

N = 499


def _steps(rows: list[tuple[str | None, float, float, bool]]) -> pd.DataFrame:
    return pd.DataFrame([{"stage": s, "started_s": a, "completed_s": b, "cached": c} for s, a, b, c in rows])


def test_concurrent_seconds_counts_only_time_with_two_stages_running() -> None:
    steps = _steps([("a", 0.0, 6.0, False), ("b", 1.0, 4.0, False), ("b", 5.0, 7.0, False)])
    assert stage_overlap.concurrent_stage_seconds(steps) == pytest.approx(3.0 + 1.0)


def test_concurrent_seconds_ignores_same_stage_touching_cached_and_stageless_steps() -> None:
    steps = _steps(
        [
            ("a", 0.0, 2.0, False),
            ("a", 1.0, 3.0, False),  # same stage: not concurrency between stages
            ("b", 3.0, 4.0, False),  # starts as a ends: touching is not overlap
            ("c", 0.0, 4.0, True),  # cached: did no work
            (None, 0.0, 4.0, False),  # [internal] vertex
        ]
    )
    assert stage_overlap.concurrent_stage_seconds(steps) == 0.0


def _brute_force(steps: pd.DataFrame) -> float:
    """Elementary segments between all endpoints; a segment counts when 2+ stages cover its midpoint."""
    live = steps[steps["stage"].notna() & ~steps["cached"]]
    points = sorted(set(live["started_s"]) | set(live["completed_s"]))
    total = 0.0
    for lo, hi in itertools.pairwise(points):
        mid = (lo + hi) / 2
        covering = live[(live["started_s"] < mid) & (live["completed_s"] > mid)]
        total += (hi - lo) if covering["stage"].nunique() >= 2 else 0.0
    return total


def test_vectorised_sweep_agrees_with_brute_force_per_build() -> None:
    rng = np.random.default_rng(7)
    frames = []
    for seq in range(40):
        n = int(rng.integers(1, 12))
        start = rng.uniform(0, 10, n).round(1)
        frames.append(
            pd.DataFrame(
                {
                    "run_id": "r",
                    "seq": seq,
                    "stage": rng.choice(["a", "b", "c", None], n),
                    "started_s": start,
                    "completed_s": start + rng.uniform(0, 4, n).round(1),
                    "cached": rng.random(n) < 0.2,
                }
            )
        )
    steps = pd.concat(frames, ignore_index=True)
    per_build = stage_overlap.concurrent_stage_seconds_per_build(steps)
    assert len(per_build) == 40
    for seq, frame in enumerate(frames):
        assert per_build[("r", seq)] == pytest.approx(_brute_force(frame)), seq


def _report(tmp_path: Path, times: dict) -> list[claims.ClaimVerdict]:
    return build_report([load(write_run(tmp_path, times))], n_resamples=N).claims


def test_c1_supported_with_overlap_and_the_skipped_stage(tmp_path: Path) -> None:
    verdicts = _report(tmp_path, COLD_WIN)
    c1 = verdicts[0]
    assert c1.claim.id == "C1" and c1.verdict == claims.SUPPORTED
    text = "\n".join(c1.numbers)
    assert "BuildKit faster cold in 1 of 1" in text
    assert "legacy 20.2 s, BuildKit 10.1 s" in text
    # BuildKit: a and b overlap from 10% to 60% of each build; median wall 10.1 s -> 5.05 s
    assert "buildkit cold builds with stages running at the same time: 5 of 5; median 5.05 s" in text
    assert "legacy cold builds with stages running at the same time: 0 of 5" in text
    # legacy's debug stage is the last fifth of each build: median 20.2 * 0.2 = 4.04 s
    assert "skipped: debug (legacy spent a median 4.04 s on them)" in text


def test_c1_not_supported_when_buildkit_is_slower(tmp_path: Path) -> None:
    slower = {
        ("legacy", "none"): [10.0, 10.1, 9.9, 10.2, 10.05],
        ("buildkit", "none"): [15.0, 15.2, 14.9, 15.1, 15.3],
    }
    c1 = _report(tmp_path, slower)[0]
    assert c1.verdict == claims.NOT_SUPPORTED
    assert "BuildKit faster cold in 0 of 1" in c1.numbers[0]


def test_c1_not_measured_without_both_builders_cold_or_enough_builds(tmp_path: Path) -> None:
    only_warm = {("legacy", "local"): [5.0, 5.1, 5.2], ("buildkit", "local"): [2.0, 2.1, 2.2]}
    assert _report(tmp_path / "a", only_warm)[0].verdict == claims.NOT_MEASURED
    two_each = {("legacy", "none"): [20.0, 21.0], ("buildkit", "none"): [10.0, 11.0]}
    c1 = _report(tmp_path / "b", two_each)[0]
    assert c1.verdict == claims.NOT_MEASURED and "too few ok builds" in c1.numbers[-1]


def test_every_claim_is_listed_and_the_registry_claims_have_no_data(tmp_path: Path) -> None:
    verdicts = _report(tmp_path, COLD_WIN)
    assert [v.claim.id for v in verdicts] == [f"C{i}" for i in range(1, 14)]
    # the run has only none/local caches: the registry claims have no data
    assert verdicts[1].verdict == verdicts[2].verdict == claims.NOT_MEASURED


def test_a_claim_without_a_check_is_not_measured_with_what_would_measure_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every claim has a check today, so drop one to see what assess says of an unchecked claim."""
    monkeypatch.delitem(claims.CHECKS, "C1")
    c1 = _report(tmp_path, COLD_WIN)[0]
    assert c1.claim.id == "C1" and c1.verdict == claims.NOT_MEASURED
    assert c1.numbers == [
        f"bench has no check of this claim yet; what would measure it: {c1.claim.measured_by}"
    ]


def test_c3_decides_from_remote_cache_cells(tmp_path: Path) -> None:
    times = {("buildkit", "none"): [10.0, 10.2, 9.9, 10.1], ("buildkit", "registry"): [4.0, 4.1, 3.9, 4.2]}
    verdicts = _report(tmp_path, times)
    assert verdicts[2].verdict == claims.SUPPORTED
    assert "cache=registry: 2.48x" in verdicts[2].numbers[0]
    assert verdicts[1].verdict == claims.SUPPORTED  # every registry build took cached steps, engine clean
