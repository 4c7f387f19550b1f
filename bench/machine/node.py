"""Which machine ran a build, and under which batch job: rows and runs record it so that a sweep spread over
a cluster's nodes can be merged, told apart and traced back to the scheduler's own record.

SLURM names the node in the job's environment (SLURMD_NODENAME), which is what `sinfo`, `squeue` and the
administrator use; outside a job the host's short name stands for it.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping

#: SLURM's job environment -> the keys of run.json's `batch_job` (sbatch(1): OUTPUT ENVIRONMENT VARIABLES)
SLURM_VARIABLES = {
    "SLURM_JOB_ID": "job_id",
    "SLURM_ARRAY_JOB_ID": "array_job_id",
    "SLURM_ARRAY_TASK_ID": "array_task_id",
    "SLURM_JOB_PARTITION": "partition",
    "SLURM_JOB_NODELIST": "nodes",
    "SLURM_CLUSTER_NAME": "cluster",
}


def node_name(env: Mapping[str, str] | None = None) -> str:
    """The node a SLURM job runs on, else this host's short name."""
    env = os.environ if env is None else env
    return env.get("SLURMD_NODENAME") or socket.gethostname().split(".")[0]


def batch_job(env: Mapping[str, str] | None = None) -> dict[str, str] | None:
    """The SLURM job this process runs in (scheduler, job id, array task, partition...), or None."""
    env = os.environ if env is None else env
    if not env.get("SLURM_JOB_ID"):
        return None
    job = {key: env[name] for name, key in SLURM_VARIABLES.items() if env.get(name)}
    return {"scheduler": "slurm", **job}


def in_batch_job(env: Mapping[str, str] | None = None) -> bool:
    """True inside a SLURM job: it holds an allocation, so it must not sit waiting (bench/machine/lock.py)."""
    return batch_job(env) is not None
