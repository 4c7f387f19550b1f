"""The dedicated dockerd: its own data root, exec root, socket and docker context.

A dedicated daemon is what lets the harness wipe an engine to make a build truly cold without touching
the user's own engine (docs/install.md: two daemons with separate roots run side by side).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException

from bench.config import EngineConfig
from bench.engine import cgroup
from bench.errors import EngineError
from bench.host import mounts
from bench.host.setup_lock import setup_lock
from bench.machine import process_identity
from bench.services import log_rotation

IMAGE_STORES = ("containerd", "overlay2")
DOCKERD = "dockerd"


def daemon_json(engine: EngineConfig, cgroup_parent: str | None = None) -> dict:
    """dockerd settings: containerd image store (cache exporters need it) unless the engine asks for the
    classic overlay2 store, no bridge (no iptables here); `cgroup_parent` puts the containers of both
    builders inside the engine's own cgroup (bench/engine/cgroup.py)."""
    if engine.image_store not in IMAGE_STORES:
        raise EngineError(
            f"engine.image_store={engine.image_store!r} is not one of {', '.join(IMAGE_STORES)}",
            fix="engine.image_store=containerd",
        )
    return {
        "data-root": f"{engine.state_dir}/data",
        "exec-root": f"{engine.run_dir}/exec",
        "pidfile": f"{engine.run_dir}/dockerd.pid",
        "hosts": [f"unix://{engine.socket}"],
        "group": "root",  # the socket is root:root 0660, even where a `docker` group exists (its default)
        "bridge": "none",
        "iptables": False,
        "ip6tables": False,
        "features": {"containerd-snapshotter": engine.image_store == "containerd"},
        **({"storage-driver": "overlay2"} if engine.image_store == "overlay2" else {}),
        **({"cgroup-parent": cgroup_parent} if cgroup_parent else {}),
    }


def containerd_socket(engine: EngineConfig) -> str:
    """dockerd's managed containerd lives under its exec root."""
    return f"{engine.run_dir}/exec/containerd/containerd.sock"


@contextlib.contextmanager
def exclusive(engine: EngineConfig, say: Callable[[str], object] = print) -> Iterator[None]:
    """One start or stop of an engine's daemon at a time (`bench engine up|down`, a run's wipe): two at
    once would both find no dockerd and start two on one data root, or unmount what the other's new
    dockerd just mounted. The second waits, naming the holder; a killed holder's lock goes with it."""
    with setup_lock(say, Path(engine.run_dir) / "daemon.lock"):
        yield


def release_mounts(engine: EngineConfig) -> None:
    """Take down what a dockerd that died without shutting down left mounted (SIGKILL, OOM): BuildKit's
    executor root file systems under the data root, mounts under the exec root, and the data root bound
    onto itself. Called only while no dockerd of the engine runs. Left there, they outlive `bench engine
    down`, and the next dockerd, finding its data root already a mount, never removes that bind at its
    shutdown. A file system mounted at the data root itself (a disk of its own) stays."""
    data_root = Path(engine.state_dir) / "data"
    mounts.unmount_below(data_root)
    mounts.unmount_all(Path(engine.run_dir) / "exec")
    for _ in range(3):  # one bind per dockerd start that found none: at most a few, each on top
        if not mounts.bound_onto_itself(data_root):
            break
        mounts.unmount(data_root)


def _pidfile(engine: EngineConfig) -> Path:
    return Path(engine.run_dir) / "dockerd.pid"


def _config_file(engine: EngineConfig) -> str:
    return str(Path(engine.run_dir) / "daemon.json")


def process(engine: EngineConfig) -> psutil.Process | None:
    """The engine's live dockerd: the one its pid file names (checked by name and start time), else a
    dockerd whose command line names this engine's config file (a pid file lost or removed)."""
    found = process_identity.process_of(_pidfile(engine), DOCKERD)
    if found is not None:
        return found
    config = _config_file(engine)
    for candidate in psutil.process_iter(["name", "cmdline", "status"]):
        info = candidate.info
        if (
            info["name"] == DOCKERD
            and config in (info["cmdline"] or [])
            and info["status"] != "zombie"
            and process_identity.shares_our_root(candidate.pid)  # not the machine's, seen from a chroot
        ):
            return candidate
    return None


def _pid(engine: EngineConfig) -> int | None:
    found = process(engine)
    return None if found is None else found.pid


def client(engine: EngineConfig) -> DockerClient:
    """A client that targets the engine through its docker context, as a user's CLI would."""
    return DockerClient(context=engine.context)


def responds(engine: EngineConfig) -> bool:
    """The daemon answers on its socket. `docker info --format` exits 0 when no daemon answers (it prints
    the error and an empty server part), so the server's version is what tells."""
    try:
        return bool(DockerClient(host=f"unix://{engine.socket}").system.info().server_version)
    except DockerException:
        return False


def start(engine: EngineConfig, timeout_s: float = 60.0) -> bool:
    """Start the dedicated dockerd unless it already answers; returns True when it was started now."""
    if responds(engine):
        ensure_context(engine)
        return False
    running = process(engine)
    if running is not None:  # starting, or hung: a second dockerd on the same data root would corrupt it
        if _answers_within(engine, timeout_s):
            ensure_context(engine)
            return False
        raise EngineError(
            f"dockerd of engine {engine.name!r} (pid {running.pid}) runs but does not answer on "
            f"{engine.socket} within {timeout_s:.0f}s",
            fix=f"bench engine down engine={engine.name} (stops it, by force if need be), then up",
        )
    run_dir = Path(engine.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    Path(engine.state_dir).mkdir(parents=True, exist_ok=True)
    release_mounts(engine)  # those of a dockerd that was killed
    procs = cgroup.prepare(engine)  # its own cgroup: what each build cost (bench/engine/cost.py)
    config = run_dir / "daemon.json"
    parent = cgroup.container_parent(engine) if procs else None
    config.write_text(json.dumps(daemon_json(engine, parent), indent=2))
    log_rotation.rotate(run_dir / "dockerd.log")
    log = open(run_dir / "dockerd.log", "ab")  # noqa: SIM115 - handed to the daemon, which outlives us
    started = subprocess.Popen(
        ["dockerd", "--config-file", str(config)],
        stdout=log,
        stderr=log,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=cgroup.joiner(procs),  # only os calls, between fork and dockerd's exec
    )
    if _answers_within(engine, timeout_s, started):
        ensure_context(engine)
        return True
    lines = (run_dir / "dockerd.log").read_text(errors="replace").splitlines()
    failed = [line for line in lines if "failed to start daemon" in line]
    why = failed[-1] if failed else " | ".join(lines[-3:])
    state = "exited" if started.poll() is not None else f"did not answer within {timeout_s:.0f}s"
    raise EngineError(f"dockerd {state} ({engine.socket}): {why}", fix=f"read {run_dir}/dockerd.log")


def _answers_within(engine: EngineConfig, timeout_s: float, started: subprocess.Popen | None = None) -> bool:
    """Wait for the daemon to answer; gives up at once when the dockerd just started has exited."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if responds(engine):
            return True
        if started is not None and started.poll() is not None:
            return False
        time.sleep(0.5)
    return False


def ensure_context(engine: EngineConfig) -> None:
    """Create (or repoint) the docker context that names the dedicated engine."""
    docker = DockerClient()
    host = engine.host or f"unix://{engine.socket}"
    existing = {c.name: c for c in docker.context.list()}
    if engine.context in existing:
        if existing[engine.context].endpoints["docker"].host == host:
            return
        docker.context.remove(engine.context, force=True)
    docker.context.create(
        engine.context, docker={"host": host}, description="bench's dedicated engine (owned by the harness)"
    )


def stop(engine: EngineConfig, timeout_s: float = 30.0) -> bool:
    """Stop the dedicated dockerd (its containerd goes with it) and wait until it has exited: SIGTERM,
    then SIGKILL after `timeout_s`; raises when it still lives. False when it was not running."""
    found = process(engine)
    if found is None:
        process_identity.forget(_pidfile(engine))
        release_mounts(engine)
        return False
    try:
        helpers = found.children(recursive=True)  # its containerd, left running if dockerd is killed
    except psutil.NoSuchProcess:
        helpers = []
    process_identity.stop_process(found, f"dockerd of engine {engine.name!r}", timeout_s)
    for helper in helpers:
        process_identity.stop_process(helper, f"a process of engine {engine.name!r}'s dockerd", timeout_s)
    release_mounts(engine)
    return True
