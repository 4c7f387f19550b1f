"""Time and CPU across commits and the change-beyond-noise marks (bench/analysis/history_series.py), on
synthetic rows whose medians and spreads are known; and the history's report sections built from them."""

from __future__ import annotations

import pandas as pd
import pytest

from bench.analysis.history_series import FASTER, SLOWER, cpu_seconds, interval_text, series
from bench.report.sections.history import cell_rows, change_text
from bench.store.history_index import HistoryIndex, HistoryPoint

CELL = "app|buildkit|none|none"
BASE = [10.0, 10.2, 9.9, 10.1, 10.0]


def rows(
    times: list[float], cpu: list[float | None] | None = None, warmup: float | None = None
) -> pd.DataFrame:
    """Measured ok builds of CELL (and one warmup far off, which must not count)."""
    cpu = cpu or [None] * len(times)
    frame = pd.DataFrame(
        {
            "cell": CELL,
            "warmup": False,
            "outcome": "ok",
            "wall_s": times,
            "cpu_user_s": [None if c is None else c * 0.75 for c in cpu],
            "cpu_system_s": [None if c is None else c * 0.25 for c in cpu],
        }
    )
    if warmup is not None:
        extra = {"cell": CELL, "warmup": True, "outcome": "ok", "wall_s": warmup}
        frame = pd.concat([frame, pd.DataFrame([extra])], ignore_index=True)
    return frame


def index(count: int) -> HistoryIndex:
    points = [
        HistoryPoint(n, f"{n:040x}", f"{n:07x}", "2026-01-01", f"commit {n}", f"{n}_x")
        for n in range(1, count + 1)
    ]
    return HistoryIndex("/r", "app", "A..B", [], "2026-01-01T00:00:00+00:00", points)


@pytest.fixture(scope="module")
def line():
    builds = [
        rows(BASE, cpu=[4.0, 4.2, 3.8, 4.1, 4.0], warmup=99.0),  # 1: the first point, nothing to compare
        rows([10.1, 9.95, 10.05, 10.0, 10.15]),  # 2: noise only, no CPU figures
        rows([12.0, 12.1, 11.9, 12.2, 12.05]),  # 3: 20% slower: marked
        pd.DataFrame({"cell": [CELL] * 2, "warmup": False, "outcome": "failed", "wall_s": [None, None]}),  # 4
        rows(BASE),  # 5: back to 10 s, compared with 3 (4 has no ok build): faster
        rows([10.0, 10.1]),  # 6: two builds, no interval: never marked
    ]
    return series(index(6), builds, n_resamples=2000)[CELL]


def test_medians_intervals_and_counts(line) -> None:
    first = line[0]
    assert (first.n_ok, first.n_failed) == (5, 0), "the warmup is not counted"
    assert first.time is not None and first.time.estimate == 10.0 and first.time.defined
    assert first.time.low <= 10.0 <= first.time.high and first.time.high < 99
    assert first.cpu is not None and first.cpu.estimate == pytest.approx(4.0)
    assert line[1].cpu is None and interval_text(line[1].cpu) == "-"
    assert (line[3].n_ok, line[3].n_failed, line[3].time) == (0, 2, None)


def test_marks_only_where_the_ratio_interval_excludes_one(line) -> None:
    assert [c.mark for c in line] == ["", "", SLOWER, "", FASTER, ""]
    assert line[0].change is None
    assert line[1].change is not None and line[1].change.speedup.excludes(1.0) is False
    slower = line[2].change
    assert slower is not None and slower.speedup.estimate == pytest.approx(10.05 / 12.05)
    assert slower.speedup.high < 1
    assert line[4].against is not None and line[4].against.n == 3, "the failed commit is passed over"
    assert line[5].change is not None and line[5].change.verdict == "insufficient data"


def test_report_rows_say_the_same(line) -> None:
    table = cell_rows(line)
    assert [r[0] for r in table] == [1, 2, 3, 4, 5, 6]
    assert table[0][3].startswith("10.00 s [") and table[0][4].startswith("4.00 s [")
    assert table[3][2] == "0 (2 failed)" and table[3][3] == "-"
    assert change_text(line[2]).startswith("**slower** x0.83 [") and change_text(line[2]).endswith(
        "vs `0000002`"
    )
    assert change_text(line[0]) == "-"
    assert table[5][3] == "10.05 s", "no interval below 3 builds: the median alone"


def test_cpu_needs_both_user_and_system() -> None:
    frame = pd.DataFrame({"cpu_user_s": [1.0, None, 2.0], "cpu_system_s": [0.5, 0.5, None]})
    assert cpu_seconds(frame).tolist() == [1.5]
    assert cpu_seconds(pd.DataFrame({"wall_s": [1.0]})).size == 0
