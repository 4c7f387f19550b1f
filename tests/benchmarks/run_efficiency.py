"""What a run costs against what it measures: wall time, timed share, and whether the figures agree across
plans. Runs `bench run` (the CLI a user runs, Hydra start included) once per plan, one after the other on
a quiet machine, and prints for each:

- wall: the `bench run` process from start to exit; timed: the sum of the builds' own seconds (build_s of
  every row, warmups included: they are measured builds too); timed share = timed / wall;
- the cold/warm speedup per builder and the BuildKit/legacy speedup per cache, medians' ratio with its 95%
  bootstrap interval, and whether the paired and the independent plan agree (their intervals overlap);
- per cell: builds used, the median's relative half-width, why it stopped (repetitions=auto);
- CPU seconds (user + system, median) and parallelism (CPU s / wall s) per cell, where rows have them.

    .venv/bin/python tests/benchmarks/run_efficiency.py [--plans paired,independent,auto] [OVERRIDES...]
    .venv/bin/python tests/benchmarks/run_efficiency.py --runs DIR [DIR...]   # report finished runs
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pandas as pd

from bench.analysis import stats
from bench.run.stopping import relative_half_width
from bench.store.results import load
from bench.store.rows import RunMeta

BENCH = Path(sys.executable).with_name("bench")
PLANS = {
    "paired": ["pairing=paired"],
    "independent": ["pairing=independent"],
    "auto": ["pairing=paired", "repetitions=auto"],
}


def measure(plan: str, overrides: list[str], root: Path) -> tuple[Path, float]:
    run_dir = root / plan
    argv = [str(BENCH), "run", "scenario=multistage", *PLANS[plan], *overrides, f"hydra.run.dir={run_dir}"]
    print("$", " ".join(argv), flush=True)
    t0 = time.monotonic()
    subprocess.run(argv, check=False, stdout=subprocess.DEVNULL)
    return run_dir, time.monotonic() - t0


def _measured(builds: pd.DataFrame) -> pd.DataFrame:
    return builds[(builds["outcome"] == "ok") & ~builds["warmup"].astype(bool)]


def _times(builds: pd.DataFrame, **where: str) -> list[float]:
    rows = _measured(builds)
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return list(rows["wall_s"])


def speedups(builds: pd.DataFrame) -> dict[str, stats.Interval]:
    """cold/warm per builder and legacy/buildkit per cache: reference median / candidate median."""
    found = {}
    for builder in sorted(builds["builder"].unique()):
        cold, warm = (
            _times(builds, builder=builder, cache="none"),
            _times(builds, builder=builder, cache="local"),
        )
        if cold and warm:
            found[f"{builder} cold/warm"] = stats.ratio_of_medians_ci(cold, warm)
    for cache in sorted(builds["cache"].unique()):
        legacy, buildkit = (
            _times(builds, builder="legacy", cache=cache),
            _times(builds, builder="buildkit", cache=cache),
        )
        if legacy and buildkit:
            found[f"{cache} legacy/buildkit"] = stats.ratio_of_medians_ci(legacy, buildkit)
    return found


def _wall_from_meta(meta: RunMeta) -> float | None:
    try:
        start, end = (datetime.fromisoformat(t) for t in (meta.started_at, meta.finished_at))  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return None
    return (end - start).total_seconds()


def report(run_dir: Path, wall_s: float | None) -> dict[str, stats.Interval]:
    run = load(run_dir)
    builds = run.builds
    wall_s = wall_s or _wall_from_meta(run.meta)
    timed = float(builds["build_s"].fillna(0).sum())
    primes = float(builds["prime_s"].fillna(0).sum())
    resets = float(builds["reset_s"].fillna(0).sum())
    print(f"\n== {run_dir} ({run.meta.plan.pairing}, {len(builds)} builds)")
    if wall_s:
        print(
            f"wall {wall_s:.0f} s; timed {timed:.0f} s; timed share {timed / wall_s:.2f}; "
            f"priming {primes:.0f} s; resets {resets:.0f} s"
        )
    found = speedups(builds)
    for name, interval in found.items():
        print(f"  {name:<24} {interval.estimate:6.2f}x  [{interval.low:.2f}, {interval.high:.2f}]")
    for cell, rows in builds.sort_values("seq").groupby("cell"):
        ok = _measured(rows)
        width = relative_half_width(stats.median_ci(list(ok["wall_s"])))
        cpu = (
            (ok["cpu_user_s"] + ok["cpu_system_s"]).median()
            if ok["cpu_user_s"].notna().any()
            else float("nan")
        )
        parallel = cpu / ok["wall_s"].median() if cpu == cpu else float("nan")
        reason = rows["stop_reason"].dropna()
        used = int((~rows["warmup"].astype(bool)).sum())
        print(
            f"  {cell:<34} builds {used:>2}  median {ok['wall_s'].median():6.2f} s"
            f" +-{width:.1%}  CPU {cpu:6.1f} s  parallelism {parallel:4.2f}"
            f"  {reason.iloc[-1] if len(reason) else ''}"
        )
    return found


def agree(a: dict[str, stats.Interval], b: dict[str, stats.Interval], names: tuple[str, str]) -> None:
    print(f"\n{names[0]} vs {names[1]}: do the speedups agree (95% intervals overlap)?")
    for key in sorted(a.keys() & b.keys()):
        x, y = a[key], b[key]
        overlap = x.low <= y.high and y.low <= x.high
        print(f"  {key:<24} {x.estimate:5.2f}x vs {y.estimate:5.2f}x: {'agree' if overlap else 'DISAGREE'}")


def main(args: list[str]) -> int:
    if args[:1] == ["--runs"]:
        found = {Path(d).name: report(Path(d), None) for d in args[1:]}
    else:
        plans = ["paired", "independent"]
        if args[:1] == ["--plans"]:
            plans, args = args[1].split(","), args[2:]
        root = Path("results") / "benchmarks" / f"run-efficiency-{datetime.now():%Y%m%d-%H%M%S}"
        measured = [(plan, *measure(plan, args, root)) for plan in plans]
        found = {plan: report(run_dir, wall) for plan, run_dir, wall in measured}
    names = list(found)
    for other in names[1:]:
        agree(found[names[0]], found[other], (names[0], other))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
