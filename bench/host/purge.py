"""`bench engine purge`: take off the machine everything bench put there, and nothing else.

Stops every daemon and server bench started (each engine of conf/engine/ that bench starts, the bench
cluster's munged, slurmctld and slurmd), removes their cgroups, the prefix, data roots, registry storage,
run directories, bench's DOCKER_CONFIG and contexts, the ~/.ssh/config blocks it wrote, the binfmt entries
it registered and the host packages the manifest says it installed.
Nothing is deleted while something is still mounted under it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.config import EngineConfig
from bench.engine.errors import EngineError
from bench.host import binfmt, host_packages, manifest, mounts
from bench.host.layout import RUN_ROOT, STATE_ROOT


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
    lines += [f"delete {path}" for path in _roots(engines) if path.exists()]
    if record["binfmt_entries"]:
        lines.append(f"unregister binfmt entries {', '.join(record['binfmt_entries'])}")
    present = sorted(set(record["host_packages"]) & host_packages.installed())
    if present:
        lines.append(f"remove host packages bench installed: {' '.join(present)}")
    return lines


def _roots(engines: list[EngineConfig]) -> list[Path]:
    roots = {STATE_ROOT, RUN_ROOT}
    for engine in engines:
        roots.update({Path(engine.state_dir), Path(engine.run_dir), Path(engine.registry_dir)})
    # a root inside another is deleted with it
    return sorted(r for r in roots if not any(r != o and r.is_relative_to(o) for o in roots))


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
    if not config.exists():
        return
    old = config.read_text()
    new = old
    for engine in engines:
        new = ssh_server.without_block(new, engine)
    if new != old:
        config.write_text(new)
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
    for root in _roots(engines):
        if not root.exists():
            continue
        still = mounts.unmount_all(root)
        if still:
            report.left.append(f"{root}: still mounted at {', '.join(map(str, still))} (not deleted)")
            continue
        shutil.rmtree(root)
        report.removed.append(f"deleted {root}")
    return report
