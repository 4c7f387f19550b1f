"""The bench cluster for real: `bench cluster up` brings an idle node, submitit (as Hydra's submitit_slurm
launcher uses it) gets both results of a 2-job array, a job cancelled with scancel makes `job.result()`
raise instead of waiting forever (the stand-in sacct; docs/cluster.md, "The trap"), and `bench cluster down`
leaves no daemon, socket, spool or pid file. About a minute, most of it the cancelled job's wait."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Any

import psutil
import pytest
import submitit
from cluster_support import SlurmCluster, run_bench, said
from submitit.core.utils import UncompletedJobError

from bench.cluster import daemons
from bench.cluster.layout import DAEMONS, PATHS

pytestmark = pytest.mark.cluster


def within(timeout_s: float, call: Callable[[], Any]) -> Any:
    """`call()`'s result, or what it raised; fails the test when it takes longer than `timeout_s` (the
    call is left running in a daemon thread, which does not keep the session from ending)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # the test asserts on it
            outcome["value"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout_s)
    assert "value" in outcome, f"still waiting after {timeout_s:.0f} s (submitit hangs on a dead job?)"
    return outcome["value"]


def executor(cluster: SlurmCluster, folder: Any, **parameters: Any) -> submitit.AutoExecutor:
    found = submitit.AutoExecutor(folder=folder / "%j")
    assert found.cluster == "slurm"  # srun is on PATH: submitit chose SLURM, not local processes
    found.update_parameters(slurm_partition=cluster.partition, timeout_min=5, **parameters)
    return found


def test_up_gives_an_idle_node_and_a_second_up_changes_nothing(slurm_cluster: SlurmCluster) -> None:
    status = run_bench("cluster", "status")
    assert status.returncode == 0, said(status)
    assert f"node {slurm_cluster.node}: idle (partition debug)" in status.stdout
    before = {name: process.pid for name, process in daemons.running(PATHS).items() if process}
    assert sorted(before) == sorted(DAEMONS)
    again = run_bench("cluster", "up")
    assert again.returncode == 0 and "already up" in again.stdout and "nothing changed" in again.stdout, said(
        again
    )
    assert {name: process.pid for name, process in daemons.running(PATHS).items() if process} == before


def test_submitit_runs_two_exclusive_jobs_and_returns_both_results(
    slurm_cluster: SlurmCluster, tmp_path
) -> None:
    run = executor(
        slurm_cluster,
        tmp_path,
        slurm_additional_parameters={"exclusive": True},
        slurm_setup=["export BENCH_SETUP_MARK=setup-ran-in-${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"],
    )
    jobs = run.map_array(os.getenv, ["BENCH_SETUP_MARK", "SLURM_CONF"])
    scripts = [path.read_text() for path in tmp_path.rglob("*submission*.sh")]
    assert scripts and all("#SBATCH --exclusive" in script for script in scripts)
    results = within(90, lambda: [job.result() for job in jobs])
    assert not isinstance(results, BaseException), results
    assert results == [f"setup-ran-in-{jobs[0].job_id}", str(slurm_cluster.conf)]
    # the result files come before the jobs end: ask (through the stand-in sacct) until they have
    deadline = time.monotonic() + 20
    while (states := [job.get_info(mode="force").get("State") for job in jobs]) != ["COMPLETED"] * 2:
        assert time.monotonic() < deadline, f"the jobs' states are still {states}"
        time.sleep(0.5)


def test_a_cancelled_job_raises_instead_of_hanging(slurm_cluster: SlurmCluster, tmp_path) -> None:
    job = executor(slurm_cluster, tmp_path).submit(time.sleep, 600)
    deadline = time.monotonic() + 30
    while job.state != "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.5)
    assert job.state == "RUNNING"
    subprocess.run(["scancel", job.job_id], env=slurm_cluster.env, check=True, timeout=10)
    began = time.monotonic()
    error = within(75, job.result)  # KillWait, then submitit's 15 s wait for a result file, then polls
    assert isinstance(error, UncompletedJobError), error
    assert "state: CANCELLED" in str(error)  # without the stand-in sacct: UNKNOWN, and no end
    print(f"job.result() of the cancelled job raised after {time.monotonic() - began:.1f} s")


def _leftovers() -> list[str]:
    """Processes of the bench cluster still alive: its daemons (by their config or socket) and steps."""
    ours = (str(PATHS.conf), str(PATHS.munge_socket))
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        name, cmdline = process.info["name"], " ".join(process.info["cmdline"] or [])
        if name == "slurmstepd" or (name in DAEMONS and any(path in cmdline for path in ours)):
            found.append(f"{process.pid} {name}")
    return found


def test_down_leaves_no_daemon_socket_spool_or_pid_file(slurm_cluster: SlurmCluster) -> None:
    down = run_bench("cluster", "down")
    assert down.returncode == 0 and "stopped slurmd, slurmctld, munged" in down.stdout, said(down)
    try:
        assert _leftovers() == []
        assert not PATHS.munge_socket.exists() and not PATHS.munge_dir.exists()
        assert not PATHS.spool.exists()
        assert sorted(PATHS.run.glob("*.pid*")) == []
        assert PATHS.conf.exists() and PATHS.key.exists()  # they stay for the next up
        status = run_bench("cluster", "status")
        assert status.returncode == 1 and "the bench cluster is down" in status.stdout, said(status)
    finally:  # the session's cluster stays usable by later tests; the fixture takes it down if it started it
        again = run_bench("cluster", "up")
        assert again.returncode == 0, said(again)
