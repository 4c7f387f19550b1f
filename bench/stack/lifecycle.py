"""`bench engine up|down|status`: everything the dedicated engine needs, in order, idempotently.

up: the host part (bench/host/setup.py: engine binaries in a private prefix, host packages, QEMU binfmt,
bench's docker client config) -> dedicated dockerd + docker context -> local registry. Base images and the
package index are made by the run that needs them (bench/bases/provision.py), or all ahead of time with
`--all` (`make test` uses it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bench.bases import images as base_images
from bench.bases import variants as base_variants
from bench.config import EngineConfig
from bench.engine import daemon
from bench.errors import EngineError
from bench.host import binfmt, created, layout
from bench.services import package_index, registry, ssh_server


def up(engine: EngineConfig, say: Callable[[str], object] = print, everything: bool = False) -> None:
    if not engine.owned:
        raise EngineError(
            f"engine {engine.name!r} is not owned by bench; `bench engine up` sets up only the "
            "dedicated engine",
            fix="bench engine up engine=dedicated",
        )
    if not engine.started_by_bench:
        raise EngineError(
            f"engine {engine.name!r} is reached through context {engine.context!r}; bench does not start it",
            fix=f"bench doctor engine={engine.name}",
        )
    with created.recording(*set_up_paths(engine)), daemon.exclusive(engine, say):
        _up(engine, say, everything)


def set_up_paths(engine: EngineConfig) -> list[Path]:
    """Every path `bench engine up` may create, recorded for purge when it does (bench/host/created.py)."""
    roots = [layout.STATE_ROOT, layout.RUN_ROOT, layout.MANIFEST, layout.SETUP_LOCK]
    host = [layout.PREFIX, layout.APT_DIR, layout.DOCKER_CONFIG]
    own = [engine.state_dir, engine.run_dir, *([engine.registry_dir] if engine.provisions_services else [])]
    return [*roots, *host, *map(Path, own)]


def _up(engine: EngineConfig, say: Callable[[str], object], everything: bool) -> None:
    from bench.host import setup

    setup.install(everything, ssh=engine.ssh_port is not None, say=say)
    if ssh_server.start(engine):
        say(f"started sshd on 127.0.0.1:{engine.ssh_port} for context {engine.context!r} ({engine.host})")
    if daemon.start(engine):
        say(f"started dockerd on {engine.socket} (context {engine.context!r})")
    elif binfmt.emulators() and not _daemon_sees_emulators(engine):
        say("restarting dockerd so that BuildKit lists the emulated platforms")
        daemon.stop(engine)
        daemon.start(engine)
    elif _outside_its_cgroup(engine):
        say(
            f"dockerd of engine {engine.name!r} runs outside its own cgroup (started by an older bench): "
            f"build costs are counted per process; for its cgroup: bench engine down engine={engine.name} "
            f"&& bench engine up engine={engine.name}"
        )
    if not engine.provisions_services:
        _check_shared_services(engine)
        say(f"engine {engine.name!r} is up: context {engine.context!r}, registry {engine.registry}")
        return
    if registry.start(engine):
        say(f"started registry on {engine.registry}")
    if everything:
        pushed = base_images.seed(engine, daemon.client(engine), say, why="--all")
        pushed += base_variants.seed(engine, daemon.client(engine), say)
        for ref in pushed:
            say(f"pushed base image {ref}")
        package_index.download(engine, say)
        if package_index.start(engine):
            say(f"started package index on {engine.package_index}")
    say(f"engine {engine.name!r} is up: context {engine.context!r}, registry {engine.registry}")


def _outside_its_cgroup(engine: EngineConfig) -> bool:
    """The running dockerd could have its cgroup (v1 hierarchies here) but is not in it."""
    from bench.engine import cgroup

    dockerd = daemon.process(engine)
    return (
        dockerd is not None
        and cgroup.hierarchies() is not None
        and cgroup.of_process(engine, dockerd.pid) is None
    )


def _daemon_sees_emulators(engine: EngineConfig) -> bool:
    nodes = daemon.client(engine).buildx.inspect().nodes or []
    return any(p.startswith("linux/arm64") for p in (nodes[0].platforms if nodes else []))


def _check_shared_services(engine: EngineConfig) -> None:
    """An extra engine uses the registry that the default engine's `bench engine up` started (base images
    are made there by the run that needs them)."""
    if not registry.reachable(engine):
        raise EngineError(
            f"engine {engine.name!r} uses the default engine's registry, and {engine.registry} does not "
            "answer",
            fix="bench engine up",
        )


def reset_cold(
    engine: EngineConfig, say: Callable[[str], object] = print, tag_prefix: str = "bench-run"
) -> None:
    """Empty the owned engine as a cold measurement starts; for replaying a row outside the harness. Owned
    is proven first (bench/engine/adoption.py); `tag_prefix` names the images bench's runs made."""
    from bench.engine.reset import make_cold

    if not engine.owned:
        raise EngineError(f"engine {engine.name!r} is not owned by bench; it will not be emptied")
    held = make_cold(daemon.client(engine), engine, run=None, tag_prefix=tag_prefix)
    if not held.empty:
        raise EngineError(f"engine still holds content after the reset: {held}")


def down(engine: EngineConfig, say: Callable[[str], object] = print) -> None:
    if not engine.owned or not engine.started_by_bench:
        raise EngineError(f"engine {engine.name!r} was not started by bench; it will not be stopped")
    with daemon.exclusive(engine, say):
        _down(engine, say)


def _down(engine: EngineConfig, say: Callable[[str], object]) -> None:
    say("stopped dockerd" if daemon.stop(engine) else "dockerd was not running")
    if engine.ssh_port is not None:
        say("stopped sshd" if ssh_server.stop(engine) else "sshd was not started by bench")
    if not engine.provisions_services:
        return
    say("stopped registry" if registry.stop(engine) else "registry was not started by bench")
    say("stopped package index" if package_index.stop(engine) else "package index was not started by bench")
