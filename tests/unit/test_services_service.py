"""Background servers: started with a recorded identity, stopped only while they are still that process."""

from __future__ import annotations

import json
import time
from pathlib import Path

import psutil
import pytest

from bench.errors import EngineError
from bench.machine import process_identity
from bench.services import service


def test_a_started_server_is_recorded_and_stopped(tmp_path: Path) -> None:
    service.start("registry", ["sleep", "60"], str(tmp_path), lambda: True, "registry")
    recorded = json.loads((tmp_path / "registry.pid.json").read_text())
    assert recorded["name"] == "sleep"
    server = psutil.Process(recorded["pid"])
    assert service.stop("registry", str(tmp_path)) is True
    assert not server.is_running() or server.status() == psutil.STATUS_ZOMBIE
    assert not (tmp_path / "registry.pid").exists() and service.stop("registry", str(tmp_path)) is False


def test_a_server_whose_pid_went_to_another_process_is_left_alone(tmp_path: Path) -> None:
    service.start("index", ["sleep", "60"], str(tmp_path), lambda: True, "package index")
    pidfile = tmp_path / "index.pid"
    recorded = json.loads(process_identity.identity_file(pidfile).read_text())
    # as if the recorded server had exited long ago and its pid now belonged to a later process
    recorded["create_time"] -= 3600
    process_identity.identity_file(pidfile).write_text(json.dumps(recorded))
    other = psutil.Process(recorded["pid"])
    try:
        assert service.stop("index", str(tmp_path)) is False
        time.sleep(0.2)
        assert other.is_running() and other.status() != psutil.STATUS_ZOMBIE
        assert not pidfile.exists()
    finally:
        other.kill()
        other.wait(5)


def test_a_server_that_exits_at_start_is_reported_at_once_with_its_last_words(tmp_path: Path) -> None:
    (tmp_path / "broken.log").write_text("an earlier start's line\n")
    argv = ["sh", "-c", "echo 'listen tcp 127.0.0.1:5000: bind: address already in use' >&2; exit 3"]
    began = time.monotonic()
    with pytest.raises(EngineError) as raised:
        service.start("broken", argv, str(tmp_path), lambda: False, "the registry", timeout_s=20)
    assert time.monotonic() - began < 5  # not the whole timeout
    assert str(raised.value) == (
        "the registry exited at start (exit 3): listen tcp 127.0.0.1:5000: bind: address already in use"
    )
    assert raised.value.fix == f"read {tmp_path}/broken.log"
    assert not (tmp_path / "broken.pid").exists()


def test_a_server_that_exits_saying_nothing_is_not_given_an_earlier_start_s_words(tmp_path: Path) -> None:
    (tmp_path / "quiet.log").write_text("an earlier start's line\n")
    with pytest.raises(EngineError, match=r"exited at start \(exit 1\): it printed nothing$"):
        service.start("quiet", ["false"], str(tmp_path), lambda: False, "the index", timeout_s=20)
