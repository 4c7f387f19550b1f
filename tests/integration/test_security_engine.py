"""What bench exposes on the machine, checked on the real engine: a root-only engine socket, servers on the
loopback address only (asserted on the sockets of the process bench recorded, not on the config), private
secret directories and files, and an owned engine that no DOCKER_HOST, DOCKER_CONTEXT or `docker context
use` can redirect: bench's calls name the engine's context.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import psutil
import pytest
from engine_setup import compose_config
from python_on_whales import DockerClient

from bench.config import EngineConfig
from bench.engine import daemon, probe
from bench.engine.fleet import context_endpoint
from bench.host.layout import DOCKER_CONFIG
from bench.machine import process_identity
from bench.machine.lock import engine_lock
from bench.secrets import server
from bench.secrets.ssh_keys import RunKeys
from bench.secrets.token import RunToken
from bench.services import package_index, registry

pytestmark = pytest.mark.engine
LOOPBACK = "127.0.0.1"


@pytest.fixture(scope="module")
def engine() -> EngineConfig:
    config = compose_config().engine
    if not daemon.responds(config) or not registry.reachable(config):
        pytest.skip("needs the engine and registry of `bench engine up`")
    return config


def _listening(pidfile: Path) -> list[tuple[str, int]]:
    """The addresses the process a pid file names listens on (TCP, IPv4 and IPv6)."""
    process = process_identity.process_of(pidfile)
    assert process is not None, f"{pidfile} names no live process bench started"
    return sorted(
        (c.laddr.ip, c.laddr.port)
        for c in process.net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    )


def _port(address: str) -> int:
    return int(address.rpartition(":")[2])


def test_the_engine_socket_is_root_only(engine: EngineConfig) -> None:
    info = os.stat(engine.socket)
    assert stat.S_ISSOCK(info.st_mode)
    assert (info.st_uid, info.st_gid) == (0, 0), "a docker group on the machine must not reach bench's engine"
    assert info.st_mode & 0o007 == 0, f"mode {oct(info.st_mode & 0o777)}: others can reach the engine"
    assert daemon.daemon_json(engine)["group"] == "root"  # so on a machine with a `docker` group too


def test_the_registry_listens_on_loopback_only(engine: EngineConfig) -> None:
    listening = _listening(Path(engine.run_dir) / "registry.pid")
    assert listening == [(LOOPBACK, _port(engine.registry))]


def test_the_package_index_listens_on_loopback_only(engine: EngineConfig, tmp_path: Path) -> None:
    pidfile = Path(engine.run_dir) / "package-index.pid"
    if process_identity.process_of(pidfile) is not None:
        assert _listening(pidfile) == [(LOOPBACK, _port(engine.package_index))]
        return
    # not started by this engine's set-up: started here the way set-up starts it, on a free port
    index = replace(
        engine,
        run_dir=str(tmp_path),
        state_dir=str(tmp_path),
        package_index=server.free_address(engine.package_index.rpartition(":")[0]),
    )
    (package_index.index_root(index) / "simple").mkdir(parents=True)
    assert package_index.start(index)
    try:
        assert _listening(tmp_path / "package-index.pid") == [(LOOPBACK, _port(index.package_index))]
    finally:
        package_index.stop(index)


def test_the_token_server_listens_on_loopback_only(engine: EngineConfig, tmp_path: Path) -> None:
    token = RunToken()
    address = server.start(engine.token_server, token.path, str(tmp_path), fallback=True)
    try:
        assert address.startswith(f"{LOOPBACK}:")
        assert _listening(tmp_path / f"{server.NAME}.pid") == [(LOOPBACK, _port(address))]
    finally:
        server.stop(address, str(tmp_path))
        token.remove()


def _private(directory: Path) -> None:
    assert directory.stat().st_mode & 0o777 == 0o700
    files = [p for p in directory.iterdir() if p.is_file()]
    assert files
    for path in files:
        assert path.stat().st_mode & 0o777 == 0o600, f"{path.name}: {oct(path.stat().st_mode & 0o777)}"


def test_a_run_token_is_private() -> None:
    token = RunToken()
    try:
        _private(token.directory)
    finally:
        token.remove()
    assert not token.directory.exists()


def test_a_runs_ssh_keys_are_private() -> None:
    keys = RunKeys()
    try:
        _private(keys.directory)
    finally:
        keys.remove()


@pytest.fixture
def hostile_client_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """What a user's shell might hold: DOCKER_HOST and DOCKER_CONTEXT elsewhere, and (in a copy of bench's
    client config, so that the real one is untouched) a current context `decoy` that points elsewhere."""
    decoy_socket = f"unix://{tmp_path}/not-bench.sock"
    config = tmp_path / "docker-config"
    shutil.copytree(DOCKER_CONFIG, config, ignore=shutil.ignore_patterns("*.lock"))
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    DockerClient().context.create("decoy", docker={"host": decoy_socket})
    DockerClient().context.use("decoy")
    monkeypatch.setenv("DOCKER_HOST", decoy_socket)
    monkeypatch.setenv("DOCKER_CONTEXT", "decoy")
    yield


def test_an_owned_engine_is_reached_through_its_context_whatever_the_shell_says(
    engine: EngineConfig, hostile_client_settings: None
) -> None:
    real = DockerClient(host=f"unix://{engine.socket}")
    assert daemon.client(engine).system.info().id == real.system.info().id
    assert probe.preflight(engine) is None
    assert context_endpoint(engine) == f"unix://{engine.socket}"


def test_a_build_goes_to_the_owned_engine_whatever_the_shell_says(
    engine: EngineConfig, hostile_client_settings: None, tmp_path: Path
) -> None:
    """The buildx plugin too: the argv bench builds with (`--context`, `--builder`) reaches the engine."""
    context = tmp_path / "context"
    context.mkdir()
    (context / "Dockerfile").write_text("FROM scratch\nCOPY probe /probe\n")
    (context / "probe").write_text("bench security probe\n")
    tag = "bench-run/security-probe:1"
    with engine_lock(engine, "tests/integration/test_security_engine.py", say=print):
        built = subprocess.run(
            ["docker", "--context", engine.context, "buildx", "build", "--builder", engine.context,
             "--load", "--tag", tag, str(context)],
            capture_output=True,
            text=True,
            timeout=300,
        )  # fmt: skip
        real = DockerClient(host=f"unix://{engine.socket}")
        try:
            assert built.returncode == 0, built.stderr[-2000:]
            assert real.image.exists(tag)
        finally:
            if real.image.exists(tag):
                real.image.remove(tag, force=True)
