"""What the scheduler knows about a sweep's jobs: which submitit job ran which overrides, its state, and the
line of its log that says why it did not finish.

Hydra's submitit launchers (submitit_slurm, bench_slurm, submitit_local) keep one folder per job under
SWEEP_DIR/.submitit/: the pickled submission (whose arguments are the job's overrides and number), the job's
stdout/stderr and its result. Reading them names a missing job's SLURM id and state (CANCELLED, TIMEOUT,
NODE_FAIL...) and a failed job's one-line error. The pickles are the ones this sweep's launcher wrote.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.cluster.clients import ACTIVE_STATES  # SLURM's job states that are not an end yet

SUBMITIT_DIR = ".submitit"
POLL_S = 5.0


@dataclass(frozen=True)
class SubmittedJob:
    """One job a submitit launcher submitted: the overrides it ran and where submitit keeps its files."""

    overrides: tuple[str, ...]
    number: int  # hydra.job.num
    job_id: str
    folder: Path
    slurm: bool  # submitted with sbatch (else submitit's local executor)

    def state(self) -> str | None:
        """The scheduler's state of the job (SLURM's, through sacct), or None when it cannot say."""
        if not self.slurm:
            return None
        try:
            return _slurm_job(self).state
        except Exception:
            return None

    def done(self) -> bool:
        """The job has ended: its result is written, or the scheduler no longer queues or runs it."""
        if any(self.folder.glob(f"{self.job_id}_*_result.pkl")):
            return True
        state = self.state()
        return state is not None and state.split()[0] not in ACTIVE_STATES and state != "UNKNOWN"

    def why(self) -> str:
        """The last line of the job's stderr that says what went wrong (bench's own one line, or the last
        line of a traceback), or ''."""
        for log in sorted(self.folder.glob(f"{self.job_id}_*_log.err")):
            lines = [line.strip() for line in log.read_text(errors="replace").splitlines() if line.strip()]
            said = [line for line in lines if line.startswith("bench:")]
            if said:
                return said[-1]
            errors = [line for line in lines if "Error" in line.split(":")[0]]
            if errors:
                return errors[-1]
        return ""


def _slurm_job(job: SubmittedJob):
    import submitit

    return submitit.SlurmJob(folder=job.folder, job_id=job.job_id)


def _load(pickle: Path) -> tuple[tuple[str, ...], int] | None:
    """(overrides, job number) of a submission the Hydra submitit launcher pickled, or None."""
    from submitit.core.utils import DelayedSubmission

    try:
        submission = DelayedSubmission.load(pickle)
        overrides, _, number = submission.args[:3]
        return tuple(str(o) for o in overrides), int(number)
    except Exception:
        return None


def submitted_jobs(sweep_dir: Path) -> dict[tuple[str, ...], SubmittedJob]:
    """The latest submission of each overrides tuple (a re-run submits a job again); {} for a sweep that no
    submitit launcher ran."""
    root = Path(sweep_dir) / SUBMITIT_DIR
    if not root.is_dir():
        return {}
    found: dict[tuple[str, ...], SubmittedJob] = {}
    slurm = any(root.glob("*/*_submission.sh"))  # sbatch scripts (an array's sits in its array id's folder)
    pickles = sorted(root.glob("*/*_submitted.pkl"), key=lambda p: p.stat().st_mtime)
    for pickle in pickles:
        loaded = _load(pickle)
        if loaded is None:
            continue
        job_id = pickle.name.removesuffix("_submitted.pkl")
        found[loaded[0]] = SubmittedJob(loaded[0], loaded[1], job_id, pickle.parent, slurm)
    return found


def wait_for(
    jobs: Iterable[SubmittedJob], say: Callable[[str], object] = print, poll_s: float = POLL_S
) -> None:
    """Wait until every job has ended: a launcher gives up at the first job that failed while the
    scheduler still runs the others, whose rows a report needs."""
    waiting = [job for job in jobs if not job.done()]
    if waiting:
        ids = ", ".join(job.job_id for job in waiting)
        say(
            f"waiting for {len(waiting)} job(s) still queued or running ({ids}); "
            "Ctrl-C leaves them to the scheduler"
        )
    while waiting:
        time.sleep(poll_s)
        waiting = [job for job in waiting if not job.done()]
