"""Which node ran bench, and which SLURM job: what rows and run.json record for a sweep on a cluster."""

from __future__ import annotations

import socket

from bench.machine.node import batch_job, in_batch_job, node_name

JOB = {
    "SLURM_JOB_ID": "43",
    "SLURM_ARRAY_JOB_ID": "41",
    "SLURM_ARRAY_TASK_ID": "2",
    "SLURM_JOB_PARTITION": "debug",
    "SLURM_JOB_NODELIST": "n7",
    "SLURMD_NODENAME": "n7",
}


def test_a_slurm_job_names_its_node_and_job() -> None:
    assert node_name(JOB) == "n7"
    assert batch_job(JOB) == {
        "scheduler": "slurm",
        "job_id": "43",
        "array_job_id": "41",
        "array_task_id": "2",
        "partition": "debug",
        "nodes": "n7",
    }
    assert in_batch_job(JOB)


def test_outside_a_job_the_host_short_name_stands_for_the_node() -> None:
    assert node_name({}) == socket.gethostname().split(".")[0]
    assert batch_job({}) is None and not in_batch_job({"SLURMD_NODENAME": "n7"})
