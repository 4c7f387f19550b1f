"""C2 and C3, BuildKit's cache from a registry: it pulls just the layers it needs (C2), and pulling them is
"significantly faster than redoing all the work" (C3).

Both read the cells whose cache source is a registry (the previous image's inline cache, or a registry
cache export): C2 from the build rows (steps taken from the cache on an engine checked empty), C3 from
the cache speedup table (each registry source against a cold rebuild, per link when a run has several).
"""

from __future__ import annotations

import pandas as pd

from bench.report import cells as tables
from bench.report import conditions
from bench.report import formatting as fmt
from bench.report.verdicts import (
    NOT_MEASURED,
    Claim,
    ClaimVerdict,
    ConditionVerdict,
    Evidence,
    interval_text,
    supported_if,
)
from bench.store import quality

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


def _took_from_cache(g: pd.DataFrame) -> tuple[bool, str]:
    """Whether every build of `g` took steps from the cache on an engine checked empty, and the line."""
    cached = _cached_instructions(g)
    unclean = int(sum(1 for f in g["flags"] if quality.ENGINE_NOT_EMPTY in tables.flag_list(f)))
    line = (
        f"{int((cached > 0).sum())} of {len(g)} builds took steps from the cache"
        f" (median {int(cached.median())} cached steps); {unclean} started on an engine that was not empty"
    )
    return bool((cached > 0).all()) and unclean == 0, line


def _c2_conditions(rows: pd.DataFrame, builds: pd.DataFrame) -> list[ConditionVerdict]:
    """C2 per link (and per whatever else the registry builds vary over: cache source, scenario)."""
    rows = rows.assign(link=rows["link"].fillna(conditions.LOOPBACK)) if "link" in rows.columns else rows
    axis, group = conditions.split(rows, conditions.LINK)
    keys = [d for d in (*group, *axis) if d in rows.columns]
    rates = conditions.link_rates(builds)
    rows = conditions.fastest_first(rows, rates)
    found = []
    for _, g in rows.groupby(keys, sort=False) if keys else [((), rows)]:
        first = g.iloc[0]
        ok, line = _took_from_cache(g)
        name, part = conditions.label(first, axis, rates), conditions.label(first, group, rates)
        found.append(ConditionVerdict(name, supported_if(ok), line, part))
    return conditions.group_major(found)


def check_c2(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """A BuildKit build from a registry cache, on an engine checked empty, took steps from the cache: the
    layers it reused can only have come from the registry. A verdict per link and cache source."""
    if _remote_cache_rows(ev).empty:
        return _not_measured(claim)
    meas = tables.measured(ev.builds)
    rows = meas[
        meas["cache"].isin(REGISTRY_CACHES) & (meas["outcome"] == "ok") & (meas["builder"] == "buildkit")
    ]
    if rows.empty:
        return ClaimVerdict(claim, NOT_MEASURED, ["no ok BuildKit build with a registry cache source"])
    numbers = [
        f"{builder} cache={cache}: {_took_from_cache(g)[1]}"
        for (builder, cache), g in rows.groupby(["builder", "cache"], sort=False)
    ]
    found = _c2_conditions(rows, ev.builds)
    return ClaimVerdict(claim, conditions.overall(found), numbers, tuple(found), conditions.headline(found))


def _over_link(row: pd.Series) -> str:
    """ " over link wan" when the comparison is one of several links, else nothing."""
    link = row.get("link")
    return f" over link {link}" if isinstance(link, str) and link else ""


def check_c3(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """Every remote cache source against a cold rebuild, a verdict per link (faster only when the interval
    excludes 1) and the link rate where the speedup crosses 1 when two links bracket it."""
    remote = _remote_cache_rows(ev)
    if remote.empty:
        return _not_measured(claim)
    numbers = [
        f"{r['scenario']} {r['builder']} cache={r['cache']}{_over_link(r)}: {fmt.ratio(r['speedup'])}"
        f" {interval_text(r)} vs cold: {r['verdict']}"
        for _, r in remote.iterrows()
    ]
    found = conditions.speedup_conditions(remote, ev.builds, conditions.LINK)
    notes = conditions.crossover_notes(remote, ev.builds)
    if notes:
        numbers.append(conditions.CROSSOVER_RULE)
    verdict = conditions.overall(found)
    if verdict == NOT_MEASURED:
        numbers.append("too few ok builds for an interval")
    return ClaimVerdict(claim, verdict, numbers, tuple(found), conditions.headline(found, notes))
