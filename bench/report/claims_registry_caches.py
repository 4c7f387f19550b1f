"""C2 and C3, BuildKit's cache from a registry: it pulls just the layers it needs (C2), and pulling them is
"significantly faster than redoing all the work" (C3).

Both read the cells whose cache source is a registry (the previous image's inline cache, or a registry
cache export): C2 from the build rows (steps taken from the cache on an engine checked empty), C3 from
the cache speedup table (each registry source against a cold rebuild, per link when a run has several).
"""

from __future__ import annotations

import pandas as pd

from bench import quality, stats
from bench.report import cells as tables
from bench.report import formatting as fmt
from bench.report.verdicts import (
    NOT_MEASURED,
    NOT_SUPPORTED,
    SUPPORTED,
    Claim,
    ClaimVerdict,
    Evidence,
    interval_text,
)

#: Cache sources that pull a previous build from a registry: the inline cache of the previous image, or
#: a registry cache export (min/max mode); `registry` is the generic name.
REGISTRY_CACHES = frozenset({"inline", "registry", "registry-min", "registry-max"})


def _remote_cache_rows(ev: Evidence) -> pd.DataFrame:
    if ev.cache_speedups.empty:
        return ev.cache_speedups
    return ev.cache_speedups[ev.cache_speedups["cache"].isin(REGISTRY_CACHES)]


def _not_measured(claim: Claim) -> ClaimVerdict:
    return ClaimVerdict(
        claim,
        NOT_MEASURED,
        [f"the run has no registry cache cells; what would measure it: {claim.measured_by}"],
    )


def _cached_instructions(rows: pd.DataFrame) -> pd.Series:
    """Dockerfile instructions taken from the cache (schema 2), else all cached steps (schema 1 rows)."""
    if "instructions_cached" in rows.columns and rows["instructions_cached"].notna().all():
        return rows["instructions_cached"].astype(int)
    return rows["steps_cached"].fillna(0).astype(int)


def check_c2(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """A BuildKit build from a registry cache, on an engine checked empty, took steps from the cache: the
    layers it reused can only have come from the registry."""
    if _remote_cache_rows(ev).empty:
        return _not_measured(claim)
    meas = tables.measured(ev.builds)
    rows = meas[
        meas["cache"].isin(REGISTRY_CACHES) & (meas["outcome"] == "ok") & (meas["builder"] == "buildkit")
    ]
    if rows.empty:
        return ClaimVerdict(claim, NOT_MEASURED, ["no ok BuildKit build with a registry cache source"])
    numbers = []
    ok = True
    for (builder, cache), g in rows.groupby(["builder", "cache"], sort=False):
        cached = _cached_instructions(g)
        unclean = int(sum(1 for f in g["flags"] if quality.ENGINE_NOT_EMPTY in tables.flag_list(f)))
        numbers.append(
            f"{builder} cache={cache}: {int((cached > 0).sum())} of {len(g)} builds took steps from the cache"
            f" (median {int(cached.median())} cached steps); {unclean} started on an engine that was not"
            " empty"
        )
        ok &= bool((cached > 0).all()) and unclean == 0
    return ClaimVerdict(claim, SUPPORTED if ok and numbers else NOT_SUPPORTED, numbers)


def _over_link(row: pd.Series) -> str:
    """ " over link wan" when the comparison is one of several links, else nothing."""
    link = row.get("link")
    return f" over link {link}" if isinstance(link, str) and link else ""


def check_c3(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """Every remote cache source against a cold rebuild: faster only when the interval excludes 1."""
    remote = _remote_cache_rows(ev)
    if remote.empty:
        return _not_measured(claim)
    numbers = [
        f"{r['scenario']} {r['builder']} cache={r['cache']}{_over_link(r)}: {fmt.ratio(r['speedup'])}"
        f" {interval_text(r)} vs cold: {r['verdict']}"
        for _, r in remote.iterrows()
    ]
    decided = remote[remote["verdict"] != stats.INSUFFICIENT_DATA]
    if decided.empty:
        return ClaimVerdict(claim, NOT_MEASURED, [*numbers, "too few ok builds for an interval"])
    all_faster = bool((decided["verdict"] == stats.FASTER).all())
    return ClaimVerdict(claim, SUPPORTED if all_faster else NOT_SUPPORTED, numbers)
