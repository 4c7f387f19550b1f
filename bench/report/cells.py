"""Cell tables as data: one row per cell, and the cells that failed (comparisons: bench.report.comparisons).

Every report section and figure reads these frames, so a number shown in two places is the
same number. Statistics come from `bench.analysis.stats`; nothing here drops a measured row: warmups are
counted apart, failed and unsupported builds are counted, outliers and quality-flagged rows stay in the times.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd

from bench.analysis import stats
from bench.analysis.error_lines import first_error_line

#: Columns that identify a cell, in display order; optional ones are used when the frame has them.
DIMENSIONS: tuple[str, ...] = (
    "scenario",
    "variant",
    "node",
    "engine",
    "link",
    "platform",
    "cache",
    "change",
    "builder",
)
OPTIONAL_DIMENSIONS: frozenset[str] = frozenset({"platform", "node", "engine", "variant", "link"})
#: Dimensions only when the rows hold more than one value (a sweep over nodes, engines, links, variants,
#: platforms).
VARYING_DIMENSIONS: frozenset[str] = frozenset({"node", "engine", "variant", "platform", "link"})
BUILDER_ORDER: tuple[str, ...] = ("legacy", "buildkit")
#: The builders compared everywhere: legacy the reference, BuildKit the candidate (report/comparisons.py).
BASELINE_BUILDER = "legacy"
CANDIDATE_BUILDER = "buildkit"

CELL_COLUMNS: tuple[str, ...] = (
    "cell",
    "n_ok",
    "n_failed",
    "n_unsupported",
    "n_warmup",
    "n_flagged",
    "flag_counts",
    "median_s",
    "q1_s",
    "q3_s",
    "iqr_s",
    "ci_low_s",
    "ci_high_s",
    "ci_note",
    "n_outliers",
    "median_cpu_s",
    "parallelism",
)
FAILED_COLUMNS: tuple[str, ...] = ("cell", "outcome", "n", "first_error")


def cell_keys(builds: pd.DataFrame) -> list[str]:
    """The dimension columns that identify a cell in this frame (optional ones only when present)."""
    return [
        d
        for d in DIMENSIONS
        if (d in builds.columns or d not in OPTIONAL_DIMENSIONS)
        and (d not in VARYING_DIMENSIONS or builds[d].nunique(dropna=True) > 1)
    ]


def comparison_keys(builds: pd.DataFrame) -> list[str]:
    """The cell keys without the builder: the builders are compared within each such group."""
    return [k for k in cell_keys(builds) if k != "builder"]


def measured(builds: pd.DataFrame) -> pd.DataFrame:
    """Rows that count as measurements: everything except warmups."""
    return builds[~builds["warmup"].astype(bool)]


def ok_times(rows: pd.DataFrame) -> np.ndarray:
    """Wall times of the successful, non-warmup builds among `rows`, in execution order."""
    ok = measured(rows)
    ok = ok[ok["outcome"] == "ok"]
    if "seq" in ok.columns:
        ok = ok.sort_values("seq")
    times = ok["wall_s"].to_numpy(dtype=float)
    return times[~np.isnan(times)]


def cpu_use(rows: pd.DataFrame) -> tuple[float, float]:
    """(median CPU seconds, median parallelism) of the successful measured builds among `rows` that have a
    cost: the engine's user + system CPU (bench/engine/cost.py) and that over each build's wall time (1: one
    core busy throughout). NaN for rows measured before costs were recorded."""
    if "cpu_user_s" not in rows.columns or "cpu_system_s" not in rows.columns:
        return math.nan, math.nan
    ok = measured(rows)
    ok = ok[(ok["outcome"] == "ok") & ok["cpu_user_s"].notna() & ok["cpu_system_s"].notna()]
    if ok.empty:
        return math.nan, math.nan
    cpu = ok["cpu_user_s"].astype(float) + ok["cpu_system_s"].astype(float)
    wall = ok["wall_s"].astype(float)
    ratio = (cpu / wall)[wall > 0]
    return stats.median(cpu.to_numpy()), stats.median(ratio.to_numpy())


def flag_list(value: object) -> list[str]:
    """A row's quality flags as a list, whatever the store gave back (list, array, None, NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, Iterable):
        return [str(v) for v in value if v]
    return []


def flag_counts(rows: pd.DataFrame) -> dict[str, int]:
    """{flag name: number of the measured rows among `rows` carrying it}, by name: a cell's `flag_counts`
    and each side of `bench compare` (bench/report/compare.py) count alike."""
    if "flags" not in rows.columns:
        return {}
    counts = Counter(f for v in measured(rows)["flags"] for f in set(flag_list(v)))
    return dict(sorted(counts.items()))


def _sort_key(column: pd.Series) -> pd.Series:
    """Builders in BUILDER_ORDER; "none" (cold / unchanged) before the other values of a dimension."""
    if column.name == "builder":
        rank = {b: f"{i:02d}" for i, b in enumerate(BUILDER_ORDER)}
        return column.map(lambda v: rank.get(v, f"99{v}"))
    return column.map(lambda v: "0" if v == "none" else f"1{v}")


def ordered(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Rows in display order of `keys` (see _sort_key)."""
    if frame.empty or not keys:
        return frame.reset_index(drop=True)
    return frame.sort_values(keys, key=_sort_key, kind="stable").reset_index(drop=True)


def groups(builds: pd.DataFrame, keys: list[str]) -> Iterable[tuple[dict[str, object], pd.DataFrame]]:
    """(the key values as a dict, the group's rows) for each group, in the order rows first appear."""
    for values, rows in builds.groupby(keys, dropna=False, sort=False):
        yield dict(zip(keys, values, strict=True)), rows


def _cell_label(key: dict[str, object], rows: pd.DataFrame) -> str:
    if "cell" in rows.columns and rows["cell"].notna().any():
        return str(rows["cell"].dropna().iloc[0])
    return "|".join(str(v) for v in key.values())


def cell_table(
    builds: pd.DataFrame,
    confidence: float = stats.DEFAULT_CONFIDENCE,
    n_resamples: int = stats.DEFAULT_RESAMPLES,
    seed: int | None = stats.DEFAULT_SEED,
) -> pd.DataFrame:
    """One row per cell (scenario, [platform,] cache, change, builder) with counts and time statistics.

    `flag_counts` holds {flag name: number of measured rows carrying it} (not `flags`, which pandas
    reserves as an attribute). Time columns are NaN when the cell has
    no ok build; `ci_low_s`/`ci_high_s` are NaN (with `ci_note`) below 3 ok builds.
    """
    keys = cell_keys(builds)
    rows_out: list[dict[str, object]] = []
    for key, rows in groups(builds, keys):
        meas = measured(rows)
        outcome = meas["outcome"]
        times = ok_times(rows)
        n_flagged = int(sum(bool(flag_list(v)) for v in meas["flags"])) if "flags" in meas else 0
        q1, q3 = stats.quartiles(times)
        ci = stats.median_ci(times, confidence=confidence, n_resamples=n_resamples, seed=seed)
        cpu_s, parallelism = cpu_use(rows)
        rows_out.append(
            {
                **key,
                "cell": _cell_label(key, rows),
                "n_ok": int(times.size),
                "n_failed": int((outcome == "failed").sum()),
                "n_unsupported": int((outcome == "unsupported").sum()),
                "n_warmup": int(rows["warmup"].astype(bool).sum()),
                "n_flagged": n_flagged,
                "flag_counts": flag_counts(rows),
                "median_s": stats.median(times),
                "q1_s": q1,
                "q3_s": q3,
                "iqr_s": q3 - q1,
                "ci_low_s": ci.low,
                "ci_high_s": ci.high,
                "ci_note": ci.note,
                "n_outliers": int(stats.outliers(times).sum()),
                "median_cpu_s": cpu_s,
                "parallelism": parallelism,
            }
        )
    return ordered(pd.DataFrame(rows_out, columns=[*keys, *CELL_COLUMNS]), keys)


def failed_cells(builds: pd.DataFrame) -> pd.DataFrame:
    """Cells with failed, unsupported or interrupted measured builds (the build a run stopped at: its
    error says why): one row per (cell, outcome), with the first error.

    `first_error` comes from the earliest such build (by `seq`) that left an error tail.
    """
    keys = cell_keys(builds)
    meas = measured(builds)
    bad = meas[meas["outcome"].isin(["failed", "unsupported", "interrupted"])]
    if "seq" in bad.columns:
        bad = bad.sort_values("seq")
    rows_out: list[dict[str, object]] = []
    for key, rows in groups(bad, [*keys, "outcome"]):
        errors = [e for e in (first_error_line(t) for t in rows.get("error_tail", [])) if e]
        cell_key = {k: key[k] for k in keys}
        rows_out.append(
            {
                **cell_key,
                "cell": _cell_label(cell_key, rows),
                "outcome": key["outcome"],
                "n": len(rows),
                "first_error": errors[0] if errors else "",
            }
        )
    return ordered(pd.DataFrame(rows_out, columns=[*keys, *FAILED_COLUMNS]), keys)
