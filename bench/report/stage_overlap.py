"""How long stages of one build ran at the same time: the mechanism behind C1's "stages run concurrently".

Read from step rows (started_s, completed_s, stage) by the C1 check and by the where-time-goes notebook.
"""

from __future__ import annotations

import pandas as pd

BUILD_KEY = ["run_id", "seq"]


def concurrent_stage_seconds_per_build(steps: pd.DataFrame) -> pd.Series:
    """Seconds during which steps of two or more different stages ran at once, for each build (run_id, seq)
    of `steps`; 0.0 for a build whose stages never overlap.

    Cached steps and steps without a stage (BuildKit's [internal] vertices, legacy ARGs) are left out:
    they are bookkeeping, not stages doing work. Vectorised, so a million step rows take a second: the
    intervals of each (build, stage) are first merged into disjoint segments, so the number of segments
    open at an instant is the number of distinct stages running; then a sweep over their start (+1) and
    end (-1) events, ends before starts at the same instant (touching is not overlapping), adds up the
    time during which that number is 2 or more.
    """
    builds = steps[BUILD_KEY].drop_duplicates()
    index = (
        pd.MultiIndex.from_frame(builds) if len(builds) else pd.MultiIndex.from_tuples([], names=BUILD_KEY)
    )
    result = pd.Series(0.0, index=index, name="concurrent_s")
    rows = steps[
        steps["stage"].notna()
        & ~steps["cached"].fillna(False).astype(bool)
        & steps["started_s"].notna()
        & steps["completed_s"].notna()
    ]
    rows = rows[rows["completed_s"] > rows["started_s"]]
    if rows.empty:
        return result
    keys = [*BUILD_KEY, "stage"]
    df = rows[[*keys, "started_s", "completed_s"]].sort_values([*keys, "started_s"], kind="stable")
    by_stage = df.groupby(keys, sort=False)
    reach = by_stage["completed_s"].cummax()
    previous_reach = reach.groupby([df[k] for k in keys], sort=False).shift()
    segment = (previous_reach.isna() | (df["started_s"] > previous_reach)).cumsum()
    seg = df.groupby(segment, sort=False).agg(
        run_id=("run_id", "first"),
        seq=("seq", "first"),
        start=("started_s", "min"),
        end=("completed_s", "max"),
    )
    events = pd.concat(
        [
            seg[BUILD_KEY].assign(time=seg["start"].to_numpy(), delta=1),
            seg[BUILD_KEY].assign(time=seg["end"].to_numpy(), delta=-1),
        ],
        ignore_index=True,
    ).sort_values([*BUILD_KEY, "time", "delta"], kind="stable")
    per_build = events.groupby(BUILD_KEY, sort=False)
    running = per_build["delta"].cumsum()
    gap = per_build["time"].shift(-1) - events["time"]
    overlap = gap.where(running >= 2, 0.0).fillna(0.0)
    totals = overlap.groupby([events["run_id"], events["seq"]], sort=False).sum()
    result.loc[totals.index] = totals.to_numpy()
    return result


def concurrent_stage_seconds(steps: pd.DataFrame) -> float:
    """`concurrent_stage_seconds_per_build` of one build's steps."""
    per_build = concurrent_stage_seconds_per_build(steps.assign(run_id="-", seq=0))
    return float(per_build.iloc[0]) if len(per_build) else 0.0
