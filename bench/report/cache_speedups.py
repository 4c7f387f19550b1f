"""Speedup of each cache source against a cold build (`cache=none`), per builder.

The builder comparison lives in `bench.summary.table.speedup_table`; this is the other axis of the matrix:
within one builder (and platform), how much faster is a build that may take steps from a cache than the
same build from nothing. Same statistics and verdict rule (`bench.stats.compare`).
"""

from __future__ import annotations

import pandas as pd

from bench import stats
from bench.summary import table as tables

COLD = "none"
CACHE_SPEEDUP_COLUMNS: tuple[str, ...] = (
    "cache",
    "change",
    "n_cold",
    "n_cached",
    "cold_median_s",
    "cached_median_s",
    "speedup",
    "ci_low",
    "ci_high",
    "p_value",
    "verdict",
)


def cache_keys(builds: pd.DataFrame) -> list[str]:
    """The cell keys a cache comparison stays within: scenario, [platform,] builder."""
    return [k for k in tables.cell_keys(builds) if k not in ("cache", "change")]


def cache_speedup_table(
    builds: pd.DataFrame,
    confidence: float = stats.DEFAULT_CONFIDENCE,
    n_resamples: int = stats.DEFAULT_RESAMPLES,
    seed: int | None = stats.DEFAULT_SEED,
) -> pd.DataFrame:
    """One row per (scenario, [platform,] builder, cache, change) with cache != none.

    speedup = median(cold builds) / median(builds with this cache source); above 1 the cache helps.
    Groups without cold builds are left out: there is nothing to compare them with.
    """
    keys = cache_keys(builds)
    out: list[dict[str, object]] = []
    if builds.empty:
        return pd.DataFrame(columns=[*keys, *CACHE_SPEEDUP_COLUMNS])
    for values, rows in builds.groupby(keys, dropna=False, sort=False):
        key = dict(zip(keys, values, strict=True))
        cold_rows = rows[rows["cache"] == COLD]
        if cold_rows.empty:
            continue
        cold = tables.ok_times(cold_rows)
        for (cache, change), cached_rows in rows[rows["cache"] != COLD].groupby(
            ["cache", "change"], dropna=False, sort=False
        ):
            cached = tables.ok_times(cached_rows)
            cmp = stats.compare(cold, cached, confidence=confidence, n_resamples=n_resamples, seed=seed)
            out.append(
                {
                    **key,
                    "cache": cache,
                    "change": change,
                    "n_cold": int(cold.size),
                    "n_cached": int(cached.size),
                    "cold_median_s": stats.median(cold),
                    "cached_median_s": stats.median(cached),
                    "speedup": cmp.speedup.estimate,
                    "ci_low": cmp.speedup.low,
                    "ci_high": cmp.speedup.high,
                    "p_value": cmp.mann_whitney.p_value,
                    "verdict": cmp.verdict,
                }
            )
    frame = pd.DataFrame(out, columns=[*keys, *CACHE_SPEEDUP_COLUMNS])
    return tables._ordered(frame, [*keys, "cache", "change"])
