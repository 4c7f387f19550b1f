"""The claims of the talk (/work/shared/CLAIMS.md) as small functions: data in, verdict and numbers out.

Each check takes the `Evidence` of a report and returns a `ClaimVerdict` (bench/report/verdicts.py):
"supported", "not supported" or "not measured" (the run has no cells that speak to it), with the numbers
it rests on. A feature that measures a claim writes its check in its own module (claims_<topic>.py,
importing the types from verdicts.py) and adds it to `CHECKS` here; a claim without one is listed as not
measured with what would measure it, never given a verdict.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench import quality, stats
from bench.report.claims_caches import check_c4
from bench.report.claims_compose import check_c11
from bench.report.claims_debug import check_c13
from bench.report.claims_engines import check_c12
from bench.report.claims_images import check_c8, check_c9, check_c10
from bench.report.claims_platforms import check_c7
from bench.report.claims_secrets import check_c5
from bench.report.claims_ssh import check_c6
from bench.report.verdicts import (
    NOT_MEASURED,
    NOT_SUPPORTED,
    SUPPORTED,
    Check,
    Claim,
    ClaimVerdict,
    Evidence,
    Verdict,
)
from bench.summary import formatting as fmt
from bench.summary import table as tables

__all__ = ["CHECKS", "CLAIMS", "Claim", "ClaimVerdict", "Evidence", "Verdict", "assess"]

#: Cache sources that pull a previous build from a registry (C2, C3): the inline cache of the previous
#: image, or a registry cache export (min/max mode); `registry` is the generic name.
REGISTRY_CACHES = frozenset({"inline", "registry", "registry-min", "registry-max"})


CLAIMS: tuple[Claim, ...] = (
    Claim(
        "C1",
        'BuildKit builds faster than the legacy builder "in many cases": stages run concurrently,'
        " unneeded stages are skipped",
        "same project, cold, both builders; per-step overlap; a target that skips a stage",
    ),
    Claim(
        "C2",
        "BuildKit pulls just the layers it needs of a previous image from a registry (cache from registry)",
        "inline and registry cache sources against a cold rebuild, engine truly empty",
    ),
    Claim(
        "C3",
        'Pulling the previous image is "significantly faster than redoing all the work"',
        "the same, over network profiles; where rebuilding wins",
    ),
    Claim(
        "C4",
        "The legacy builder and BuildKit do not share their build caches",
        "warm one builder, build with the other, count cached steps",
    ),
    Claim(
        "C5",
        "Build secrets mounted into a step are kept in memory and never written to image layers",
        "secret mount builds audited layer by layer, against the legacy patterns",
    ),
    Claim(
        "C6",
        "SSH agent forwarding gives a build step access to remote systems without the private key in the"
        " image",
        "a private git clone over SSH, audited",
    ),
    Claim(
        "C7",
        "buildx cross-builds images for other platforms",
        "emulated and cross-compiled builds that run and report the right architecture",
    ),
    Claim(
        "C8",
        "Both builders produce identical, or rather equivalent, images",
        "file-by-file and config comparison of the two final images",
    ),
    Claim(
        "C9",
        "`docker inspect` does not show that an image was built with BuildKit",
        "the image configs of both builders, field by field",
    ),
    Claim(
        "C10",
        "A test step can be a stage of a multi-stage build",
        "a test stage that fails the build when a test fails, timed as its own step",
    ),
    Claim(
        "C11",
        "docker-compose can build with BuildKit",
        "the same compose project built under both builders",
    ),
    Claim(
        "C12",
        "`docker context` manages connections to several engines, including over SSH",
        "one experiment run across engines, one over SSH",
    ),
    Claim(
        "C13",
        "A debug container sharing a container's PID and network namespaces inspects it without changing it",
        "the debug command sees the target's processes and sockets; the target is unchanged",
    ),
)


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


def _interval(row: pd.Series) -> str:
    text = fmt.ratio_interval(row["ci_low"], row["ci_high"])
    return "(no interval)" if text == fmt.MISSING else f"95% CI {text}"


def _cold_ok(builds: pd.DataFrame, builder: str) -> pd.DataFrame:
    meas = tables.measured(builds)
    return meas[(meas["builder"] == builder) & (meas["cache"] == "none") & (meas["outcome"] == "ok")]


def _steps_of(steps: pd.DataFrame, builds: pd.DataFrame) -> pd.DataFrame:
    keys = builds[["run_id", "seq"]].drop_duplicates()
    return steps.merge(keys, on=["run_id", "seq"], how="inner")


def _overlap_line(builder: str, builds: pd.DataFrame, steps: pd.DataFrame) -> tuple[str, float]:
    own = _steps_of(steps, builds)
    per_build = concurrent_stage_seconds_per_build(own).tolist()
    if not per_build:
        return f"{builder}: no step rows for its cold builds", float("nan")
    med = float(np.median(per_build))
    with_overlap = sum(1 for v in per_build if v > 0)
    return (
        f"{builder} cold builds with stages running at the same time: {with_overlap} of {len(per_build)};"
        f" median {fmt.seconds(med)} s of overlap per build",
        med,
    )


def _skipped_stages(legacy_steps: pd.DataFrame, buildkit_steps: pd.DataFrame) -> tuple[list[str], float]:
    """Stages legacy built and BuildKit did not, and legacy's median seconds per build spent in them."""
    legacy_stages = set(legacy_steps["stage"].dropna())
    skipped = sorted(legacy_stages - set(buildkit_steps["stage"].dropna()))
    if not skipped:
        return [], 0.0
    spent = legacy_steps[legacy_steps["stage"].isin(skipped)].groupby(["run_id", "seq"])["duration_s"].sum()
    return skipped, float(spent.median()) if len(spent) else float("nan")


def check_c1(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """Cold BuildKit vs legacy per scenario; the mechanisms: stage overlap and skipped stages."""
    cold = (
        ev.builder_speedups[ev.builder_speedups["cache"] == "none"] if not ev.builder_speedups.empty else None
    )
    if cold is None or cold.empty:
        return ClaimVerdict(
            claim, NOT_MEASURED, ["the run has no cold (cache=none) cells with both builders"]
        )
    numbers: list[str] = []
    decided = cold[cold["verdict"] != stats.INSUFFICIENT_DATA]
    for _, s in cold.iterrows():
        numbers.append(
            f"{s['scenario']} cold: legacy {fmt.seconds(s['legacy_median_s'])} s, BuildKit"
            f" {fmt.seconds(s['buildkit_median_s'])} s (medians, n={s['n_legacy']}/{s['n_buildkit']});"
            f" speedup {fmt.ratio(s['speedup'])} {_interval(s)}: {s['verdict']}"
        )
    for scenario in cold["scenario"].unique():
        in_scenario = ev.builds[ev.builds["scenario"] == scenario]
        bk, lg = _cold_ok(in_scenario, "buildkit"), _cold_ok(in_scenario, "legacy")
        if ev.steps.empty:
            numbers.append(f"{scenario}: no step rows, so stage overlap and skipped stages are not measured")
            continue
        for builder, rows in (("buildkit", bk), ("legacy", lg)):
            if not rows.empty:
                numbers.append(f"{scenario}: " + _overlap_line(builder, rows, ev.steps)[0])
        if not bk.empty and not lg.empty:
            skipped, spent = _skipped_stages(_steps_of(ev.steps, lg), _steps_of(ev.steps, bk))
            numbers.append(
                f"{scenario}: stages legacy built and BuildKit skipped: "
                + (
                    f"{', '.join(skipped)} (legacy spent a median {fmt.seconds(spent)} s on them)"
                    if skipped
                    else "none"
                )
            )
    if decided.empty:
        return ClaimVerdict(claim, NOT_MEASURED, [*numbers, "too few ok builds for an interval"])
    faster = int((decided["verdict"] == stats.FASTER).sum())
    numbers.insert(0, f"BuildKit faster cold in {faster} of {len(decided)} scenario(s) with enough data")
    return ClaimVerdict(claim, SUPPORTED if faster else NOT_SUPPORTED, numbers)


def _remote_cache_rows(ev: Evidence) -> pd.DataFrame:
    if ev.cache_speedups.empty:
        return ev.cache_speedups
    return ev.cache_speedups[ev.cache_speedups["cache"].isin(REGISTRY_CACHES)]


def _cached_instructions(rows: pd.DataFrame) -> pd.Series:
    """Dockerfile instructions taken from the cache (schema 2), else all cached steps (schema 1 rows)."""
    if "instructions_cached" in rows.columns and rows["instructions_cached"].notna().all():
        return rows["instructions_cached"].astype(int)
    return rows["steps_cached"].fillna(0).astype(int)


def check_c2(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """A BuildKit build from a registry cache, on an engine checked empty, took steps from the cache: the
    layers it reused can only have come from the registry."""
    remote = _remote_cache_rows(ev)
    if remote.empty:
        return ClaimVerdict(
            claim,
            NOT_MEASURED,
            [f"the run has no registry cache cells; what would measure it: {claim.measured_by}"],
        )
    meas = tables.measured(ev.builds)
    rows = meas[
        meas["cache"].isin(REGISTRY_CACHES) & (meas["outcome"] == "ok") & (meas["builder"] == "buildkit")
    ]
    if rows.empty:
        return ClaimVerdict(claim, NOT_MEASURED, ["no ok BuildKit build with a registry cache source"])
    numbers = []
    ok = True
    for (builder, cache), g in rows.groupby(["builder", "cache"], sort=False):
        cached = _cached_instructions(g)
        unclean = int(sum(1 for f in g["flags"] if quality.ENGINE_NOT_EMPTY in tables.flag_list(f)))
        numbers.append(
            f"{builder} cache={cache}: {int((cached > 0).sum())} of {len(g)} builds took steps from the cache"
            f" (median {int(cached.median())} cached steps); {unclean} started on an engine that was not"
            " empty"
        )
        ok &= bool((cached > 0).all()) and unclean == 0
    return ClaimVerdict(claim, SUPPORTED if ok and numbers else NOT_SUPPORTED, numbers)


def _over_link(row: pd.Series) -> str:
    """ " over link wan" when the comparison is one of several links, else nothing."""
    link = row.get("link")
    return f" over link {link}" if isinstance(link, str) and link else ""


def check_c3(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """Every remote cache source against a cold rebuild: faster only when the interval excludes 1."""
    remote = _remote_cache_rows(ev)
    if remote.empty:
        return ClaimVerdict(
            claim,
            NOT_MEASURED,
            [f"the run has no registry cache cells; what would measure it: {claim.measured_by}"],
        )
    numbers = [
        f"{r['scenario']} {r['builder']} cache={r['cache']}{_over_link(r)}: {fmt.ratio(r['speedup'])}"
        f" {_interval(r)} vs cold: {r['verdict']}"
        for _, r in remote.iterrows()
    ]
    decided = remote[remote["verdict"] != stats.INSUFFICIENT_DATA]
    if decided.empty:
        return ClaimVerdict(claim, NOT_MEASURED, [*numbers, "too few ok builds for an interval"])
    all_faster = bool((decided["verdict"] == stats.FASTER).all())
    return ClaimVerdict(claim, SUPPORTED if all_faster else NOT_SUPPORTED, numbers)


CHECKS: dict[str, Check] = {
    "C1": check_c1,
    "C2": check_c2,
    "C3": check_c3,
    "C4": check_c4,
    "C5": check_c5,
    "C6": check_c6,
    "C7": check_c7,
    "C8": check_c8,
    "C9": check_c9,
    "C10": check_c10,
    "C11": check_c11,
    "C12": check_c12,
    "C13": check_c13,
}


def assess(evidence: Evidence) -> list[ClaimVerdict]:
    """Every claim in order: checked when a check exists, else not measured with what would measure it."""
    out = []
    for claim in CLAIMS:
        check = CHECKS.get(claim.id)
        if check is None:
            out.append(
                ClaimVerdict(
                    claim,
                    NOT_MEASURED,
                    [f"bench has no check of this claim yet; what would measure it: {claim.measured_by}"],
                )
            )
        else:
            out.append(check(claim, evidence))
    return out
