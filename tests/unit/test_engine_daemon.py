"""dockerd's stop and the wipe after it, against a stand-in `dockerd` (a real process of that name)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.config import EngineConfig
from bench.engine import daemon, reset
from bench.errors import EngineError

#: behaves as dockerd does for this purpose: writes its own pid file, runs until told to stop
STAND_IN = """\
#!{python}
import os, signal, sys, time
if "--ignore-sigterm" in sys.argv:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if "--no-pidfile" not in sys.argv:
    open(sys.argv[sys.argv.index("--pidfile") + 1], "w").write(str(os.getpid()))
print("ready", flush=True)
time.sleep(60)
"""


@pytest.fixture
def engine(tmp_path: Path) -> EngineConfig:
    return EngineConfig(name="unit", run_dir=str(tmp_path / "run"), state_dir=str(tmp_path / "state"))


@pytest.fixture
def dockerd(tmp_path: Path, engine: EngineConfig) -> Iterator:
    """Start a process named `dockerd` with this engine's config file on its command line."""
    program = tmp_path / "bin" / "dockerd"
    program.parent.mkdir()
    program.write_text(STAND_IN.format(python=sys.executable))
    program.chmod(0o755)
    Path(engine.run_dir).mkdir(parents=True)
    started: list[subprocess.Popen] = []

    def run(*flags: str) -> subprocess.Popen:
        argv = [str(program), "--config-file", f"{engine.run_dir}/daemon.json"]
        argv += ["--pidfile", f"{engine.run_dir}/dockerd.pid", *flags]
        process = subprocess.Popen(argv, stdout=subprocess.PIPE)
        started.append(process)
        assert process.stdout is not None and process.stdout.readline().strip() == b"ready"
        return process

    yield run
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_stop_waits_until_dockerd_has_exited(engine: EngineConfig, dockerd) -> None:
    process = dockerd()
    assert daemon.stop(engine) is True
    assert process.poll() is not None, "stop returned while dockerd was still running"
    assert daemon.stop(engine) is False


def test_a_dockerd_that_ignores_sigterm_is_killed_after_the_timeout(engine: EngineConfig, dockerd) -> None:
    process = dockerd("--ignore-sigterm")
    started = time.monotonic()
    assert daemon.stop(engine, timeout_s=0.5) is True
    assert process.poll() is not None and time.monotonic() - started < 10


def test_a_dockerd_whose_pid_file_was_lost_is_found_by_its_config_file(engine: EngineConfig, dockerd) -> None:
    process = dockerd("--no-pidfile")
    found = daemon.process(engine)
    assert found is not None and found.pid == process.pid
    assert daemon.stop(engine) is True and process.poll() is not None


def test_a_pid_file_naming_another_program_is_not_signalled(engine: EngineConfig, tmp_path: Path) -> None:
    bystander = subprocess.Popen(["sleep", "60"])
    try:
        Path(engine.run_dir).mkdir(parents=True)
        (Path(engine.run_dir) / "dockerd.pid").write_text(str(bystander.pid))
        assert daemon.stop(engine) is False
        time.sleep(0.2)
        assert bystander.poll() is None, "a process that is not dockerd was signalled"
        assert not (Path(engine.run_dir) / "dockerd.pid").exists()
    finally:
        bystander.kill()
        bystander.wait()


def test_wipe_refuses_while_the_daemon_lives(engine: EngineConfig, dockerd, monkeypatch) -> None:
    """Were stop to return while dockerd still runs, its data root must survive."""
    dockerd()
    data = Path(engine.state_dir) / "data"
    data.mkdir(parents=True)
    (data / "metadata.db").write_text("in use")
    monkeypatch.setattr(daemon, "stop", lambda engine, timeout_s=30.0: True)
    monkeypatch.setattr(reset.adoption, "prove", lambda *_a, **_k: None)  # the stand-in is no real dockerd
    with pytest.raises(EngineError, match="still running") as caught:
        reset.wipe(engine)
    assert caught.value.fix and (data / "metadata.db").exists()


def test_start_refuses_a_second_dockerd_beside_a_silent_one(engine: EngineConfig, dockerd) -> None:
    """The stand-in lives but never answers on the socket: starting another on the same data root would
    corrupt it, so start says so and names the pid instead."""
    hung = dockerd()
    engine.socket = f"{engine.run_dir}/docker.sock"  # nothing listens there
    with pytest.raises(EngineError) as raised:
        daemon.start(engine, timeout_s=1.0)
    assert f"pid {hung.pid}" in str(raised.value) and "bench engine down" in (raised.value.fix or "")
    assert hung.poll() is None  # left alone
    assert not (Path(engine.run_dir) / "dockerd.log").exists()  # no second dockerd was started
