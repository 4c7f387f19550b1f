"""Every comparison table of bench, built by one function: builder against builder, each cache source
against a cold build, and one run against another (`bench compare`).

One direction everywhere: **speedup = reference median / candidate median**, so above 1 the candidate
is faster and below 1 slower (`bench.analysis.stats.compare`). The reference is legacy against BuildKit, the
cold build against a cached one, BASE against NEW. Every table names its column with `speedup_header`
and states the rule with SPEEDUP_RULE, so a reader never has to guess which way a ratio goes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pandas as pd

from bench.analysis import stats
from bench.report import cells as tables

SPEEDUP_RULE = (
    "Speedup = reference median / candidate median (above 1: the candidate is faster), called faster or"
    " slower only when its 95% bootstrap interval excludes 1; Mann-Whitney U p-values alongside."
)
COLD = "none"
RESULT_COLUMNS: tuple[str, ...] = ("speedup", "ci_low", "ci_high", "p_value", "verdict", "note")


@dataclass(frozen=True)
class Sides:
    """What is compared with what: column prefixes (`legacy` -> n_legacy, legacy_median_s) and the names
    a reader sees in headers."""

    reference: str
    candidate: str
    reference_label: str
    candidate_label: str

    @property
    def columns(self) -> tuple[str, ...]:
        r, c = self.reference, self.candidate
        return (f"n_{r}", f"n_{c}", f"{r}_median_s", f"{c}_median_s", *RESULT_COLUMNS)

    @property
    def header(self) -> str:
        return speedup_header(self.reference_label, self.candidate_label)


BUILDERS = Sides("legacy", "buildkit", "legacy", "BuildKit")
CACHES = Sides("cold", "cached", "cold", "cached")
RUNS = Sides("base", "new", "base", "new")

#: (the group's key values, the reference's rows, the candidate's rows)
Pairing = tuple[dict[str, object], pd.DataFrame, pd.DataFrame]


def speedup_header(reference: str, candidate: str) -> str:
    """The one way a speedup column is named: `speedup (legacy / BuildKit)`."""
    return f"speedup ({reference} / {candidate})"


def _availability(label: str, rows: pd.DataFrame) -> str:
    """Why one side of a comparison is short, e.g. "legacy: 0 ok (3 unsupported)"."""
    meas = tables.measured(rows)
    n_ok = int((meas["outcome"] == "ok").sum())
    outcomes = ("failed", "unsupported", "interrupted")
    others = [f"{n} {o}" for o in outcomes if (n := int((meas["outcome"] == o).sum()))]
    return f"{label}: {n_ok} ok" + (f" ({', '.join(others)})" if others else "")


def _shortfall(sides: Sides, reference: pd.DataFrame, candidate: pd.DataFrame) -> str:
    short = [
        _availability(label, rows)
        for label, rows in ((sides.reference, reference), (sides.candidate, candidate))
        if tables.ok_times(rows).size < stats.MIN_SAMPLES_FOR_INTERVAL
    ]
    return "; ".join(short) + f" (an interval needs {stats.MIN_SAMPLES_FOR_INTERVAL} ok builds a side)"


def comparison_table(
    pairings: Iterable[Pairing],
    keys: list[str],
    sides: Sides,
    *,
    confidence: float = stats.DEFAULT_CONFIDENCE,
    n_resamples: int = stats.DEFAULT_RESAMPLES,
    seed: int | None = stats.DEFAULT_SEED,
) -> pd.DataFrame:
    """One row per pairing: both sides' counts and medians, speedup = reference / candidate with its
    interval, the Mann-Whitney p-value, the verdict ("faster" means the candidate is) and, when a side
    has too few ok builds for an interval, a note saying why."""
    out: list[dict[str, object]] = []
    for key, reference_rows, candidate_rows in pairings:
        ref, cand = tables.ok_times(reference_rows), tables.ok_times(candidate_rows)
        cmp = stats.compare(ref, cand, confidence=confidence, n_resamples=n_resamples, seed=seed)
        short = cmp.verdict == stats.INSUFFICIENT_DATA
        values = (
            int(ref.size),
            int(cand.size),
            stats.median(ref),
            stats.median(cand),
            cmp.speedup.estimate,
            cmp.speedup.low,
            cmp.speedup.high,
            cmp.mann_whitney.p_value,
            cmp.verdict,
            _shortfall(sides, reference_rows, candidate_rows) if short else "",
        )
        out.append({**key, **dict(zip(sides.columns, values, strict=True))})
    return tables.ordered(pd.DataFrame(out, columns=[*keys, *sides.columns]), keys)


def _builder_pairings(builds: pd.DataFrame, keys: list[str]) -> Iterator[Pairing]:
    for key, rows in tables.groups(builds, keys):
        legacy = rows[rows["builder"] == tables.BASELINE_BUILDER]
        buildkit = rows[rows["builder"] == tables.CANDIDATE_BUILDER]
        if not (legacy.empty or buildkit.empty):  # a builder the run did not measure: no comparison
            yield key, legacy, buildkit


def builder_comparisons(
    builds: pd.DataFrame, *, n_resamples: int = stats.DEFAULT_RESAMPLES, seed: int | None = stats.DEFAULT_SEED
) -> pd.DataFrame:
    """One row per (scenario, [platform,] cache, change): legacy is the reference, BuildKit the candidate."""
    keys = tables.comparison_keys(builds)
    pairings = _builder_pairings(builds, keys)
    return comparison_table(pairings, keys, BUILDERS, n_resamples=n_resamples, seed=seed)


def cache_keys(builds: pd.DataFrame) -> list[str]:
    """The cell keys a cache comparison stays within: scenario, [platform,] builder."""
    return [k for k in tables.cell_keys(builds) if k not in ("cache", "change")]


def _cache_pairings(builds: pd.DataFrame, keys: list[str]) -> Iterator[Pairing]:
    if builds.empty:
        return
    for key, rows in tables.groups(builds, keys):
        cold = rows[rows["cache"] == COLD]
        if cold.empty:  # nothing to compare the cached builds with
            continue
        for sub, cached in tables.groups(rows[rows["cache"] != COLD], ["cache", "change"]):
            yield {**key, **sub}, cold, cached


def cache_comparisons(
    builds: pd.DataFrame, *, n_resamples: int = stats.DEFAULT_RESAMPLES, seed: int | None = stats.DEFAULT_SEED
) -> pd.DataFrame:
    """One row per (scenario, [platform,] builder, cache, change) with cache != none: the cold build of the
    same builder is the reference, the build with this cache source the candidate."""
    keys = [*cache_keys(builds), "cache", "change"]
    pairings = _cache_pairings(builds, keys[:-2])
    return comparison_table(pairings, keys, CACHES, n_resamples=n_resamples, seed=seed)


def run_comparisons(
    base: pd.DataFrame,
    new: pd.DataFrame,
    *,
    n_resamples: int = stats.DEFAULT_RESAMPLES,
    seed: int | None = stats.DEFAULT_SEED,
) -> pd.DataFrame:
    """One row per cell of either run: BASE is the reference, NEW the candidate (a side may be empty)."""
    keys = [k for k in tables.cell_keys(base) if k in new.columns]
    both = pd.concat([base.assign(_side="base"), new.assign(_side="new")], ignore_index=True)
    pairings = (
        (key, rows[rows["_side"] == "base"], rows[rows["_side"] == "new"])
        for key, rows in tables.groups(both, keys)
    )
    return comparison_table(pairings, keys, RUNS, n_resamples=n_resamples, seed=seed)


def comparison_dims(frame: pd.DataFrame, sides: Sides) -> list[str]:
    """The key columns of a comparison table that hold a value, in the table's order."""
    keys = list(frame.columns[: list(frame.columns).index(sides.columns[0])])
    return [k for k in keys if frame[k].notna().any()]
