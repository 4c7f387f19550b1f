"""Which jobs of a Hydra multirun sweep are on disk: complete, partial, failed before measuring, or missing.

A sweep launched on a cluster (hydra/launcher=submitit_slurm) can lose jobs: a node dies, a job hits its
time limit, the queue drops it. The sweep directory says what was asked (multirun.yaml: the task
overrides, expanded exactly as Hydra's basic sweeper does) and each job's directory what it did
(.hydra/overrides.yaml, then the run's own run.json and rows), so the difference names the lost cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from bench.results import META_FILE, ResultsError

MULTIRUN_FILE = "multirun.yaml"
#: job states, in the order a reader wants them
COMPLETE, PARTIAL, NO_RUN, MISSING = "complete", "partial", "no run", "missing"


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


def expected_jobs(sweep_dir: Path) -> list[tuple[str, ...]]:
    """Every job the sweep asked for, from its multirun.yaml (Hydra's own expansion of `a=x,y b=z`)."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    path = Path(sweep_dir) / MULTIRUN_FILE
    if not path.is_file():
        raise ResultsError(
            f"{sweep_dir} is not a sweep directory (no {MULTIRUN_FILE}); give a `bench run -m` one"
        )
    config = yaml.safe_load(path.read_text()) or {}
    task = list(((config.get("hydra") or {}).get("overrides") or {}).get("task") or [])
    parsed = OverridesParser.create().parse_overrides(task)
    batches = BasicSweeper.split_arguments(parsed, None)
    return [tuple(job) for batch in batches for job in batch]


def _job_dirs(sweep_dir: Path) -> dict[tuple[str, ...], Path]:
    found = {}
    for overrides in sorted(Path(sweep_dir).glob("*/.hydra/overrides.yaml")):
        job = tuple(str(o) for o in (yaml.safe_load(overrides.read_text()) or []))
        found[job] = overrides.parent.parent
    return found


def _state(directory: Path) -> tuple[str, str]:
    from bench.report.completeness import completeness
    from bench.results import load

    if not (directory / META_FILE).is_file():
        return NO_RUN, "the job started but wrote no run (refused before measuring: see its log)"
    try:
        found = completeness(load(directory))
    except ResultsError as error:
        return PARTIAL, str(error)
    if found.complete:
        return COMPLETE, ""
    return PARTIAL, f"{found.sentence()}; continue it: bench run --resume {directory}"


def sweep_jobs(sweep_dir: Path) -> list[SweepJob]:
    """Every expected job with its state; jobs whose directory is absent are MISSING."""
    dirs = _job_dirs(sweep_dir)
    jobs = []
    for overrides in expected_jobs(sweep_dir):
        directory = dirs.get(overrides)
        if directory is None:
            jobs.append(SweepJob(overrides, MISSING, None, "no job directory: the job never ran or was lost"))
        else:
            state, detail = _state(directory)
            jobs.append(SweepJob(overrides, state, directory, detail))
    return jobs


def sweep_lines(sweep_dir: Path, jobs: list[SweepJob] | None = None) -> list[str]:
    """Markdown lines for a report: how many jobs are complete, and every other one by name."""
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


def print_sweep(sweep_dir: Path, say=print) -> int:
    """`bench sweep DIR`: one line per job that is not complete; exit 1 when any is missing or partial."""
    jobs = sweep_jobs(sweep_dir)
    for line in sweep_lines(sweep_dir, jobs):
        if line:
            say(line)
    return 0 if all(j.state == COMPLETE for j in jobs) else 1


#: the exit code the last multirun's jobs add up to (read by `bench run -m` after Hydra returns)
LAST_SWEEP: dict[str, int] = {}


class SweepStatus(Callback):
    """Hydra callback (conf/config.yaml): after a sweep, in the launching process, say which jobs are
    missing or partial; jobs run by a launcher plugin (submitit) report nothing back otherwise."""

    def on_multirun_end(self, config: DictConfig, **kwargs: object) -> None:
        sweep_dir = Path(str(config.hydra.sweep.dir))
        try:
            LAST_SWEEP["code"] = print_sweep(sweep_dir, say=lambda text: print(f"bench: {text}"))
        except ResultsError as error:
            print(f"bench: {error}")
            LAST_SWEEP["code"] = 1
