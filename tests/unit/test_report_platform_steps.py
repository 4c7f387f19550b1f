"""Step seconds per platform inside multi-platform builds; single-platform builds have no rows."""

from __future__ import annotations

import pandas as pd

from bench.report.platform_steps import platform_step_table


def _build(seq: int, platform: str, wall: float) -> dict:
    return {"run_id": "r", "seq": seq, "scenario": "x", "builder": "buildkit", "platform": platform,
            "wall_s": wall, "warmup": False, "outcome": "ok"}  # fmt: skip


def _step(seq: int, platform: str | None, duration: float, cached: bool = False) -> dict:
    return {"run_id": "r", "seq": seq, "builder": "buildkit", "cell": "c", "platform": platform,
            "duration_s": duration, "cached": cached}  # fmt: skip


def test_sums_uncached_step_seconds_per_platform_for_multi_platform_builds_only() -> None:
    multi = "linux/amd64,linux/arm64"
    builds = pd.DataFrame([_build(0, multi, 10.0), _build(1, multi, 12.0), _build(2, "native", 3.0)])
    steps = pd.DataFrame(
        [
            _step(0, "linux/amd64", 2.0), _step(0, "linux/amd64", 1.0), _step(0, "linux/arm64", 8.0),
            _step(0, "linux/arm64", 5.0, cached=True), _step(0, None, 0.5),
            _step(1, "linux/amd64", 4.0), _step(1, "linux/arm64", 10.0),
            _step(2, "linux/amd64", 1.0),
        ]
    )  # fmt: skip
    table = platform_step_table(builds, steps).set_index("step_platform")
    assert list(table.index) == ["linux/amd64", "linux/arm64"]
    assert table.loc["linux/amd64", "median_step_s"] == 3.5  # builds: 3.0 and 4.0
    assert table.loc["linux/arm64", "median_step_s"] == 9.0  # 8.0 (the cached 5.0 left out) and 10.0
    assert table.loc["linux/arm64", "builds"] == 2 and table.loc["linux/arm64", "median_wall_s"] == 11.0
    assert (table["cell_platform"] == multi).all()


def test_no_rows_without_steps_of_two_platforms() -> None:
    builds = pd.DataFrame([_build(0, "native", 3.0)])
    assert platform_step_table(builds, pd.DataFrame([_step(0, "linux/amd64", 1.0)])).empty
    assert platform_step_table(builds, pd.DataFrame()).empty
