"""`bench compare BASE NEW`: per cell, how the median changed, with an interval and a test; CI gates on it.

ratio = median(NEW) / median(BASE) with a percentile-bootstrap interval (both samples resampled
independently) and the Mann-Whitney U p-value. A cell is a *regression* when the whole interval lies above
1 and the change exceeds the threshold (NEW slower by more than, say, 5%), an *improvement* when the whole
interval lies below 1 and NEW is faster by more than the threshold; everything else is unchanged or, below
3 ok builds a side, insufficient data. Runs of different scenarios are refused; environments that differ
are warned about (or refused with `strict_environment`), since a new kernel moves times as much as a patch.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from bench import stats
from bench.report.model import effective_resamples, environment_differences
from bench.results import ResultsError, Run
from bench.summary import table as tables

REGRESSION, IMPROVEMENT, UNCHANGED = "regression", "improvement", "unchanged"
INSUFFICIENT, ONLY_BASE, ONLY_NEW = "insufficient data", "only in base", "only in new"
DEFAULT_THRESHOLD = 0.05
CHANGE_COLUMNS: tuple[str, ...] = (
    "n_base",
    "n_new",
    "base_median_s",
    "new_median_s",
    "ratio",
    "ci_low",
    "ci_high",
    "p_value",
    "status",
)


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
    name = run.meta.get("scenario", {}).get("name")
    return {str(name)} if name else set()


def classify(interval: stats.Interval, threshold: float) -> str:
    """Regression/improvement only when the interval excludes 1 and the estimate passes the threshold."""
    if not interval.defined:
        return INSUFFICIENT
    if interval.low > 1 and interval.estimate > 1 + threshold:
        return REGRESSION
    if interval.high < 1 and interval.estimate < 1 / (1 + threshold):
        return IMPROVEMENT
    return UNCHANGED


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
    n_resamples = min(
        effective_resamples(base.builds, n_resamples), effective_resamples(new.builds, n_resamples)
    )
    keys = [k for k in tables.cell_keys(base.builds) if k in new.builds.columns]
    both = pd.concat([base.builds.assign(_side="base"), new.builds.assign(_side="new")], ignore_index=True)
    rows = []
    for values, group in both.groupby(keys, dropna=False, sort=False):
        key = dict(zip(keys, values, strict=True))
        old = tables.ok_times(group[group["_side"] == "base"])
        cur = tables.ok_times(group[group["_side"] == "new"])
        interval = stats.ratio_of_medians_ci(cur, old, n_resamples=n_resamples, seed=seed)
        status = classify(interval, threshold)
        if not (group["_side"] == "base").any():
            status = ONLY_NEW
        elif not (group["_side"] == "new").any():
            status = ONLY_BASE
        rows.append(
            {
                **key,
                "n_base": int(old.size),
                "n_new": int(cur.size),
                "base_median_s": stats.median(old),
                "new_median_s": stats.median(cur),
                "ratio": interval.estimate,
                "ci_low": interval.low,
                "ci_high": interval.high,
                "p_value": stats.mann_whitney(old, cur).p_value,
                "status": status,
            }
        )
    frame = tables._ordered(pd.DataFrame(rows, columns=[*keys, *CHANGE_COLUMNS]), keys)
    return RunComparison(frame, differences, threshold)


def percent(change: float) -> str:
    """A ratio as a signed percentage: 1.12 -> +12.0%."""
    return "-" if change != change else f"{(change - 1) * 100:+.1f}%"
