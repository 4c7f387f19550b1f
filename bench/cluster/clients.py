"""bench's own questions to the cluster, through SLURM's clients (sinfo, squeue, scancel), always with the
bench cluster's settings: `bench cluster` talks to its cluster even where SLURM_CONF names another."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

from bench.cluster import environment
from bench.cluster.layout import PATHS, ClusterPaths

#: node states (sinfo %T, without a flag such as `*`, not responding) in which the node takes jobs
READY_STATES = ("idle", "mixed", "allocated", "completing")
#: node states (sinfo %T, flags stripped) in which slurmctld keeps the node out of service until told
OUT_OF_SERVICE = ("inval", "drain", "drained", "draining")
#: job states (squeue %T) of jobs still holding or waiting for the node
ACTIVE_STATES = ("PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING")


@dataclass(frozen=True)
class Job:
    job_id: str
    state: str
    name: str


def run(argv: list[str], paths: ClusterPaths = PATHS, timeout_s: float = 10.0) -> subprocess.CompletedProcess:
    """A client's call; never raises for the client's own failure (the caller reads returncode)."""
    env = {**os.environ, **environment.settings(os.environ, paths)}
    try:
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout_s, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return subprocess.CompletedProcess(argv, 255, "", str(error))


def said(result: subprocess.CompletedProcess) -> str:
    """A client's last words, for a one-line error."""
    lines = [line.strip() for line in (result.stderr or result.stdout or "").splitlines() if line.strip()]
    return lines[-1] if lines else f"exit {result.returncode}"


def controller_answers(paths: ClusterPaths = PATHS) -> bool:
    """slurmctld answers a client (sinfo reads the partitions from it)."""
    return run(["sinfo", "--noheader", "--format=%P"], paths).returncode == 0


def node_state(node: str, paths: ClusterPaths = PATHS) -> str | None:
    """The node's state as sinfo says it (`idle`, `down*`, `drained`...); None when no answer."""
    result = run(["sinfo", "--noheader", "--Node", f"--nodes={node}", "--format=%T"], paths)
    states = result.stdout.split()
    return states[0] if result.returncode == 0 and states else None


def out_of_service(state: str) -> bool:
    """A node state (`drained*`, `inval`...) in which the node takes no job until resumed."""
    return state.rstrip("*~#!%$@^-") in OUT_OF_SERVICE


def resume(node: str, paths: ClusterPaths = PATHS) -> subprocess.CompletedProcess:
    return run(["scontrol", "update", f"NodeName={node}", "State=RESUME"], paths)


def node_reason(node: str, paths: ClusterPaths = PATHS) -> str:
    """Why slurmctld took the node out of service (sinfo %E), '' when it gives none."""
    result = run(["sinfo", "--noheader", "--Node", f"--nodes={node}", "--format=%E"], paths)
    reason = result.stdout.strip().splitlines()
    return reason[0] if result.returncode == 0 and reason and reason[0] != "none" else ""


def parse_jobs(text: str) -> list[Job]:
    """squeue --format='%i|%T|%j' lines as jobs."""
    jobs = []
    for line in text.splitlines():
        parts = line.split("|", 2)
        if len(parts) == 3:
            jobs.append(Job(*parts))
    return jobs


def jobs(paths: ClusterPaths = PATHS) -> list[Job] | None:
    """The jobs in the queue, those that finished within MinJobAge included; None when no answer."""
    result = run(["squeue", "--all", "--array", "--noheader", "--states=all", "--format=%i|%T|%j"], paths)
    return parse_jobs(result.stdout) if result.returncode == 0 else None


def cancel(job_ids: list[str], paths: ClusterPaths = PATHS) -> subprocess.CompletedProcess:
    return run(["scancel", *job_ids], paths)
