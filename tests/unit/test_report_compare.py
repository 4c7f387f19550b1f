"""bench compare: per-cell speedup (base / new), regressions beyond the threshold, refusals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from report_runs import COLD_WIN, ENVIRONMENT, write_run

from bench.analysis.stats import Interval
from bench.report import compare as cmp
from bench.store.results import load

N = 499


def _slower(times: dict, factor: float, only: tuple[str, str]) -> dict:
    return {k: [t * factor for t in v] if k == only else list(v) for k, v in times.items()}


def test_classify_needs_the_interval_and_the_threshold() -> None:
    def iv(est, lo, hi):
        return Interval(est, lo, hi, 0.95, "percentile", (5, 5))

    # speedup = base median / new median, as every bench speedup: below 1 NEW is slower
    assert cmp.classify(iv(0.8, 0.75, 0.9), 0.05) == cmp.REGRESSION
    assert cmp.classify(iv(0.97, 0.95, 0.99), 0.05) == cmp.UNCHANGED  # real but below the threshold
    assert cmp.classify(iv(0.8, 0.6, 1.1), 0.05) == cmp.UNCHANGED  # interval includes 1
    assert cmp.classify(iv(1.25, 1.1, 1.4), 0.05) == cmp.IMPROVEMENT
    assert cmp.classify(iv(1.2, float("nan"), float("nan")), 0.05) == cmp.INSUFFICIENT


def test_a_slower_cell_is_a_regression_and_the_rest_unchanged(tmp_path: Path) -> None:
    base = load(write_run(tmp_path / "base", COLD_WIN))
    new = load(write_run(tmp_path / "new", _slower(COLD_WIN, 1.3, ("buildkit", "none")), run_id="run-b"))
    result = cmp.compare_runs(base, new, n_resamples=N)
    status = {(r["builder"], r["cache"]): r["status"] for _, r in result.cells.iterrows()}
    assert status == {
        ("legacy", "none"): cmp.UNCHANGED,
        ("buildkit", "none"): cmp.REGRESSION,
        ("legacy", "local"): cmp.UNCHANGED,
        ("buildkit", "local"): cmp.UNCHANGED,
    }
    row = result.regressions.iloc[0]
    assert row["speedup"] == pytest.approx(1 / 1.3)  # base / new: NEW 30% slower
    assert row["ci_high"] < 1 and row["p_value"] < 0.05
    assert row["base_median_s"] / row["new_median_s"] == pytest.approx(row["speedup"])
    assert not result.environment_differences


def test_faster_is_an_improvement_and_missing_cells_are_named(tmp_path: Path) -> None:
    base = load(write_run(tmp_path / "base", COLD_WIN))
    times = _slower(COLD_WIN, 0.5, ("legacy", "local"))
    del times[("buildkit", "local")]
    new = load(write_run(tmp_path / "new", times, run_id="run-b"))
    cells = cmp.compare_runs(base, new, n_resamples=N).cells
    status = {(r["builder"], r["cache"]): r["status"] for _, r in cells.iterrows()}
    assert status[("legacy", "local")] == cmp.IMPROVEMENT
    assert status[("buildkit", "local")] == cmp.ONLY_BASE


def test_different_scenarios_are_refused_and_environments_warned(tmp_path: Path) -> None:
    base = load(write_run(tmp_path / "base", COLD_WIN))
    other = load(write_run(tmp_path / "other", COLD_WIN, scenario="secrets"))
    with pytest.raises(cmp.IncomparableRuns, match="different scenarios: BASE measured multistage, NEW"):
        cmp.compare_runs(base, other, n_resamples=N)
    moved = load(write_run(tmp_path / "moved", COLD_WIN, environment={**ENVIRONMENT, "kernel": "6.8.0"}))
    result = cmp.compare_runs(base, moved, n_resamples=N)
    assert result.environment_differences == ["kernel: 6.1.0 (run-a) vs 6.8.0 (run-a)"]
    with pytest.raises(cmp.IncomparableRuns, match="different environments"):
        cmp.compare_runs(base, moved, strict_environment=True, n_resamples=N)


def _bench(*args: str) -> subprocess.CompletedProcess:
    code = "import sys; from bench.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)


def test_cli_exit_codes_gate_on_regressions(tmp_path: Path) -> None:
    base = write_run(tmp_path / "base", COLD_WIN)
    same = write_run(tmp_path / "same", COLD_WIN, run_id="run-b")
    worse = write_run(tmp_path / "worse", _slower(COLD_WIN, 1.5, ("legacy", "none")), run_id="run-c")
    other = write_run(tmp_path / "other", COLD_WIN, scenario="secrets")
    ok = _bench("compare", str(base), str(same), "--resamples", str(N))
    assert ok.returncode == 0, ok.stderr
    assert "0 regression(s)" in ok.stdout
    bad = _bench("compare", str(base), str(worse), "--resamples", str(N))
    assert bad.returncode == 1 and "1 regression(s)" in bad.stdout
    refused = _bench("compare", str(base), str(other))
    assert refused.returncode == 2
    assert refused.stderr.startswith("bench: cannot compare runs of different scenarios")
    assert "Traceback" not in refused.stderr
