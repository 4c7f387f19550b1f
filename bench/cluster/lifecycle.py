"""`bench cluster up|down|status`: the single-node cluster's life cycle, idempotently, as root.

up: Debian's packages (host_packages.CLUSTER, recorded for `bench engine purge`) -> slurm.conf from the
machine's facts, munge's key, the stand-in sacct -> munged, slurmctld, slurmd -> the node takes jobs.
A start that fails stops what it started and names the log to read.

down: cancels the jobs, stops the daemons (and any job's slurmstepd) and removes sockets, spool and pid
files. slurm.conf, the key and slurmctld's saved state stay under STATE_ROOT/cluster: the next `up` reuses
the key (credentials in the saved state stay valid) and the clients keep their SLURM_CONF (they then say
the controller is down, which is true); `bench engine purge` removes them with the rest of STATE_ROOT.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import psutil

from bench.cluster import clients, daemons, machine, munge, sacct_shim, slurm_conf
from bench.cluster.layout import DAEMONS, PARTITION, PATHS, ClusterPaths
from bench.errors import EngineError
from bench.host import created, host_packages, system
from bench.host.layout import MANIFEST, RUN_ROOT, STATE_ROOT
from bench.host.setup_lock import setup_lock

#: slurmctld's and slurmd's ports (SLURM's defaults, which slurm.conf keeps)
PORTS = {"slurmctld": 6817, "slurmd": 6818}
START_TIMEOUT_S = {"munged": 10.0, "slurmctld": 30.0, "slurmd": 30.0}
CANCEL_TIMEOUT_S = 60.0


def require_root(command: str) -> None:
    system.require_root(
        f"`bench cluster {command}` needs root (the daemons run as root; up installs packages)",
        fix=f"sudo .venv/bin/bench cluster {command}",
    )


@dataclass(frozen=True)
class ClusterStatus:
    configured: bool  # slurm.conf exists: `bench cluster up` ran here once
    daemons: dict[str, psutil.Process | None]
    node: str | None  # NodeName of slurm.conf
    node_state: str | None  # sinfo's word for it; None when slurmctld does not answer
    jobs: list[clients.Job] | None  # the queue, None when slurmctld does not answer

    @property
    def up(self) -> bool:
        return all(self.daemons.values())


def node_name(conf_text: str) -> str | None:
    """The NodeName a slurm.conf defines (the bench cluster has one)."""
    for line in conf_text.splitlines():
        if line.startswith("NodeName="):
            return line.split()[0].partition("=")[2]
    return None


def status(paths: ClusterPaths = PATHS) -> ClusterStatus:
    configured = paths.conf.exists()
    node = node_name(paths.conf.read_text()) if configured else None
    running = daemons.running(paths)
    answers = running["slurmctld"] is not None and node is not None
    return ClusterStatus(
        configured=configured,
        daemons=running,
        node=node,
        node_state=clients.node_state(node, paths) if answers and node else None,
        jobs=clients.jobs(paths) if answers else None,
    )


def _listener(port: int) -> psutil.Process | None:
    """The process listening on a TCP port of this machine, if any."""
    for connection in psutil.net_connections(kind="tcp"):
        if connection.status == psutil.CONN_LISTEN and connection.laddr and connection.laddr.port == port:
            try:
                return psutil.Process(connection.pid) if connection.pid else None
            except psutil.NoSuchProcess:
                return None
    return None


def require_free_ports() -> None:
    """Another SLURM on this machine (a real node's daemons) holds the ports bench's daemons need."""
    for daemon, port in PORTS.items():
        holder = _listener(port)
        if holder is not None:
            raise EngineError(
                f"port {port} ({daemon}'s) is taken by {holder.name()} (pid {holder.pid}): another SLURM "
                "runs on this machine",
                fix=f"use that cluster (set SLURM_CONF to its config), or stop pid {holder.pid} first",
            )


def install(say: Callable[[str], object]) -> None:
    """Debian's munge and SLURM packages, once (recorded for purge), saying how long an install took."""
    if not system.debian_like(system.os_release()):
        raise EngineError(
            "bench installs its cluster from Debian's packages; this machine is not Debian-like",
            fix="use a real SLURM cluster: set SLURM_CONF and use hydra/launcher=bench_slurm",
        )
    began = time.monotonic()
    with setup_lock(say):
        gained = host_packages.ensure(host_packages.CLUSTER, "a SLURM cluster on this machine", say)
    if gained:
        say(f"installed {len(gained)} packages in {time.monotonic() - began:.1f} s: {' '.join(gained)}")
    missing = daemons.binaries_missing()
    if missing:
        raise EngineError(
            f"{', '.join(missing)} not found on PATH after installing {' '.join(host_packages.CLUSTER)}",
            fix="run `bench cluster up` as root with /usr/sbin on PATH (sudo -i)",
        )


def prepare(facts: machine.MachineFacts, paths: ClusterPaths) -> None:
    """Everything the daemons read, written fresh (nothing runs yet): config, key, stand-in, directories."""
    slurm_conf.write(facts, paths)
    munge.ensure_key(paths)
    sacct_shim.write(paths)
    munge.socket_dir(paths)
    for directory in (paths.state_save, paths.spool):
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o700)


def _node_ready(node: str, paths: ClusterPaths) -> bool:
    """The node takes jobs; raises at once when slurmctld refused its registration (more memory or CPUs
    configured than slurmd found: `inval`, or drained for it), which no wait mends."""
    state = clients.node_state(node, paths)
    if state is not None and clients.out_of_service(state):
        raise EngineError(
            f"slurmctld refused node {node}: {clients.node_reason(node, paths) or state}; the cluster was "
            "stopped again",
            fix=f"read {paths.log('slurmctld')}; `bench cluster up` writes slurm.conf anew from the machine",
        )
    return state is not None and state in clients.READY_STATES


def _resume_stale_drain(node: str, paths: ClusterPaths) -> None:
    """slurmctld restores a drained node from its saved state, with the reason an earlier slurm.conf gave
    (ReturnToService does not undo a drain). `up` has just written slurm.conf anew from the machine, so
    that drain is stale: resume the node before slurmd registers, which drains it again if it still must."""
    state = clients.node_state(node, paths)
    if state is not None and clients.out_of_service(state):
        clients.resume(node, paths)


def start(facts: machine.MachineFacts, paths: ClusterPaths) -> float:
    """Start munged, slurmctld and slurmd and wait for the node to take jobs; returns the seconds from the
    first start to a ready node. On a failure, stops what it started and raises naming the log."""
    node = facts.hostname
    checks: dict[str, tuple[Callable[[], bool], str]] = {
        "munged": (lambda: munge.answers(paths), f"munged on {paths.munge_socket}"),
        "slurmctld": (
            lambda: clients.controller_answers(paths),
            f"slurmctld on 127.0.0.1:{PORTS['slurmctld']}",
        ),
        "slurmd": (lambda: _node_ready(node, paths), f"slurmd of node {node}"),
    }
    began = time.monotonic()
    for daemon in DAEMONS:
        answers, what = checks[daemon]
        try:
            daemons.start(daemon, paths, answers, what, START_TIMEOUT_S[daemon])
            if daemon == "slurmctld":
                _resume_stale_drain(node, paths)
        except EngineError as error:
            state = clients.node_state(node, paths) if daemon == "slurmd" else None
            reason = clients.node_reason(node, paths) if state else ""
            _stop_quietly(paths)
            if state is not None and "did not answer" in str(error):
                why = f" ({reason})" if reason else ""
                error = EngineError(
                    f"node {node} is {state}{why} {START_TIMEOUT_S[daemon]:.0f} s after slurmd started; the "
                    "cluster was stopped again",
                    fix=f"read {paths.log('slurmd')} and {paths.log('slurmctld')}",
                )
            raise error from None
    return time.monotonic() - began


def _stop_quietly(paths: ClusterPaths) -> None:
    """Undo a failed start: stop what runs, remove the runtime files (the log stays to be read)."""
    try:
        daemons.stop_all(paths)
    finally:
        daemons.remove_runtime(paths)


def up(say: Callable[[str], object] = print, paths: ClusterPaths = PATHS) -> bool:
    """Set up and start the cluster; False (and nothing changed) when it is already up."""
    require_root("up")
    running = daemons.running(paths)
    if all(running.values()):
        found = status(paths)
        say(
            f"the bench cluster is already up: node {found.node} {found.node_state or '(no answer)'}, "
            f"partition {PARTITION}; nothing changed"
        )
        return False
    if any(running.values()):
        alive = [name for name, found in running.items() if found]
        dead = [name for name, found in running.items() if not found]
        say(f"{', '.join(dead)} not running (but {', '.join(alive)} is): restarting the bench cluster")
        _stop_quietly(paths)
    require_free_ports()
    with created.recording(STATE_ROOT, RUN_ROOT, MANIFEST, paths.state, paths.run):  # for purge
        install(say)
        facts = machine.facts()
        prepare(facts, paths)
        ready_s = start(facts, paths)
    say(
        f"the bench cluster is up: node {facts.hostname} ({facts.cpus} CPUs, {facts.memory_mb} MB) idle "
        f"{ready_s:.1f} s after munged started; partition {PARTITION}"
    )
    say(f'config {paths.conf}; clients: eval "$(bench cluster env)"; stop: bench cluster down')
    return True


def _cancel_jobs(say: Callable[[str], object], paths: ClusterPaths) -> None:
    """Cancel the jobs still pending or running and wait until none holds the node."""
    queue = clients.jobs(paths) or []
    active = [job.job_id for job in queue if job.state in clients.ACTIVE_STATES]
    if not active:
        return
    clients.cancel(active, paths)
    deadline = time.monotonic() + CANCEL_TIMEOUT_S
    while time.monotonic() < deadline:
        left = [job for job in clients.jobs(paths) or [] if job.state in clients.ACTIVE_STATES]
        if not left:
            break
        time.sleep(0.5)
    say(f"cancelled {len(active)} job(s): {' '.join(active)}")


def down(say: Callable[[str], object] = print, paths: ClusterPaths = PATHS) -> bool:
    """Stop the cluster and remove its runtime files; False when nothing was running."""
    require_root("down")
    running = daemons.running(paths)
    if running["slurmctld"] is not None:
        _cancel_jobs(say, paths)
    try:
        stopped = daemons.stop_all(paths)
    finally:
        daemons.remove_runtime(paths)
    if not stopped:
        say("the bench cluster is not running; nothing to stop")
        return False
    say(
        f"stopped {', '.join(stopped)}; removed sockets, spool and pid files. Config and key stay in "
        f"{paths.state} (bench engine purge removes them)"
    )
    return True
