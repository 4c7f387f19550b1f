"""The quality flags of a report's rows as data for tools (--export-json, --export-csv): each cell's flags
with their counts and reasons, and the flagged builds themselves.

The reasons are `reason`: bench/store/quality.py's descriptions, which the report's flags section quotes
too, so a tool reads what a person reads. Field names are listed in docs/reports.md ("What the exports
hold").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from bench.report import cells as tables
from bench.store import quality

#: the fields of one flag of a cell: its name, how many measured builds carry it, what it means
FLAG_FIELDS: tuple[str, ...] = ("flag", "count", "reason")
#: the columns of the flagged_builds table: one row per measured build with at least one flag
FLAGGED_BUILD_COLUMNS: tuple[str, ...] = ("run_id", "seq", "cell", "outcome", "wall_s", "flags")
#: what a flag no description covers is said to mean (a flag written by a newer bench)
UNKNOWN_REASON = "no description recorded for this flag"


def reason(flag: str) -> str:
    """The one-line reason a flag means, as the report's flags section and every export give it."""
    return quality.DESCRIPTIONS.get(flag, UNKNOWN_REASON)


def flag_records(counts: Mapping[str, int]) -> list[dict[str, Any]]:
    """A cell's `flag_counts` as [{"flag", "count", "reason"}], by flag name."""
    return [
        dict(zip(FLAG_FIELDS, (name, int(n), reason(name)), strict=True))
        for name, n in sorted(counts.items())
    ]


def with_reasons(cells: pd.DataFrame) -> pd.DataFrame:
    """The cell table with `quality_flags` (flag_records of its `flag_counts`) as its last column, so
    the CSV's earlier columns keep their places."""
    if "flag_counts" not in cells.columns:
        return cells
    return cells.assign(quality_flags=[flag_records(c) for c in cells["flag_counts"]])


def flagged_builds(builds: pd.DataFrame) -> pd.DataFrame:
    """Every measured build that carries a flag (warmups are not counted, as in the cells): which build
    (run_id, seq), its cell, outcome and time, and its flags by name (their reasons are the cell's)."""
    if builds.empty or "flags" not in builds.columns:
        return pd.DataFrame(columns=list(FLAGGED_BUILD_COLUMNS))
    meas = tables.measured(builds)
    names = meas["flags"].map(lambda v: sorted(set(tables.flag_list(v))))
    flagged = meas.assign(flags=names)[names.map(bool)]
    present = [c for c in FLAGGED_BUILD_COLUMNS if c in flagged.columns]
    return flagged[present].reset_index(drop=True)
