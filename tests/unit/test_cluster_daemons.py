"""Stopping the cluster's processes, with stand-ins (sleep; a process serving a socket in the spool, as a
job's slurmstepd does): the daemons stop in reverse order, a job's step is found by its socket and
stopped too, and `bench engine purge` does the same before it removes the packages."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from bench.cluster import clients, daemons
from bench.cluster.layout import DAEMONS, ClusterPaths
from bench.stack import purge


@pytest.fixture
def paths(tmp_path: Path) -> ClusterPaths:
    paths = ClusterPaths(tmp_path / "state", tmp_path / "run")
    paths.spool.mkdir(parents=True)
    paths.munge_dir.mkdir()
    return paths


def start_stand_ins(paths: ClusterPaths, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    monkeypatch.setattr(daemons, "argv", lambda _daemon, _paths: ["sleep", "60"])
    for daemon in DAEMONS:
        daemons.start(daemon, paths, lambda: True, daemon, 5.0)
    return {daemon: found.pid for daemon, found in daemons.running(paths).items() if found}


def step_stand_in(paths: ClusterPaths) -> subprocess.Popen:
    """A process listening on a unix socket in the spool, as slurmstepd does (NODE_JOBID.STEP)."""
    socket_path = paths.spool / "vm_7.4294967291"
    code = (
        "import socket, sys, time\n"
        "s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    step = subprocess.Popen([sys.executable, "-c", code, str(socket_path)], stdout=subprocess.PIPE, text=True)
    assert step.stdout is not None and step.stdout.readline().strip() == "ready"
    return step


def test_the_daemons_stop_in_reverse_order_and_a_job_s_step_with_them(
    paths: ClusterPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    pids = start_stand_ins(paths, monkeypatch)
    assert sorted(pids) == sorted(DAEMONS)
    step = step_stand_in(paths)
    assert [p.pid for p in daemons.step_daemons(paths)] == [step.pid]
    stopped = daemons.stop_all(paths)
    assert stopped == ["slurmd", "slurmctld", "munged", f"slurmstepd (pid {step.pid})"]
    assert step.wait(5) is not None
    assert all(
        not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        for pid in pids.values()
    )
    daemons.remove_runtime(paths)
    assert sorted(p.name for p in paths.run.iterdir()) == [f"{daemon}.log" for daemon in sorted(DAEMONS)]


def test_stopping_what_is_not_running_stops_nothing(paths: ClusterPaths) -> None:
    paths.pidfile("slurmctld").write_text("999999\n")
    assert daemons.stop_all(paths) == []
    assert not paths.pidfile("slurmctld").exists()  # a stale pid file goes, nothing is signalled


def test_purge_stops_the_cluster_before_removing_its_packages(
    paths: ClusterPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    pids = start_stand_ins(paths, monkeypatch)
    monkeypatch.setattr("bench.cluster.layout.PATHS", paths)
    monkeypatch.setattr("os.geteuid", lambda: 0)
    queues = iter([[clients.Job("7", "RUNNING", "sweep")], [clients.Job("7", "CANCELLED", "sweep")]])
    monkeypatch.setattr(clients, "jobs", lambda _paths: next(queues))
    cancelled: list[list[str]] = []
    monkeypatch.setattr(clients, "cancel", lambda ids, _paths: cancelled.append(ids))
    report = purge.PurgeReport()
    purge._stop_cluster(report)
    assert report.left == [] and cancelled == [["7"]]
    assert report.removed == ["stopped the bench cluster; cancelled 1 job(s): 7"]
    time.sleep(0.1)
    assert not any(
        psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        for pid in pids.values()
    )
    assert not paths.spool.exists() and not paths.munge_dir.exists()
