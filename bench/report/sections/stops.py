"""Why each cell was measured as often as it was: planned repetitions done, precise enough
(`repetitions=auto`), or the same error twice (bench/run/stopping.py); and how many warm builds started from
their cold build's state instead of a priming build of their own (a paired plan, bench/plan.py)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from bench.report.document import Block, Heading, Paragraph, Table
from bench.report.figures import FigureFile
from bench.report.model import Report


def _has(builds: pd.DataFrame, column: str) -> bool:
    return column in builds.columns and builds[column].notna().any()


def _pairing(builds: pd.DataFrame) -> list[Block]:
    if not _has(builds, "primed_by"):
        return []
    warm = builds[builds["cache"] == "local"]
    paired = int(warm["primed_by"].notna().sum())
    others = "" if paired == len(warm) else "; the others were primed on their own"
    return [
        Paragraph(
            f"{paired} of {len(warm)} warm builds started from the state their builder's cold build had "
            f"just left (a paired plan: no reset and no priming build of their own){others}."
        )
    ]


def stops(report: Report, figures: Sequence[FigureFile]) -> list[Block]:
    """One row per cell that recorded why it stopped (runs of schema 4 on)."""
    builds = report.builds
    if builds.empty or not (_has(builds, "stop_reason") or _has(builds, "primed_by")):
        return []
    out: list[Block] = [Heading("Builds per cell and why they stopped"), *_pairing(builds)]
    if not _has(builds, "stop_reason"):
        return out
    rows = []
    for cell, group in builds.sort_values("seq").groupby("cell", sort=True):
        reasons = group["stop_reason"].dropna()
        measured = int((~group["warmup"].astype(bool) & (group["outcome"] != "interrupted")).sum())
        rows.append(
            [f"`{cell}`", measured, str(reasons.iloc[-1]) if len(reasons) else "(no reason recorded)"]
        )
    return [*out, Table(["cell", "measured builds", "why it stopped"], rows, [False, True, False])]
