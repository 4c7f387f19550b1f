"""C4, "the legacy builder and BuildKit do not share their build caches", from cache=cross-builder cells.

A cross-builder cell primes the engine with the other builder and then builds the same project: if the
caches were shared, its RUN/COPY/ADD steps would be taken from that cache. The same builder's `local`
cell is the control: it shows the project's steps are cacheable at all on this engine.
"""

from __future__ import annotations

import pandas as pd

from bench.report.verdicts import NOT_MEASURED, NOT_SUPPORTED, SUPPORTED, Claim, ClaimVerdict, Evidence
from bench.summary import table as tables

CROSS_BUILDER = "cross-builder"
_OTHER = {"legacy": "BuildKit", "buildkit": "legacy"}


def cached_work_steps(rows: pd.DataFrame) -> pd.Series:
    """RUN/COPY/ADD steps taken from the cache per build (schema 2), else every cached step (schema 1)."""
    if "work_steps_cached" in rows.columns and rows["work_steps_cached"].notna().all():
        return rows["work_steps_cached"].astype(int)
    return rows["steps_cached"].fillna(0).astype(int)


def _ok(builds: pd.DataFrame) -> pd.DataFrame:
    meas = tables.measured(builds)
    return meas[meas["outcome"] == "ok"]


def check_c4(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """Supported when no cross-builder build took a work step from the other builder's cache."""
    ok = _ok(ev.builds)
    cross = ok[ok["cache"] == CROSS_BUILDER]
    if cross.empty:
        return ClaimVerdict(
            claim, NOT_MEASURED, [f"the run has no ok cache=cross-builder builds; {claim.measured_by}"]
        )
    numbers, shared = [], 0
    for (scenario, builder, change), rows in cross.groupby(["scenario", "builder", "change"], sort=True):
        cached = cached_work_steps(rows)
        shared += int((cached > 0).sum())
        numbers.append(
            f"{scenario} change={change}: {builder} after a {_OTHER.get(builder, 'other')} build took"
            f" {int(cached.max())} RUN/COPY/ADD steps from the cache at most ({int((cached > 0).sum())} of"
            f" {len(rows)} builds took any)"
        )
        control = ok[
            (ok["scenario"] == scenario)
            & (ok["builder"] == builder)
            & (ok["change"] == change)
            & (ok["cache"] == "local")
        ]
        if not control.empty:
            numbers.append(
                f"{scenario} change={change}: control, {builder} after its own build: median"
                f" {int(cached_work_steps(control).median())} RUN/COPY/ADD steps from the cache"
            )
    return ClaimVerdict(claim, NOT_SUPPORTED if shared else SUPPORTED, numbers)
