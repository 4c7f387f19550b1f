"""Several engines without an engine: their configs, endpoints, SSH set-up files, error lines and the lock."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from python_on_whales import DockerClient

from bench.composition import compose, composed
from bench.config import BenchConfig, EngineConfig
from bench.engine import daemon, fleet
from bench.errors import EngineError
from bench.machine import lock
from bench.services import ssh_server, sshd


def _compose(*overrides: str) -> BenchConfig:
    return compose(overrides)


def test_engine_options_compose_with_their_own_daemon_and_endpoint() -> None:
    ssh = _compose("engine=ssh-local").engine
    assert (ssh.host, ssh.ssh_port, ssh.owned, ssh.provisions_services) == (
        "ssh://root@bench-ssh-local",
        2222,
        True,
        False,
    )
    assert ssh.socket == "/run/bench/ssh-local/docker.sock" and ssh.run_dir == "/run/bench/ssh-local"
    classic = _compose("engine=overlay2").engine
    assert classic.image_store == "overlay2" and fleet.docker_endpoint(classic).startswith(
        "unix:///run/bench/ov"
    )
    shared = _compose("engine=context", "engine.context=build1").engine
    assert not shared.owned and not shared.started_by_bench
    assert shared.run_dir == "/run/bench/context-build1", (
        "a shared engine must not share the dedicated's lock"
    )


def test_the_slurm_launcher_composes_from_the_submitit_plugin() -> None:
    cfg = composed(
        ["hydra/launcher=bench_slurm", "hydra.launcher.partition=build"],
        return_hydra_config=True,
    )
    launcher = cfg.hydra.launcher
    assert launcher._target_.endswith("SlurmLauncher")
    assert (launcher.partition, launcher.tasks_per_node, launcher.timeout_min) == ("build", 1, 120)


def test_daemon_json_picks_the_image_store() -> None:
    containerd = daemon.daemon_json(EngineConfig())
    assert containerd["features"]["containerd-snapshotter"] is True and "storage-driver" not in containerd
    classic = daemon.daemon_json(EngineConfig(image_store="overlay2"))
    assert classic["features"]["containerd-snapshotter"] is False and classic["storage-driver"] == "overlay2"
    with pytest.raises(EngineError, match="image_store"):
        daemon.daemon_json(EngineConfig(image_store="zfs"))


@pytest.mark.parametrize(
    "host, message",
    [
        ("http://build1", "is not ssh://"),
        ("ssh://", "names no host"),
        ("tcp://build1:2376", "without TLS"),
    ],
)
def test_bad_hosts_are_refused_with_what_to_give(host: str, message: str) -> None:
    with pytest.raises(EngineError, match=message) as caught:
        fleet.check_host(host, None)
    assert caught.value.fix


def test_engine_add_creates_the_context_and_a_config_bench_can_compose(tmp_path: Path) -> None:
    name = "bench-unit-fleet-add"
    docker = DockerClient()
    try:
        path = fleet.add_engine(name, "ssh://builder@build1.invalid", conf_dir=tmp_path / "engine")
        contexts = {c.name: c for c in docker.context.list()}
        assert contexts[name].endpoints["docker"].host == "ssh://builder@build1.invalid"
        engine: EngineConfig = compose([f"hydra.searchpath=[file://{tmp_path}]", f"engine={name}"]).engine
        assert (engine.context, engine.owned, engine.started_by_bench) == (name, False, False)
        assert engine.run_dir == f"/run/bench/{name}"
        assert fleet.add_engine(name, "ssh://builder@build1.invalid", conf_dir=path.parent) == path
        with pytest.raises(EngineError, match="already exists"):
            fleet.add_engine(name, "ssh://other@build2.invalid", conf_dir=tmp_path / "x")
    finally:
        docker.context.remove(name, force=True)


def test_an_ssh_failure_becomes_one_line_naming_the_host_and_the_reason() -> None:
    text = (
        'error during connect: Get "http://docker.example.com/v1.50/info": command [ssh -o ConnectTimeout=30 '
        "-T -l root -- bench-ssh-local docker system dial-stdio] has exited with exit status 255, make sure "
        "the URL is valid, and Docker 18.09 or later is installed on the remote host: "
        "stderr=root@127.0.0.1: Permission denied (publickey).\n"
    )
    assert fleet.connection_error(text) == (
        "ssh to bench-ssh-local failed: root@127.0.0.1: Permission denied (publickey)."
    )
    assert fleet.connection_error("Cannot connect to the Docker daemon at unix:///x.sock") is None
    added = EngineConfig(name="b1", context="b1", host="ssh://me@b1", started_by_bench=False)
    assert "ssh non-interactively" in fleet.unreachable_fix(added)
    assert fleet.unreachable_fix(EngineConfig(name="ssh-local")) == "bench engine up engine=ssh-local"


def test_sshd_serves_the_engine_socket_with_bench_keys_only(tmp_path: Path) -> None:
    engine = EngineConfig(
        name="t", host="ssh://root@bench-t", ssh_port=2299, socket="/run/t.sock", state_dir=str(tmp_path)
    )
    config = ssh_server.sshd_config(engine)
    assert "Port 2299\nListenAddress 127.0.0.1\n" in config
    assert "SetEnv DOCKER_HOST=unix:///run/t.sock" in config
    assert (
        f"AuthorizedKeysFile {tmp_path}/ssh/authorized_keys" in config
        and "PasswordAuthentication no" in config
    )
    assert "PerSourcePenalties no" in config and "PerSourcePenalties" not in sshd.without_penalties(config)
    block = ssh_server.client_block(engine)
    assert "Host bench-t\n" in block and "BatchMode yes" in block and "StrictHostKeyChecking yes" in block


def test_the_client_block_is_rewritten_in_place_and_nothing_else_changes(tmp_path: Path) -> None:
    engine = EngineConfig(name="t", host="ssh://root@bench-t", ssh_port=2299, state_dir=str(tmp_path))
    config = tmp_path / "config"
    mine = "Host work\n    User me\n"
    config.write_text(mine)
    ssh_server.write_client_config(engine, config)
    ssh_server.write_client_config(replace(engine, ssh_port=2300), config)
    text, included = config.read_text(), ssh_server.client_path(engine).read_text()
    assert text.count("# >>> bench engine t") == 1 and f"Include {ssh_server.client_path(engine)}\n" in text
    assert "Port 2300" in included and "Port 2299" not in included
    assert text.startswith("# >>> bench engine t") and text.endswith(mine)
    assert ssh_server.without_block(text, engine) == mine


def test_a_second_run_on_a_locked_engine_is_refused_with_the_holder(tmp_path: Path) -> None:
    engine = EngineConfig(name="e", run_dir=str(tmp_path), lock_wait_s=0)
    said: list[str] = []
    with lock.engine_lock(engine, "first-run", say=said.append):
        with (
            pytest.raises(EngineError, match="busy: run first-run") as caught,
            lock.engine_lock(engine, "second-run", say=said.append),
        ):
            pytest.fail("two runs held one engine's lock")
        assert "concurrent_runs=true" in caught.value.fix
    with lock.engine_lock(engine, "third-run", say=said.append):
        pass  # released: the next run gets it
    assert said == []


def test_a_second_run_waits_for_the_first_and_says_so(tmp_path: Path) -> None:
    engine = EngineConfig(name="e", run_dir=str(tmp_path), lock_wait_s=30)
    said: list[str] = []
    order: list[str] = []
    held = threading.Event()

    def first() -> None:
        with lock.engine_lock(engine, "first-run", say=said.append):
            held.set()
            time.sleep(0.6)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(5)
    with lock.engine_lock(engine, "second-run", say=said.append, poll_s=0.05):
        order.append("second started")
    thread.join()
    assert order == ["first done", "second started"]
    assert len(said) == 1 and "is busy: run first-run" in said[0] and "waiting up to 30 s" in said[0]


def test_concurrent_runs_when_asked(tmp_path: Path) -> None:
    engine = EngineConfig(name="e", run_dir=str(tmp_path), lock_wait_s=0, concurrent_runs=True)
    said: list[str] = []
    with lock.engine_lock(engine, "a", say=said.append), lock.engine_lock(engine, "b", say=said.append):
        pass
    assert len(said) == 2 and "concurrent runs allowed" in said[0]


def test_cells_the_classic_store_cannot_build_are_unsupported_with_the_reason() -> None:
    from bench.plan import Cell, Measurement
    from bench.run.capabilities import engine_lacks
    from bench.vocabulary import BuilderName, CacheSource, ChangeKind

    def m(builder: BuilderName, cache: CacheSource, platform: str = "native") -> Measurement:
        cell = Cell("tiny", builder, cache, ChangeKind.none, platform)
        return Measurement(cell=cell, seq=0, round=0, repetition=0, warmup=False)

    classic, containerd = engine_lacks({"containerd_image_store": False}), engine_lacks({})
    reason = classic(m(BuilderName.buildkit, CacheSource.registry_max))
    assert reason is not None and "registry-max exports a cache" in reason and "classic image store" in reason
    assert "multi-platform" in (
        classic(m(BuilderName.buildkit, CacheSource.none, "linux/amd64,linux/arm64")) or ""
    )
    assert classic(m(BuilderName.buildkit, CacheSource.inline)) is None
    assert classic(m(BuilderName.legacy, CacheSource.none)) is None
    assert containerd(m(BuilderName.buildkit, CacheSource.registry_max)) is None
