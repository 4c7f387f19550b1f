"""A sweep's jobs as the scheduler left them: failed builds fail the sweep, a lost SLURM job says its state,
a failed job says its one line, a re-run sets failed attempts aside and keeps complete ones, and a report
of the sweep directory merges its jobs with the node as a dimension."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_runs import COLD_WIN, write_run
from rich.console import Console
from submitit.core.utils import DelayedSubmission

from bench.report.commands import report
from bench.sweep import scheduler as sweep_scheduler
from bench.sweep.jobs import (
    COMPLETE,
    FAILED_BUILDS,
    MISSING,
    NO_RUN,
    PARTIAL,
    SUPERSEDED_DIR,
    print_sweep,
    rerun_action,
    rerun_args,
    set_aside,
    sweep_jobs,
)

TASK = ["builder=legacy,buildkit", "scenario=tiny"]
HYDRA = ["hydra/launcher=bench_slurm", "hydra.launcher.partition=debug", "hydra.sweep.dir=/old/place"]


def _sweep(tmp_path: Path) -> Path:
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    overrides = {"hydra": {"overrides": {"hydra": HYDRA, "task": TASK}}}
    (sweep / "multirun.yaml").write_text(json.dumps(overrides))  # YAML is a superset of JSON
    return sweep


def _job(sweep: Path, num: int, builder: str, *, node: str | None = None, **run: object) -> Path:
    job = sweep / f"{num}_tiny_dedicated"
    (job / ".hydra").mkdir(parents=True)
    (job / ".hydra" / "overrides.yaml").write_text(f"- builder={builder}\n- scenario=tiny\n")
    if run:
        write_run(job, run.pop("times"), run_id=f"run-{num}", **run)  # type: ignore[arg-type]
    if node:
        meta = json.loads((job / "run.json").read_text())
        (job / "run.json").write_text(json.dumps({**meta, "node": node}))
        rows = (job / "builds.jsonl").read_text().splitlines()
        (job / "builds.jsonl").write_text(
            "".join(json.dumps({**json.loads(r), "node": node}) + "\n" for r in rows)
        )
    return job


def _submitted(sweep: Path, job_id: str, builder: str, num: int, log: str = "", slurm: bool = True) -> Path:
    """A job folder as Hydra's submitit launcher leaves it: the pickled submission (overrides, sweep dir key,
    job number...), the sbatch script for SLURM, the job's stderr."""
    folder = sweep / ".submitit" / job_id
    folder.mkdir(parents=True)
    overrides = [f"builder={builder}", "scenario=tiny"]
    DelayedSubmission(print, overrides, "hydra.sweep.dir", num, f"job_id_for_{num}", {}).dump(
        folder / f"{job_id}_submitted.pkl"
    )
    if slurm:  # an array's sbatch script sits in the folder of its array id
        array = sweep / ".submitit" / job_id.split("_")[0]
        array.mkdir(parents=True, exist_ok=True)
        (array / f"{array.name}_submission.sh").write_text("#!/bin/bash\n#SBATCH --exclusive\n")
    if log:
        (folder / f"{job_id}_0_log.err").write_text(log)
    return folder


def test_a_job_whose_builds_failed_fails_the_sweep_and_says_why(tmp_path: Path) -> None:
    sweep = _sweep(tmp_path)
    _job(sweep, 0, "legacy", times=COLD_WIN)
    _job(sweep, 1, "buildkit", times={k: [None] * len(v) for k, v in COLD_WIN.items()})
    jobs = sweep_jobs(sweep)
    assert [j.state for j in jobs] == [COMPLETE, FAILED_BUILDS]
    total = sum(len(v) for v in COLD_WIN.values())
    assert jobs[1].detail == f"{total} of {total} builds failed: ERROR: failed to solve: exit code: 2"
    lines: list[str] = []
    assert print_sweep(sweep, say=lines.append) == 1
    assert lines[-1] == f"re-run only these jobs: bench sweep {sweep} --rerun"
    assert any(line.startswith("- failed builds: `builder=buildkit scenario=tiny`") for line in lines)


def test_a_cancelled_slurm_job_is_missing_with_its_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sweep = _sweep(tmp_path)
    _job(sweep, 0, "legacy", times=COLD_WIN)
    _submitted(sweep, "41_0", "legacy", 0)
    _submitted(sweep, "41_1", "buildkit", 1, log="slurmstepd: error: *** JOB 42 CANCELLED AT 2026 ***\n")
    states = {"41_0": "COMPLETED", "41_1": "CANCELLED by 0"}
    monkeypatch.setattr(
        sweep_scheduler, "_slurm_job", lambda job: type("J", (), {"state": states[job.job_id]})
    )
    missing = sweep_jobs(sweep)[1]
    assert missing.state == MISSING
    assert missing.detail.startswith("no job directory: SLURM job 41_1 CANCELLED by 0")
    submitted = sweep_scheduler.submitted_jobs(sweep)
    assert submitted[("builder=buildkit", "scenario=tiny")].number == 1
    assert all(job.done() for job in submitted.values()), "cancelled and completed jobs have ended"


def test_a_job_that_failed_before_measuring_says_its_one_line(tmp_path: Path) -> None:
    sweep = _sweep(tmp_path)
    _job(sweep, 0, "legacy", times=COLD_WIN)
    _job(sweep, 1, "buildkit")  # Hydra made the directory, the run refused
    said = "bench: the node is busy: run x (pid 1 on n1) holds /run/lock/bench/machine.lock; ...\n"
    _submitted(sweep, "7", "buildkit", 1, log=f"[hydra] launching\n{said}", slurm=False)
    job = sweep_jobs(sweep)[1]
    assert job.state == NO_RUN and job.detail.endswith(said.strip())
    assert not sweep_scheduler.submitted_jobs(sweep)[("builder=buildkit", "scenario=tiny")].slurm


def test_a_rerun_sets_failed_attempts_aside_and_keeps_the_rest(tmp_path: Path) -> None:
    sweep = _sweep(tmp_path)
    kept = _job(sweep, 0, "legacy", times=COLD_WIN)
    failed = _job(sweep, 1, "buildkit", times={k: [None] * len(v) for k, v in COLD_WIN.items()})
    moved = set_aside(sweep_jobs(sweep), sweep)
    assert len(moved) == 1 and moved[0].parent.parent == sweep / SUPERSEDED_DIR
    assert (moved[0] / "builds.jsonl").is_file() and not failed.exists(), "the attempt is renamed, not lost"
    assert [j.state for j in sweep_jobs(sweep)] == [COMPLETE, MISSING]
    assert rerun_action(kept) == "keep" and rerun_action(failed) == "measure"
    partial = _job(tmp_path / "other", 0, "legacy", times=COLD_WIN, planned_extra=1, status="running")
    assert rerun_action(partial) == "resume"
    args = rerun_args(sweep)
    assert args[0] == "-m" and "hydra.sweep.dir=/old/place" not in args
    assert args[1:] == [*HYDRA[:2], f"hydra.sweep.dir={sweep.resolve()}", *TASK]


def test_partial_jobs_stay_for_their_job_to_resume(tmp_path: Path) -> None:
    sweep = _sweep(tmp_path)
    _job(sweep, 0, "legacy", times=COLD_WIN, planned_extra=1, status="running")
    jobs = sweep_jobs(sweep)
    assert jobs[0].state == PARTIAL and f"bench sweep {sweep} --rerun" in jobs[0].detail
    assert set_aside(jobs, sweep) == [] and (sweep / "0_tiny_dedicated" / "run.json").is_file()


def test_a_report_of_a_sweep_directory_merges_its_jobs_by_node(tmp_path: Path) -> None:
    sweep = _sweep(tmp_path)
    _job(sweep, 0, "legacy", times=COLD_WIN, node="node-a")
    _job(sweep, 1, "buildkit", times=COLD_WIN, node="node-b")
    assert report([sweep], None, Console(file=open("/dev/null", "w"))) == 0  # noqa: SIM115
    lines = (sweep / "report.md").read_text().splitlines()
    assert any(line.startswith("| node | cache | change | builder |") for line in lines), "a dimension"
    assert sum(line.startswith("| node-a | none | none |") for line in lines) == 2
    assert sum(line.startswith("| node-b | none | none |") for line in lines) == 2
    assert any(line.startswith("| node | engine |") for line in lines), "the engines section names nodes"
    assert any("2 of 2 jobs complete" in line for line in lines)
