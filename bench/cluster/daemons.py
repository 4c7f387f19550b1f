"""The cluster's three daemons, munged -> slurmctld -> slurmd, started and stopped the way bench starts its
other servers (bench/services/service.py): in the foreground of their own session, output kept in
RUN/NAME.log, pid file with the process's identity, so `down` signals only what `up` started.

A job's slurmstepd outlives slurmd (it is the job's own supervisor); `down` cancels the jobs first and then
stops any slurmstepd still serving a socket in the spool, so nothing of the cluster is left running.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

import psutil

from bench.cluster import munge
from bench.cluster.layout import DAEMONS, ClusterPaths
from bench.errors import EngineError
from bench.machine import process_identity
from bench.services import service

STOP_TIMEOUT_S = 30.0  # slurmctld saves its state on SIGTERM


def argv(daemon: str, paths: ClusterPaths) -> list[str]:
    if daemon == "munged":
        return munge.argv(paths)
    return [daemon, "-D", "-f", str(paths.conf)]


def binaries_missing() -> list[str]:
    """The daemons and tools `up` runs that are not on PATH (the packages are not, or not all, there)."""
    wanted = (
        "munged",
        "mungekey",
        "munge",
        "unmunge",
        "slurmctld",
        "slurmd",
        "sinfo",
        "squeue",
        "scancel",
        "scontrol",
    )
    return [name for name in wanted if shutil.which(name) is None]


def process(daemon: str, paths: ClusterPaths) -> psutil.Process | None:
    """The daemon bench started, while it still runs (its recorded identity matches)."""
    return process_identity.process_of(paths.pidfile(daemon), daemon)


def running(paths: ClusterPaths) -> dict[str, psutil.Process | None]:
    return {daemon: process(daemon, paths) for daemon in DAEMONS}


def start(daemon: str, paths: ClusterPaths, answers: Callable[[], bool], what: str, timeout_s: float) -> None:
    """Start one daemon and wait until `answers()`; EngineError (with its log) when it exits or stays mute."""
    service.start(daemon, argv(daemon, paths), str(paths.run), answers, what, timeout_s)


def stop(daemon: str, paths: ClusterPaths) -> bool:
    """Stop one daemon bench started; False when it was not running (a stale pid file is removed)."""
    return service.stop(daemon, str(paths.run), STOP_TIMEOUT_S)


def step_daemons(paths: ClusterPaths) -> list[psutil.Process]:
    """slurmstepd processes of this cluster: those serving a unix socket in its spool directory."""
    spool = str(paths.spool) + "/"
    found: dict[int, psutil.Process] = {}
    for connection in psutil.net_connections(kind="unix"):
        address = connection.laddr if isinstance(connection.laddr, str) else ""
        if connection.pid and address.startswith(spool) and connection.pid not in found:
            try:
                found[connection.pid] = psutil.Process(connection.pid)
            except psutil.NoSuchProcess:
                continue
    return list(found.values())


def stop_all(paths: ClusterPaths) -> list[str]:
    """Stop slurmd, slurmctld, munged (in that order), then any slurmstepd left; returns what was stopped.

    Every daemon is tried even when one cannot be stopped; the first such failure is raised at the end."""
    stopped, failures = [], []
    for daemon in reversed(DAEMONS):
        try:
            if stop(daemon, paths):
                stopped.append(daemon)
        except EngineError as error:
            failures.append(error)
    for step in step_daemons(paths):
        try:
            process_identity.stop_process(step, f"slurmstepd (pid {step.pid})", 10.0)
            stopped.append(f"slurmstepd (pid {step.pid})")
        except EngineError as error:
            failures.append(error)
    if failures:
        raise failures[0]
    return stopped


def remove_runtime(paths: ClusterPaths) -> None:
    """What only running daemons need: sockets, spool, pid files (logs stay, for a look after the fact)."""
    for daemon in DAEMONS:
        process_identity.forget(paths.pidfile(daemon))
        paths.own_pidfile(daemon).unlink(missing_ok=True)
    for directory in (paths.munge_dir, paths.spool):
        if directory.exists():
            shutil.rmtree(directory)
