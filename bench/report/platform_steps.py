"""Where the time of a multi-platform build goes, per platform (issue 4: "per-platform step times").

BuildKit names the platform of each vertex: `linux/arm64` for a step run for arm64 (under QEMU when the
host is amd64), `linux/amd64->arm64` for a step run on the build platform for an arm64 target (a cross
compiler). Summing a build's uncached step seconds per platform shows what emulation costs inside one
build. Steps overlap (platforms are built in parallel), so the per-platform sums can exceed the wall time:
they are work done, not elapsed time.
"""

from __future__ import annotations

import pandas as pd

from bench.report import cells as tables

COLUMNS = [
    "scenario",
    "builder",
    "cell_platform",
    "step_platform",
    "builds",
    "steps",
    "median_step_s",
    "median_wall_s",
]


def platform_step_table(builds: pd.DataFrame, steps: pd.DataFrame) -> pd.DataFrame:
    """One row per (cell, step platform) for cells whose builds ran steps for two or more platforms:
    the median over ok builds of the summed uncached step seconds, and the builds' median wall time."""
    if builds.empty or steps.empty or "platform" not in steps.columns or "platform" not in builds.columns:
        return pd.DataFrame(columns=COLUMNS)
    ok = tables.measured(builds)
    ok = ok[ok["outcome"] == "ok"][["run_id", "seq", "scenario", "builder", "platform", "wall_s"]]
    done = steps[steps["platform"].notna() & ~steps["cached"].fillna(False).astype(bool)]
    done = done[["run_id", "seq", "platform", "duration_s"]]
    done = done.merge(ok.rename(columns={"platform": "cell_platform"}), on=["run_id", "seq"], how="inner")
    if done.empty:
        return pd.DataFrame(columns=COLUMNS)
    keys = ["scenario", "builder", "cell_platform"]
    per_build = (
        done.groupby([*keys, "run_id", "seq", "platform"], sort=True)
        .agg(step_s=("duration_s", "sum"), steps=("duration_s", "size"), wall_s=("wall_s", "first"))
        .reset_index()
    )
    several = per_build.groupby([*keys, "run_id", "seq"])["platform"].transform("nunique") > 1
    per_build = per_build[several]
    if per_build.empty:
        return pd.DataFrame(columns=COLUMNS)
    table = (
        per_build.groupby([*keys, "platform"], sort=True)
        .agg(
            builds=("seq", "nunique"),
            steps=("steps", "median"),
            median_step_s=("step_s", "median"),
            median_wall_s=("wall_s", "median"),
        )
        .reset_index()
        .rename(columns={"platform": "step_platform"})
    )
    return table[COLUMNS]
