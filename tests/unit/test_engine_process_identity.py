"""Pid files are checked by name and start time before any signal: real short-lived processes, no mocks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from bench.errors import EngineError
from bench.machine import process_identity

IGNORES_SIGTERM = (
    "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(60)"
)


@pytest.fixture
def spawn() -> Iterator:
    """Start processes for a test; kill whatever is left of them at teardown."""
    started: list[subprocess.Popen] = []

    def run(argv: list[str], wait_ready: bool = False) -> subprocess.Popen:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE if wait_ready else subprocess.DEVNULL)
        started.append(process)
        if wait_ready:
            assert process.stdout is not None and process.stdout.readline().strip() == b"ready"
        return process

    yield run
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


def _alive(process: subprocess.Popen) -> bool:
    return process.poll() is None


def test_a_recorded_process_is_stopped_and_its_files_removed(tmp_path: Path, spawn) -> None:
    sleeper = spawn(["sleep", "60"])
    pidfile = tmp_path / "registry.pid"
    identity = process_identity.record(pidfile, sleeper.pid)
    assert identity is not None and identity.name == "sleep" and identity.pid == sleeper.pid
    assert pidfile.read_text().strip() == str(sleeper.pid)
    assert process_identity.stop(pidfile, "registry") is True
    assert not _alive(sleeper), "stop returned before the process had exited"
    assert not pidfile.exists() and not process_identity.identity_file(pidfile).exists()
    assert process_identity.stop(pidfile, "registry") is False


def test_a_pid_now_held_by_another_process_is_never_signalled(tmp_path: Path, spawn) -> None:
    """The recorded process started earlier than the one that has its pid now: the pid was reused."""
    bystander = spawn(["sleep", "60"])
    pidfile = tmp_path / "registry.pid"
    pidfile.write_text(str(bystander.pid))
    started = psutil.Process(bystander.pid).create_time()
    for recorded in (
        {"pid": bystander.pid, "name": "sleep", "create_time": started - 3600},
        {"pid": bystander.pid, "name": "registry", "create_time": started},
    ):
        process_identity.identity_file(pidfile).write_text(json.dumps(recorded))
        assert process_identity.process_of(pidfile) is None
    assert process_identity.stop(pidfile, "registry") is False
    time.sleep(0.2)
    assert _alive(bystander), "a process bench did not start was signalled"
    assert not pidfile.exists(), "a stale pid file is removed"


def test_a_pid_file_without_identity_is_checked_by_name_and_age(tmp_path: Path, spawn) -> None:
    """dockerd writes its own pid file: the process must be named so and be no younger than the file."""
    other = spawn(["sleep", "60"])
    pidfile = tmp_path / "dockerd.pid"
    pidfile.write_text(f"{other.pid}\n")
    assert process_identity.process_of(pidfile, "dockerd") is None, "another program's name"
    assert process_identity.process_of(pidfile, "sleep") is not None
    an_hour_ago = time.time() - 3600
    os.utime(pidfile, (an_hour_ago, an_hour_ago))
    assert process_identity.process_of(pidfile, "sleep") is None, "started after the pid file was written"
    assert process_identity.stop(pidfile, "dockerd", name="sleep") is False
    assert _alive(other) and not pidfile.exists()


@pytest.mark.parametrize("content", ["", "not a pid", "999999999"])
def test_an_unreadable_or_dead_pid_file_is_stale(tmp_path: Path, content: str) -> None:
    pidfile = tmp_path / "sshd.pid"
    pidfile.write_text(content)
    assert process_identity.stop(pidfile, "sshd") is False and not pidfile.exists()


def test_an_exited_but_unreaped_process_counts_as_gone(tmp_path: Path, spawn) -> None:
    quick = spawn(["true"])
    pidfile = tmp_path / "agent.pid"
    process_identity.record(pidfile, quick.pid)
    deadline = time.monotonic() + 5
    while psutil.Process(quick.pid).status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process_identity.process_of(pidfile) is None


def test_a_process_that_ignores_sigterm_is_killed(tmp_path: Path, spawn) -> None:
    stubborn = spawn([sys.executable, "-c", IGNORES_SIGTERM], wait_ready=True)
    pidfile = tmp_path / "server.pid"
    process_identity.record(pidfile, stubborn.pid)
    assert process_identity.stop(pidfile, "server", timeout_s=0.5) is True
    assert not _alive(stubborn), "SIGKILL follows a SIGTERM that was ignored"


def test_a_process_that_survives_sigkill_is_an_error_with_a_fix(spawn, monkeypatch) -> None:
    """A process stuck in the kernel (state D) outlives SIGKILL; bench must say so, not report success."""
    sleeper = spawn(["sleep", "60"])
    monkeypatch.setattr(process_identity, "_exited", lambda process, timeout_s: False)
    with pytest.raises(EngineError, match="still running after SIGTERM and SIGKILL") as caught:
        process_identity.stop_process(psutil.Process(sleeper.pid), "dockerd", 0.1)
    assert caught.value.fix and str(sleeper.pid) in caught.value.fix


def test_a_process_of_another_root_is_never_ours(tmp_path) -> None:
    """Seen from a chroot the machine's own daemons have the same names and pid-file paths; the root
    directory tells them apart (needs root, as bench does)."""
    from bench.machine.process_identity import shares_our_root

    script = "import os, sys, time; os.chroot(sys.argv[1]); print('in', flush=True); time.sleep(30)"
    jailed = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE)
    plain = subprocess.Popen(
        [sys.executable, "-c", "import time; print('in', flush=True); time.sleep(30)"], stdout=subprocess.PIPE
    )
    try:
        assert jailed.stdout.readline().strip() == b"in" and plain.stdout.readline().strip() == b"in"
        assert not shares_our_root(jailed.pid)
        assert shares_our_root(plain.pid)
    finally:
        for child in (jailed, plain):
            child.kill()
            child.wait()
