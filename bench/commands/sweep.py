"""`bench sweep SWEEP_DIR [--rerun]`: which jobs of a multirun (-m) sweep are complete, have failed builds,
are partial or missing, and why; --rerun launches only those again, with the sweep's own launcher."""

from __future__ import annotations

import os
from pathlib import Path

from bench.commands import arguments

NAME = "sweep"
USAGE = "SWEEP_DIR [--rerun]"
HELP = "which jobs of a multirun (-m) sweep are complete, failed, partial or missing; --rerun those"


def main(args: list[str]) -> int:
    from bench.sweep.jobs import print_sweep

    parser = arguments.directory_parser(NAME, HELP, "SWEEP_DIR", "results/multirun/2026-...")
    parser.add_argument(
        "--rerun",
        action="store_true",
        help="launch the sweep again into its directory: complete jobs keep their runs, partial ones resume, "
        "failed and missing ones are measured afresh (earlier attempts move to .superseded/)",
    )
    ns = parser.parse_args(args)
    if not ns.rerun:
        return print_sweep(ns.directory)
    return rerun(ns.directory)


def rerun(sweep_dir: Path) -> int:
    """Set the failed attempts aside, then `bench run -m` with the sweep's launcher, sweep directory and
    overrides; every job of the sweep starts, and those already complete keep their run at once."""
    from bench.commands import run
    from bench.sweep.jobs import COMPLETE, RERUN_ENV, rerun_args, set_aside, sweep_jobs

    jobs = sweep_jobs(sweep_dir)
    todo = [job for job in jobs if job.state != COMPLETE]
    if not todo:
        print(f"bench: all {len(jobs)} jobs of {sweep_dir} are complete; nothing to re-run")
        return 0
    for moved in set_aside(todo, sweep_dir):
        print(f"bench: moved the earlier attempt to {moved}")
    print(f"bench: re-running {len(todo)} of {len(jobs)} jobs: " + "; ".join(job.label for job in todo))
    os.environ[RERUN_ENV] = "1"  # inherited by the launcher's jobs (sbatch exports the environment)
    try:
        return run.main(rerun_args(sweep_dir))
    finally:
        os.environ.pop(RERUN_ENV, None)
