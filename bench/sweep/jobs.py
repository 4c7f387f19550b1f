"""Which jobs of a Hydra multirun sweep are on disk: complete, with failed builds, partial, failed before
measuring, or missing; and a re-run of those that are not complete.

A sweep launched on a cluster (hydra/launcher=bench_slurm) can lose jobs: a node dies, a job hits its
time limit, the queue drops it, someone cancels it. The sweep directory says what was asked (multirun.yaml:
the task overrides, expanded exactly as Hydra's basic sweeper does), each job's directory what it did
(.hydra/overrides.yaml, then the run's own run.json and rows), and the launcher's .submitit/ folder what the
scheduler did (bench/sweep/scheduler.py), so the difference names each lost cell and why.
`bench run -m` exits 1 when any job is not complete, whatever the launcher; so does `bench sweep DIR`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from bench.store.results import META_FILE, ResultsError
from bench.sweep.scheduler import SubmittedJob, submitted_jobs

if TYPE_CHECKING:
    import pandas as pd

MULTIRUN_FILE = "multirun.yaml"
#: where a re-run moves a job's earlier attempt (renamed, never deleted): out of reports and job states
SUPERSEDED_DIR = ".superseded"
#: set for the jobs of `bench sweep DIR --rerun`: a job whose directory holds a run keeps or resumes it
RERUN_ENV = "BENCH_SWEEP_RERUN"
#: job states, in the order a reader wants them
COMPLETE, FAILED_BUILDS, PARTIAL = "complete", "failed builds", "partial"
NO_RUN, MISSING = "no run", "missing"


@dataclass(frozen=True)
class SweepJob:
    """One job of a sweep: its overrides, where it ran (if it did) and what it left."""

    overrides: tuple[str, ...]
    state: str
    directory: Path | None = None
    detail: str = ""

    @property
    def label(self) -> str:
        return " ".join(self.overrides)


def is_sweep(directory: Path) -> bool:
    return (Path(directory) / MULTIRUN_FILE).is_file()


def _multirun(sweep_dir: Path) -> dict:
    path = Path(sweep_dir) / MULTIRUN_FILE
    if not path.is_file():
        raise ResultsError(
            f"{sweep_dir} is not a sweep directory (no {MULTIRUN_FILE}); give a `bench run -m` one"
        )
    return yaml.safe_load(path.read_text()) or {}


def _overrides(sweep_dir: Path, kind: str) -> list[str]:
    """The sweep's `task` overrides (what each job varies) or `hydra` ones (launcher, sweep dir...)."""
    overrides = ((_multirun(sweep_dir).get("hydra") or {}).get("overrides") or {}).get(kind) or []
    return [str(o) for o in overrides]


def expected_jobs(sweep_dir: Path) -> list[tuple[str, ...]]:
    """Every job the sweep asked for, from its multirun.yaml (Hydra's own expansion of `a=x,y b=z`)."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create().parse_overrides(_overrides(sweep_dir, "task"))
    batches = BasicSweeper.split_arguments(parsed, None)
    return [tuple(job) for batch in batches for job in batch]


def _job_dirs(sweep_dir: Path) -> dict[tuple[str, ...], Path]:
    found = {}
    for overrides in sorted(Path(sweep_dir).glob("*/.hydra/overrides.yaml")):
        job = tuple(str(o) for o in (yaml.safe_load(overrides.read_text()) or []))
        found[job] = overrides.parent.parent
    return found


def _failed_builds(builds: pd.DataFrame) -> str:
    """'' when every measured build of the run succeeded (or was unsupported), else how many failed and the
    first error line."""
    from bench.analysis.error_lines import first_error_line

    if builds.empty:
        return ""
    measured = builds[~builds["warmup"].astype(bool)]
    failed = measured[measured["outcome"] == "failed"]
    if failed.empty:
        return ""
    first = first_error_line(failed["error_tail"].iloc[0])
    return f"{len(failed)} of {len(measured)} builds failed" + (f": {first}" if first else "")


def _state(directory: Path, submitted: SubmittedJob | None) -> tuple[str, str]:
    from bench.analysis.completeness import completeness
    from bench.store.results import load

    if not (directory / META_FILE).is_file():
        why = submitted.why() if submitted else ""
        return NO_RUN, "the job started but wrote no run" + (
            f": {why}" if why else " (refused before measuring: see its log)"
        )
    try:
        run = load(directory)
    except ResultsError as error:
        return PARTIAL, str(error)
    found = completeness(run)
    if not found.complete:
        return PARTIAL, f"{found.sentence()}; continue it: bench sweep {directory.parent} --rerun"
    failed = _failed_builds(run.builds)
    return (FAILED_BUILDS, failed) if failed else (COMPLETE, "")


def _missing_detail(submitted: SubmittedJob | None) -> str:
    if submitted is None:
        return "no job directory: the job never ran or was lost"
    state = submitted.state()
    said = f"{'SLURM' if submitted.slurm else 'submitit'} job {submitted.job_id}" + (
        f" {state}" if state else ""
    )
    why = submitted.why()
    return f"no job directory: {said}" + (f"; {why}" if why else "")


def sweep_jobs(sweep_dir: Path) -> list[SweepJob]:
    """Every expected job with its state; jobs whose directory is absent are MISSING."""
    dirs = _job_dirs(sweep_dir)
    scheduled = submitted_jobs(sweep_dir)
    jobs = []
    for overrides in expected_jobs(sweep_dir):
        directory, submitted = dirs.get(overrides), scheduled.get(overrides)
        if directory is None:
            jobs.append(SweepJob(overrides, MISSING, None, _missing_detail(submitted)))
        else:
            state, detail = _state(directory, submitted)
            jobs.append(SweepJob(overrides, state, directory, detail))
    return jobs


def job_run_dirs(sweep_dir: Path) -> list[Path]:
    """The run directories of the sweep's jobs (the current attempt of each), for a merged report."""
    return sorted(d for d in _job_dirs(sweep_dir).values() if (d / META_FILE).is_file())


def sweep_lines(sweep_dir: Path, jobs: list[SweepJob] | None = None) -> list[str]:
    """Markdown lines for a report: how many jobs are complete, and every other one by name and why."""
    jobs = sweep_jobs(sweep_dir) if jobs is None else jobs
    done = sum(j.state == COMPLETE for j in jobs)
    out = [f"Sweep `{sweep_dir}`: {done} of {len(jobs)} jobs complete."]
    if done < len(jobs):
        out.append("")
        out += [
            f"- {j.state}: `{j.label}`" + (f" ({j.detail})" if j.detail else "")
            for j in jobs
            if j.state != COMPLETE
        ]
    return out


def exit_code(jobs: list[SweepJob]) -> int:
    """0 when every job is complete with no failed build, else 1 (as one run's failed builds are)."""
    return 0 if all(j.state == COMPLETE for j in jobs) else 1


def print_sweep(sweep_dir: Path, say: Callable[[str], object] = print) -> int:
    """`bench sweep DIR`: one line per job that is not complete, saying why; exit 1 when any is not."""
    jobs = sweep_jobs(sweep_dir)
    for line in sweep_lines(sweep_dir, jobs):
        if line:
            say(line)
    if exit_code(jobs):
        say(f"re-run only these jobs: bench sweep {sweep_dir} --rerun")
    return exit_code(jobs)


def rerun_args(sweep_dir: Path) -> list[str]:
    """`bench run` arguments that launch the sweep again into its own directory, with its launcher."""
    kept = [o for o in _overrides(sweep_dir, "hydra") if not o.startswith("hydra.sweep.dir=")]
    return ["-m", *kept, f"hydra.sweep.dir={Path(sweep_dir).resolve()}", *_overrides(sweep_dir, "task")]


def set_aside(jobs: list[SweepJob], sweep_dir: Path) -> list[Path]:
    """Move the earlier attempts of jobs that failed (builds failed, or no run) under SUPERSEDED_DIR, so the
    re-run measures them afresh in the same place; partial runs stay, their jobs resume them."""
    moved = []
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    for job in jobs:
        if job.directory is not None and job.state in (FAILED_BUILDS, NO_RUN):
            target = Path(sweep_dir) / SUPERSEDED_DIR / stamp / job.directory.name
            target.parent.mkdir(parents=True, exist_ok=True)
            job.directory.rename(target)
            moved.append(target)
    return moved


def rerun_action(run_dir: Path) -> str:
    """What a job of a re-run does with its directory: `keep` a complete run, `resume` a partial one, or
    `measure` (nothing there yet)."""
    if not (Path(run_dir) / META_FILE).is_file():
        return "measure"
    state, _ = _state(Path(run_dir), None)
    return "keep" if state in (COMPLETE, FAILED_BUILDS) else "resume"


#: the last multirun's directory (`dir`) and the exit code its jobs add up to (`code`), read by `bench run -m`
#: after Hydra returns or its launcher raised
LAST_SWEEP: dict[str, object] = {}


class SweepStatus(Callback):
    """Hydra callback (conf/config.yaml): after a sweep, in the launching process, say which jobs are
    missing, partial or failed; jobs run by a launcher plugin (submitit) report nothing back otherwise."""

    def on_multirun_start(self, config: DictConfig, **kwargs: object) -> None:
        LAST_SWEEP["dir"] = str(config.hydra.sweep.dir)

    def on_multirun_end(self, config: DictConfig, **kwargs: object) -> None:
        sweep_dir = Path(str(config.hydra.sweep.dir))
        try:
            LAST_SWEEP["code"] = print_sweep(sweep_dir, say=lambda text: print(f"bench: {text}"))
        except ResultsError as error:
            print(f"bench: {error}")
            LAST_SWEEP["code"] = 1
