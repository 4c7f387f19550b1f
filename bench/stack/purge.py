"""`bench engine purge`: take off the machine everything bench put there, and nothing else.

Stops every daemon and server bench started (each engine of conf/engine/ that bench starts, the bench
cluster's munged, slurmctld and slurmd), removes their cgroups, bench's contexts, the ~/.ssh/config blocks it
wrote, the binfmt entries it registered and the host packages the manifest says it installed; then deletes
exactly the paths the manifest records as created by bench (bench/host/created.py: the prefix, data roots,
registry storage, run directories, DOCKER_CONFIG...), never a directory because the config or the
environment names it: BENCH_STATE_ROOT=/data loses only what bench made under /data. A manifest another
user could have written is not obeyed, a recorded path that is now a symbolic link is not followed, and
nothing is deleted while something is still mounted under it.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.config import EngineConfig
from bench.errors import EngineError
from bench.host import binfmt, host_packages, manifest, mounts
from bench.host.layout import MANIFEST, RUN_ROOT, STATE_ROOT
from bench.secrets import leftovers


@dataclass
class PurgeReport:
    removed: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)


def plan(engines: list[EngineConfig]) -> list[str]:
    """What purge would remove, for the question it asks first."""
    from bench.cluster.layout import PATHS as CLUSTER

    record = manifest.read()
    lines = [f"stop bench's daemons and servers ({', '.join(e.name for e in engines)})"]
    if CLUSTER.conf.exists():
        lines.append("stop the bench cluster (bench cluster down: its jobs are cancelled)")
    distrust = _trusted_manifest(MANIFEST)
    recorded = [] if distrust else _recorded_paths(record)
    lines += [f"delete {path}" for path in recorded if os.path.lexists(path)]
    if distrust:
        lines.append(f"delete nothing: {distrust}")
    lines += [f"keep {path}: bench did not record creating it" for path in _unrecorded(engines, recorded)]
    if record["binfmt_entries"]:
        lines.append(f"unregister binfmt entries {', '.join(record['binfmt_entries'])}")
    present = sorted(set(record["host_packages"]) & host_packages.installed())
    if present:
        lines.append(f"remove host packages bench installed: {' '.join(present)}")
    return lines


def _recorded_paths(record: dict[str, list[str]]) -> list[Path]:
    """The paths set-up recorded as created (absolute, normalised, never `/`), a path inside another
    left out: it goes with it."""
    paths = {
        Path(p) for p in record["paths"] if os.path.isabs(p) and os.path.normpath(p) == p and p != os.sep
    }
    return sorted(p for p in paths if not any(p != o and p.is_relative_to(o) for o in paths))


def _unrecorded(engines: list[EngineConfig], recorded: list[Path]) -> list[Path]:
    """bench's usual directories that exist but that no record says bench created (set up by a bench older
    than the record, or there before): named, never deleted."""
    usual = {STATE_ROOT, RUN_ROOT}
    for engine in engines:
        usual.update({Path(engine.state_dir), Path(engine.run_dir), Path(engine.registry_dir)})
    return sorted(p for p in usual if p.exists() and not any(p == r or p.is_relative_to(r) for r in recorded))


def _trusted_manifest(path: Path) -> str | None:
    """Why the manifest at `path` may not say what to delete (None: it may): it and its directory must
    belong to root or to this user and be writable by nobody else, or anyone could list /etc in it."""
    for what in (path, path.parent):
        try:
            info = os.lstat(what)
        except FileNotFoundError:
            return None if what == path else f"{what} does not exist"
        if stat.S_ISLNK(info.st_mode):
            return f"{what} is a symbolic link"
        if info.st_uid not in (0, os.getuid()):
            return f"{what} belongs to uid {info.st_uid}, not to root"
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return f"{what} is writable by others (mode {stat.S_IMODE(info.st_mode):o}); remove it by hand"
    return None


def _remove_path(path: Path, report: PurgeReport) -> None:
    """Delete one recorded path, never through a symbolic link, never with a mount under it."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        report.left.append(f"{path}: now a symbolic link, not what bench created (not followed)")
        return
    if not stat.S_ISDIR(info.st_mode):
        path.unlink()
        report.removed.append(f"deleted {path}")
        return
    still = mounts.unmount_all(path)
    if still:
        report.left.append(f"{path}: still mounted at {', '.join(map(str, still))} (not deleted)")
        return
    shutil.rmtree(path)  # fd-based on Linux: a symbolic link inside is removed, never followed
    report.removed.append(f"deleted {path}")


def _remove_recorded(record: dict[str, list[str]], report: PurgeReport) -> None:
    """Exactly the paths the manifest records, the manifest itself last (a purge that left something can
    be run again)."""
    distrust = _trusted_manifest(MANIFEST)
    if distrust:
        report.left.append(f"every path: the manifest is not trusted: {distrust}")
        return
    recorded = _recorded_paths(record)
    for path in recorded:
        if path != MANIFEST:
            _remove_path(path, report)
    if MANIFEST in recorded and not report.left:
        _remove_path(MANIFEST, report)


def _stop(engine: EngineConfig, report: PurgeReport) -> None:
    from bench.engine import daemon
    from bench.services import package_index, registry, ssh_server

    steps: list[tuple[str, Callable[[], bool]]] = [("dockerd", lambda: daemon.stop(engine))]
    if engine.ssh_port is not None:
        steps.append(("sshd", lambda: ssh_server.stop(engine)))
    if engine.provisions_services:
        steps += [
            ("registry", lambda: registry.stop(engine)),
            ("package index", lambda: package_index.stop(engine)),
        ]
    for what, stop in steps:
        try:
            if stop():
                report.removed.append(f"stopped {what} of engine {engine.name!r}")
        except (EngineError, OSError) as error:
            report.left.append(f"{what} of engine {engine.name!r}: {error}")


def _stop_cluster(report: PurgeReport) -> None:
    """The bench cluster (bench/cluster/), as `bench cluster down` stops it (its jobs cancelled first),
    before its packages and directories go."""
    from bench.cluster import lifecycle
    from bench.cluster.layout import PATHS

    said: list[str] = []
    try:
        stopped = lifecycle.down(said.append, PATHS)
    except (EngineError, OSError) as error:
        report.left.append(f"the bench cluster: {error}")
        return
    if stopped:
        cancelled = [line for line in said if line.startswith("cancelled")]
        report.removed.append("; ".join(["stopped the bench cluster", *cancelled]))


def _cgroups(engine: EngineConfig, report: PurgeReport) -> None:
    """The engine's own cgroups (bench/engine/cgroup.py), once its dockerd has stopped."""
    from bench.engine import cgroup

    for removed in cgroup.remove(engine):
        report.removed.append(f"removed cgroup {removed}")


def _ssh_blocks(engines: list[EngineConfig], report: PurgeReport) -> None:
    from bench.services import ssh_server

    config = Path.home() / ".ssh" / "config"
    if ssh_server.remove_client_config(engines, config):  # byte for byte (issue 21, item 10)
        report.removed.append(f"bench's blocks in {config}")


def _user_contexts(engines: list[EngineConfig], report: PurgeReport) -> None:
    """Contexts that earlier versions of bench wrote into the user's ~/.docker (today they live in bench's
    own DOCKER_CONFIG, deleted with it): only those named as bench's engines and pointing at their socket."""
    from python_on_whales import DockerClient
    from python_on_whales.exceptions import DockerException

    user_config = Path.home() / ".docker"
    if not (user_config / "contexts").exists():
        return
    ours = {e.context: f"unix://{e.socket}" for e in engines}
    try:
        docker = DockerClient(config=str(user_config))
        for context in docker.context.list():
            if ours.get(context.name) == context.endpoints["docker"].host:
                docker.context.remove(context.name, force=True)
                report.removed.append(f"context {context.name!r} from {user_config}")
    except (DockerException, OSError) as error:
        report.left.append(f"contexts in {user_config}: {error}")


def purge(engines: list[EngineConfig], say: Callable[[str], object] = print) -> PurgeReport:
    report = PurgeReport()
    record = manifest.read()
    for engine in engines:
        _stop(engine, report)
        _cgroups(engine, report)
    stopped, not_stopped = leftovers.stop_and_sweep(engines)  # left by killed runs (issue 21, item 2)
    report.removed += stopped
    report.left += not_stopped
    _stop_cluster(report)
    _ssh_blocks([e for e in engines if e.ssh_port is not None], report)
    _user_contexts(engines, report)
    gone = binfmt.unregister(record["binfmt_entries"])
    if gone:
        report.removed.append(f"unregistered binfmt entries {', '.join(gone)}")
    try:
        removed = host_packages.remove(record["host_packages"], say)
    except EngineError as error:  # the manifest stays (its directory is kept) so a second purge can finish
        report.left.append(error.one_line())
        return report
    if removed:
        report.removed.append(f"removed host packages {' '.join(removed)}")
    _remove_recorded(record, report)
    for path in _unrecorded(engines, _recorded_paths(record)):
        report.left.append(f"{path}: bench did not record creating it (not deleted; remove it by hand)")
    return report
