"""`bench engine up|down|status`: everything the dedicated engine needs, in order, idempotently.

up: Debian packages -> QEMU binfmt -> dedicated dockerd + docker context -> local registry -> base images
(and their `-variant` tags, for change=base) -> package index (wheels for scenarios/pydeps).
"""

from __future__ import annotations

from bench.config import EngineConfig
from bench.engine import base_images, base_variants, binfmt, daemon, package_index, packages, registry
from bench.engine.errors import EngineError


def up(engine: EngineConfig, say=print) -> None:
    if not engine.owned:
        raise EngineError(
            f"engine {engine.name!r} is not owned by bench; `bench engine up` sets up only the "
            "dedicated engine",
            fix="bench engine up engine=dedicated",
        )
    installed = packages.install_packages(say)
    if installed:
        say(f"installed: {' '.join(installed)}")
    binfmt.register()
    if daemon.start(engine):
        say(f"started dockerd on {engine.socket} (context {engine.context!r})")
    elif binfmt.emulators() and not _daemon_sees_emulators(engine):
        say("restarting dockerd so that BuildKit lists the emulated platforms")
        daemon.stop(engine)
        daemon.start(engine)
    if registry.start(engine):
        say(f"started registry on {engine.registry}")
    pushed = base_images.seed(engine, daemon.client(engine), say)
    pushed += base_variants.seed(engine, daemon.client(engine), say)
    for ref in pushed:
        say(f"pushed base image {ref}")
    package_index.download(engine, say)
    if package_index.start(engine):
        say(f"started package index on {engine.package_index}")
    say(f"engine {engine.name!r} is up: context {engine.context!r}, registry {engine.registry}")


def _daemon_sees_emulators(engine: EngineConfig) -> bool:
    nodes = daemon.client(engine).buildx.inspect().nodes or []
    return any(p.startswith("linux/arm64") for p in (nodes[0].platforms if nodes else []))


def reset_cold(engine: EngineConfig, say=print) -> None:
    """Empty the owned engine as a cold measurement starts; for replaying a row outside the harness."""
    from bench.engine.reset import make_cold

    if not engine.owned:
        raise EngineError(f"engine {engine.name!r} is not owned by bench; it will not be emptied")
    held = make_cold(daemon.client(engine), engine, tag_prefix="")
    if not held.empty:
        raise EngineError(f"engine still holds content after the reset: {held}")


def down(engine: EngineConfig, say=print) -> None:
    if not engine.owned:
        raise EngineError(f"engine {engine.name!r} is not owned by bench; it will not be stopped")
    say("stopped dockerd" if daemon.stop(engine) else "dockerd was not running")
    say("stopped registry" if registry.stop(engine) else "registry was not started by bench")
    say("stopped package index" if package_index.stop(engine) else "package index was not started by bench")
