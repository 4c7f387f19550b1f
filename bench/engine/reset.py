"""Puts an engine in a named start state before a measurement, outside the timed span.

`cold` on an owned engine: no images, no build cache, no containerd content, snapshots or leases; base
images are then pulled from the local registry by the build itself, as on a fresh CI runner. Prune first;
remove the leases that keep pulled blobs alive; if anything is still left, wipe the data root and restart
the daemon (the sure way). On an engine the harness does not own it removes only the run's own images
(bench/engine/own_images.py).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from pathlib import Path

from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException

from bench.config import EngineConfig
from bench.engine import adoption, contents, daemon
from bench.engine.contents import EngineContents
from bench.engine.own_images import RunImages
from bench.errors import EngineError


def remove_own_images(docker: DockerClient, run: RunImages) -> list[str]:
    """Remove only the images this run named (`<prefix>/<run>/...`); safe on any engine, shared or not."""
    return run.remove(docker)


def _prune_owned(docker: DockerClient, engine: EngineConfig, containerd: bool = True) -> None:
    containers = docker.container.list(all=True)
    if containers:
        docker.container.remove(containers, force=True, volumes=True)
    images = docker.image.list(all=True)
    if images:
        # an image may already be gone with its parent; the prune below sweeps the rest
        with contextlib.suppress(DockerException):
            docker.image.remove(images, force=True)
    docker.image.prune(all=True)
    docker.buildx.prune(all=True)
    if not containerd:
        return
    socket = daemon.containerd_socket(engine)
    for lease in contents.lease_ids(socket):
        subprocess.run(
            ["ctr", "--address", socket, "-n", contents.NAMESPACE, "leases", "rm", lease],
            capture_output=True,
            check=False,
        )


def wipe(engine: EngineConfig) -> None:
    """Stop the dedicated daemon, delete its data root, start it again: nothing survives this."""
    if not engine.owned or not engine.started_by_bench:
        raise EngineError(
            f"refusing to wipe engine {engine.name!r}: bench did not start it",
            "empty it by hand, or use an engine bench starts: engine=dedicated",
        )
    adoption.prove(engine, daemon.client(engine))  # bench's own dockerd is what the data root belongs to
    with daemon.exclusive(engine):  # no `bench engine up` starts it again while its data root goes
        daemon.stop(engine)
        alive = daemon.process(engine)
        if alive is not None:  # deleting a live daemon's data root corrupts what it is writing
            raise EngineError(
                f"refusing to wipe engine {engine.name!r}: its dockerd (pid {alive.pid}) is still running",
                fix=f"bench engine down engine={engine.name}, then check `ps -p {alive.pid}`",
            )
        shutil.rmtree(Path(engine.state_dir) / "data", ignore_errors=True)
        daemon.start(engine)


def make_cold(
    docker: DockerClient,
    engine: EngineConfig,
    run: RunImages | None,
    tag_prefix: str = adoption.DEFAULT_PREFIX,
) -> EngineContents:
    """Empty the engine as far as the harness may; returns what it still holds (measured, not assumed).
    On an engine bench does not own that is the images of `run` only (None: nothing); an engine declared
    owned is emptied only once bench/engine/adoption.py proves it is (NotOwned otherwise), every time."""
    if not engine.owned:
        if run is not None:
            remove_own_images(docker, run)
        return contents.measure(docker, None)
    adoption.prove(engine, docker, run.prefix if run is not None else tag_prefix)
    if not engine.started_by_bench:
        # owned but reached through a context (bench engine add): prune through the API; its containerd
        # and data root are on another machine, so what they still hold is not measured here
        _prune_owned(docker, engine, containerd=False)
        return contents.measure(docker, None)
    socket = daemon.containerd_socket(engine)
    _prune_owned(docker, engine)
    held = contents.measure(docker, socket)
    if held.empty:
        return held
    time.sleep(0.5)  # containerd's garbage collector runs after lease removal; give it one beat
    held = contents.measure(docker, socket)
    if held.empty:
        return held
    wipe(engine)
    return contents.measure(docker, socket)
