"""Build time and CPU per cell across the commits of a history, and the commits where time changed.

Per commit and cell: the median build time and median CPU seconds (cpu_user_s + cpu_system_s of the
engine during the build; null in rows without that accounting) with 95% bootstrap intervals
(bench/analysis/stats.py median_ci). A commit is marked where its time changed beyond noise against the
previous commit that has ok builds of the cell: the bootstrap interval of median(previous) / median(this)
excludes 1 (bench/analysis/stats.py compare, the speedup test every bench comparison uses), as asv marks
regressions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from bench.analysis import stats
from bench.store.history_index import HistoryIndex, HistoryPoint
from bench.store.results import META_FILE, load

SLOWER, FASTER = "slower", "faster"


@dataclass(frozen=True)
class CommitCell:
    """One cell at one commit."""

    point: HistoryPoint
    cell: str
    n_ok: int
    n_failed: int
    time: stats.Interval | None  # None: no ok build of the cell at this commit
    cpu: stats.Interval | None  # None: no ok build with CPU figures
    change: stats.Comparison | None = None  # against `against` (speedup = median(before) / median(this))
    against: HistoryPoint | None = None

    @property
    def mark(self) -> str:
        """`slower` or `faster` when time changed beyond noise against the previous commit, else ``."""
        if self.change is None:
            return ""
        return {stats.SLOWER: SLOWER, stats.FASTER: FASTER}.get(self.change.verdict, "")


def cpu_seconds(rows: pd.DataFrame) -> np.ndarray:
    """user + system CPU seconds of each row that has both (rows of older runs have neither)."""
    if rows.empty or "cpu_user_s" not in rows.columns or "cpu_system_s" not in rows.columns:
        return np.array([], dtype=float)
    total = rows["cpu_user_s"].astype(float) + rows["cpu_system_s"].astype(float)
    values = total.to_numpy(dtype=float)
    return values[~np.isnan(values)]


def _measured_ok(builds: pd.DataFrame) -> pd.DataFrame:
    rows = builds[~builds["warmup"].astype(bool)]
    return rows[(rows["outcome"] == "ok") & rows["wall_s"].notna()]


def point_builds(directory: Path, point: HistoryPoint) -> pd.DataFrame:
    """The build rows of a commit's run, empty when its run wrote none."""
    run_dir = Path(directory) / point.run_dir
    if not (run_dir / META_FILE).is_file():
        return pd.DataFrame()
    return load(run_dir).builds


def series(
    index: HistoryIndex,
    builds: Sequence[pd.DataFrame],
    *,
    n_resamples: int = stats.DEFAULT_RESAMPLES,
    seed: int | None = stats.DEFAULT_SEED,
) -> dict[str, list[CommitCell]]:
    """cell -> its commits in history order; `builds[i]` are the rows of `index.points[i]`."""
    cells: list[str] = []
    for frame in builds:
        for cell in frame["cell"].tolist() if "cell" in frame.columns else []:
            if cell not in cells:
                cells.append(cell)
    found: dict[str, list[CommitCell]] = {}
    for cell in cells:
        line: list[CommitCell] = []
        before: tuple[HistoryPoint, np.ndarray] | None = None
        for point, frame in zip(index.points, builds, strict=True):
            rows = frame[frame["cell"] == cell] if "cell" in frame.columns else frame
            ok = _measured_ok(rows) if not rows.empty else rows
            times = ok["wall_s"].to_numpy(dtype=float) if not ok.empty else np.array([])
            measured = rows[~rows["warmup"].astype(bool)] if not rows.empty else rows
            n_failed = int((measured["outcome"] == "failed").sum()) if not measured.empty else 0
            cpu = cpu_seconds(ok)
            change = None
            if times.size and before is not None:
                change = stats.compare(before[1], times, n_resamples=n_resamples, seed=seed)
            line.append(
                CommitCell(
                    point,
                    cell,
                    int(times.size),
                    n_failed,
                    stats.median_ci(times, n_resamples=n_resamples, seed=seed) if times.size else None,
                    stats.median_ci(cpu, n_resamples=n_resamples, seed=seed) if cpu.size else None,
                    change,
                    before[0] if change is not None and before is not None else None,
                )
            )
            if times.size:
                before = (point, times)
        found[cell] = line
    return found


def interval_text(interval: stats.Interval | None, unit: str = " s") -> str:
    """`12.30 s [11.90, 12.80]`, the median alone without an interval, `-` without a value."""
    if interval is None or not math.isfinite(interval.estimate):
        return "-"
    if not interval.defined:
        return f"{interval.estimate:.2f}{unit}"
    return f"{interval.estimate:.2f}{unit} [{interval.low:.2f}, {interval.high:.2f}]"
