"""C1, "BuildKit builds faster than the legacy builder in many cases", from cold cells of both builders.

The speedup table (bench/report/cells.py) gives the verdict per scenario; the numbers add the two
mechanisms the talk names, read from step rows: stages running at the same time (stage_overlap.py) and
stages legacy built that BuildKit skipped because the target does not need them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.analysis import stats
from bench.report import cells as tables
from bench.report import conditions
from bench.report import formatting as fmt
from bench.report.stage_overlap import concurrent_stage_seconds_per_build
from bench.report.verdicts import (
    NOT_MEASURED,
    Claim,
    ClaimVerdict,
    Evidence,
    interval_text,
)


def _cold_ok(builds: pd.DataFrame, builder: str) -> pd.DataFrame:
    meas = tables.measured(builds)
    return meas[(meas["builder"] == builder) & (meas["cache"] == "none") & (meas["outcome"] == "ok")]


def _steps_of(steps: pd.DataFrame, builds: pd.DataFrame) -> pd.DataFrame:
    keys = builds[["run_id", "seq"]].drop_duplicates()
    return steps.merge(keys, on=["run_id", "seq"], how="inner")


def _overlap_line(builder: str, builds: pd.DataFrame, steps: pd.DataFrame) -> str:
    per_build = concurrent_stage_seconds_per_build(_steps_of(steps, builds)).tolist()
    if not per_build:
        return f"{builder}: no step rows for its cold builds"
    med = float(np.median(per_build))
    with_overlap = sum(1 for v in per_build if v > 0)
    return (
        f"{builder} cold builds with stages running at the same time: {with_overlap} of {len(per_build)};"
        f" median {fmt.seconds(med)} s of overlap per build"
    )


def _skipped_stages(legacy_steps: pd.DataFrame, buildkit_steps: pd.DataFrame) -> tuple[list[str], float]:
    """Stages legacy built and BuildKit did not, and legacy's median seconds per build spent in them."""
    legacy_stages = set(legacy_steps["stage"].dropna())
    skipped = sorted(legacy_stages - set(buildkit_steps["stage"].dropna()))
    if not skipped:
        return [], 0.0
    spent = legacy_steps[legacy_steps["stage"].isin(skipped)].groupby(["run_id", "seq"])["duration_s"].sum()
    return skipped, float(spent.median()) if len(spent) else float("nan")


def _mechanism_lines(scenario: str, ev: Evidence) -> list[str]:
    """A scenario's stage overlap per builder and the stages BuildKit skipped, from its cold ok builds."""
    if ev.steps.empty:
        return [f"{scenario}: no step rows, so stage overlap and skipped stages are not measured"]
    in_scenario = ev.builds[ev.builds["scenario"] == scenario]
    bk, lg = _cold_ok(in_scenario, "buildkit"), _cold_ok(in_scenario, "legacy")
    lines = [
        f"{scenario}: " + _overlap_line(builder, rows, ev.steps)
        for builder, rows in (("buildkit", bk), ("legacy", lg))
        if not rows.empty
    ]
    if not bk.empty and not lg.empty:
        skipped, spent = _skipped_stages(_steps_of(ev.steps, lg), _steps_of(ev.steps, bk))
        lines.append(
            f"{scenario}: stages legacy built and BuildKit skipped: "
            + (
                f"{', '.join(skipped)} (legacy spent a median {fmt.seconds(spent)} s on them)"
                if skipped
                else "none"
            )
        )
    return lines


def check_c1(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """Cold BuildKit vs legacy per scenario; supported when BuildKit is faster in at least one scenario
    with an interval ("in many cases" is the talk's hedge, the numbers say how many)."""
    cold = (
        ev.builder_speedups[ev.builder_speedups["cache"] == "none"] if not ev.builder_speedups.empty else None
    )
    if cold is None or cold.empty:
        return ClaimVerdict(
            claim, NOT_MEASURED, ["the run has no cold (cache=none) cells with both builders"]
        )
    numbers = [
        f"{s['scenario']} cold: legacy {fmt.seconds(s['legacy_median_s'])} s, BuildKit"
        f" {fmt.seconds(s['buildkit_median_s'])} s (medians, n={s['n_legacy']}/{s['n_buildkit']});"
        f" speedup {fmt.ratio(s['speedup'])} {interval_text(s)}: {s['verdict']}"
        for _, s in cold.iterrows()
    ]
    for scenario in cold["scenario"].unique():
        numbers.extend(_mechanism_lines(scenario, ev))
    decided = cold[cold["verdict"] != stats.INSUFFICIENT_DATA]
    found = conditions.speedup_conditions(cold, ev.builds, "scenario")
    headline = conditions.headline(found, conditions.crossover_notes(cold, ev.builds))
    if decided.empty:
        return ClaimVerdict(
            claim, NOT_MEASURED, [*numbers, "too few ok builds for an interval"], tuple(found), headline
        )
    faster = int((decided["verdict"] == stats.FASTER).sum())
    numbers.insert(0, f"BuildKit faster cold in {faster} of {len(decided)} scenario(s) with enough data")
    verdict = conditions.overall(found, one_suffices=True)
    return ClaimVerdict(claim, verdict, numbers, tuple(found), headline)
