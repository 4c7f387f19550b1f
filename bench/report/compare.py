"""`bench compare BASE NEW`: per cell, how the median changed, with an interval and a test; CI gates on it.

Each cell is a row of `bench.report.comparisons.run_comparisons`: speedup = median(BASE) / median(NEW),
the one direction of every bench table (below 1: NEW is slower), with a percentile-bootstrap interval
(both samples resampled independently) and the Mann-Whitney U p-value. A cell is a *regression* when the
whole interval lies below 1 and NEW is slower by more than the threshold (say 5%: speedup < 1 / 1.05), an
*improvement* when the whole interval lies above 1 and NEW is faster by more than the threshold; everything
else is unchanged or, below 3 ok builds a side, insufficient data. Runs of different scenarios are refused;
environments that differ are warned about (or refused with `strict_environment`), since a new kernel moves
times as much as a patch. Each cell also gives its ok builds per side (`n_base`, `n_new`) and the quality
flags found on each side's rows with their reasons (`quality_flags_base`, `quality_flags_new`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from bench.analysis import stats
from bench.report import cells as tables
from bench.report.comparisons import run_comparisons
from bench.report.flag_records import flag_records
from bench.report.model import effective_resamples, environment_differences
from bench.store.results import ResultsError, Run

REGRESSION, IMPROVEMENT, UNCHANGED = "regression", "improvement", "unchanged"
INSUFFICIENT, ONLY_BASE, ONLY_NEW = "insufficient data", "only in base", "only in new"
DEFAULT_THRESHOLD = 0.05


class IncomparableRuns(ResultsError):
    """Two runs that cannot be compared; the message says why."""


@dataclass
class RunComparison:
    cells: pd.DataFrame
    environment_differences: list[str]
    threshold: float

    @property
    def regressions(self) -> pd.DataFrame:
        return self.cells[self.cells["status"] == REGRESSION]

    @property
    def improvements(self) -> pd.DataFrame:
        return self.cells[self.cells["status"] == IMPROVEMENT]


def _scenarios(run: Run) -> set[str]:
    if not run.builds.empty:
        return {str(s) for s in run.builds["scenario"].dropna().unique()}
    name = run.meta.scenario.name
    return {name} if name else set()


def classify(speedup: stats.Interval, threshold: float) -> str:
    """Regression/improvement only when the speedup interval (BASE / NEW) excludes 1 and the estimate
    passes the threshold: a regression is NEW slower, so the interval lies below 1."""
    if not speedup.defined:
        return INSUFFICIENT
    if speedup.high < 1 and speedup.estimate < 1 / (1 + threshold):
        return REGRESSION
    if speedup.low > 1 and speedup.estimate > 1 + threshold:
        return IMPROVEMENT
    return UNCHANGED


def _check(base: Run, new: Run, threshold: float, strict_environment: bool) -> list[str]:
    """Refuse what cannot be compared; returns the environment differences to warn about."""
    if threshold < 0:
        raise ValueError(f"threshold must be 0 or more (a fraction, 0.05 = 5%), got {threshold}")
    for run, which in ((base, "BASE"), (new, "NEW")):
        if run.builds.empty:
            raise IncomparableRuns(f"{which} run {run.path} has no build rows; nothing to compare")
    a, b = _scenarios(base), _scenarios(new)
    if a != b:
        raise IncomparableRuns(
            f"cannot compare runs of different scenarios: BASE measured {', '.join(sorted(a))}, NEW measured"
            f" {', '.join(sorted(b))}; compare runs of the same scenario"
        )
    differences = environment_differences([base, new])
    if differences and strict_environment:
        raise IncomparableRuns(
            "the two runs were measured in different environments (" + "; ".join(differences) + ");"
            " drop --strict-env to compare anyway"
        )
    return differences


def _status(
    row: pd.Series, keys: list[str], in_base: set[tuple], in_new: set[tuple], threshold: float
) -> str:
    """Only in one run, or what the speedup interval says against the threshold."""
    key = tuple(str(row[k]) for k in keys)
    if key not in in_base:
        return ONLY_NEW
    if key not in in_new:
        return ONLY_BASE
    n = (row["n_base"], row["n_new"])
    speedup = stats.Interval(row["speedup"], row["ci_low"], row["ci_high"], 0.95, "percentile", n)
    return classify(speedup, threshold)


def _present(builds: pd.DataFrame, keys: list[str]) -> set[tuple]:
    """The cells a run has rows of (keys as text, so a missing value matches itself)."""
    return {tuple(str(key[k]) for k in keys) for key, _ in tables.groups(builds, keys)}


def _flags(builds: pd.DataFrame, keys: list[str]) -> dict[tuple, list[dict[str, Any]]]:
    """Each cell's quality flags with their counts and reasons (keys as text, as `_present` keys them)."""
    return {
        tuple(str(key[k]) for k in keys): flag_records(tables.flag_counts(rows))
        for key, rows in tables.groups(builds, keys)
    }


def compare_runs(
    base: Run,
    new: Run,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    strict_environment: bool = False,
    n_resamples: int = stats.DEFAULT_RESAMPLES,
    seed: int | None = stats.DEFAULT_SEED,
) -> RunComparison:
    """Every cell of either run, base against new; raises IncomparableRuns for different scenarios."""
    differences = _check(base, new, threshold, strict_environment)
    n_resamples = min(
        effective_resamples(base.builds, n_resamples), effective_resamples(new.builds, n_resamples)
    )
    cells = run_comparisons(base.builds, new.builds, n_resamples=n_resamples, seed=seed)
    keys = [k for k in tables.cell_keys(base.builds) if k in new.builds.columns]
    in_base, in_new = _present(base.builds, keys), _present(new.builds, keys)
    status = [_status(row, keys, in_base, in_new, threshold) for _, row in cells.iterrows()]
    on_base, on_new = _flags(base.builds, keys), _flags(new.builds, keys)
    cell_keys = [tuple(str(row[k]) for k in keys) for _, row in cells.iterrows()]
    flags = {
        "quality_flags_base": [on_base.get(key, []) for key in cell_keys],
        "quality_flags_new": [on_new.get(key, []) for key in cell_keys],
    }
    return RunComparison(cells.assign(status=status, **flags), differences, threshold)
