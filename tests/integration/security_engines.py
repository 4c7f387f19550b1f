"""Engines of the security tests' own (issue 21, items 5 to 8), so that code that empties or stops the wrong
engine can only hit an engine the test made, never the machine's default one or a user's:

- `bench_started(name)`: a dockerd bench starts itself (bench/engine/daemon.py), with its own socket, data
  root and docker context, as `bench engine up` would start an extra engine (without the host set-up);
  `overrides` are the Hydra overrides that name it on a bench command line.
- `foreign(name)`: a dockerd bench did NOT start: the test runs `dockerd` itself on a data root in a
  temporary directory and points a docker context at it, as a user's own engine is.

Both are stopped and their directories deleted at the end, whatever the test did.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException

from bench.composition import compose
from bench.config import EngineConfig
from bench.engine import cgroup, daemon
from bench.host import mounts

BENCH = str(Path(sys.executable).with_name("bench"))


@dataclass(frozen=True)
class OwnEngine:
    context: str
    docker: DockerClient
    overrides: tuple[str, ...]  # what names it on a bench command line
    config: EngineConfig | None = None


def image(docker: DockerClient, tag: str) -> str:
    """Make an image `tag` in the engine without a network or a build: `docker import` of a one-file tar."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        content = tag.encode()
        info = tarfile.TarInfo("made-by-the-test")
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    with tempfile.NamedTemporaryFile(suffix=".tar") as file:
        file.write(data.getvalue())
        file.flush()
        return str(docker.image.import_(file.name, tag).id)


def tags(docker: DockerClient) -> set[str]:
    return {tag for found in docker.image.list() for tag in found.repo_tags}


def bench(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BENCH, *args], capture_output=True, text=True, timeout=600, cwd=cwd, env=env, check=False
    )


def _context(name: str, socket: Path | str) -> None:
    with contextlib.suppress(DockerException):
        DockerClient().context.remove(name, force=True)
    DockerClient().context.create(name, docker={"host": f"unix://{socket}"}, description="a security test's")


@contextlib.contextmanager
def bench_started(name: str) -> Iterator[OwnEngine]:
    overrides = (
        "engine=overlay2",
        f"engine.name={name}",
        f"engine.context=bench-{name}",
        f"engine.socket=/run/bench/{name}/docker.sock",
        f"engine.state_dir=/var/lib/bench/{name}",
        f"engine.run_dir=/run/bench/{name}",
        "engine.image_store=containerd",
    )
    engine = compose(list(overrides)).engine
    try:
        daemon.start(engine)
        yield OwnEngine(engine.context, daemon.client(engine), overrides, engine)
    finally:
        daemon.stop(engine)
        cgroup.remove(engine)
        with contextlib.suppress(DockerException):
            DockerClient().context.remove(engine.context, force=True)
        for directory in (Path(engine.state_dir), Path(engine.run_dir)):
            if not mounts.unmount_all(directory):
                shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def foreign(name: str) -> Iterator[OwnEngine]:
    root = Path(tempfile.mkdtemp(prefix="bsec-", dir="/tmp"))  # short: the socket path has a limit
    socket = root / "docker.sock"
    (root / "daemon.json").write_text(json.dumps({"features": {"containerd-snapshotter": True}}))
    argv = [
        "dockerd",
        "--config-file", str(root / "daemon.json"),
        "--data-root", str(root / "data"),
        "--exec-root", str(root / "exec"),
        "--pidfile", str(root / "dockerd.pid"),
        "--host", f"unix://{socket}",
        "--bridge", "none",
        "--iptables=false",
        "--ip6tables=false",
    ]  # fmt: skip
    with (root / "dockerd.log").open("ab") as log:
        started = subprocess.Popen(
            argv, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True
        )
    try:
        docker = DockerClient(host=f"unix://{socket}")
        deadline = time.monotonic() + 60
        while not _answers(docker):
            assert started.poll() is None and time.monotonic() < deadline, (root / "dockerd.log").read_text()
            time.sleep(0.3)
        _context(name, socket)
        yield OwnEngine(name, DockerClient(context=name), ("engine=context", f"engine.context={name}"))
    finally:
        with contextlib.suppress(DockerException):
            DockerClient().context.remove(name, force=True)
        _stop(started)
        mounts.unmount_all(root)
        shutil.rmtree(root, ignore_errors=True)


def _answers(docker: DockerClient) -> bool:
    try:
        return bool(docker.system.info().server_version)
    except DockerException:
        return False


def _stop(started: subprocess.Popen) -> None:
    try:
        helpers = psutil.Process(started.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        helpers = []
    started.terminate()
    try:
        started.wait(timeout=30)
    except subprocess.TimeoutExpired:
        started.kill()
        started.wait(timeout=10)
    for helper in helpers:
        with contextlib.suppress(psutil.NoSuchProcess):
            helper.kill()
