"""The machine lock (bench/machine/lock.py) against a real second user: a directory or lock file another
user prepared is refused with one line naming it and how to remove it, and nothing is touched, not even
the file a planted symlink points at. Issue 21, item 1.

The lock's location comes from BENCH_MACHINE_LOCK (never the machine's /run/lock/bench, which a real
run may hold); the "/run/lock" here is a sticky world-writable directory the test makes under /tmp.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.config import EngineConfig
from bench.machine import lock

pytestmark = pytest.mark.security
TINY = Path(__file__).parents[1] / "fixtures" / "scenarios" / "tiny"
BENCH = Path(sys.executable).with_name("bench")
SECRET = b"root:$y$j9T$not-a-real-hash:19700:0:99999:7:::\n"


@dataclass(frozen=True)
class OtherUser:
    name: str
    uid: int
    gid: int

    def run(self, script: str) -> None:
        """`sh -c script` as this user (umask 022, as a login shell's)."""
        subprocess.run(
            ["sh", "-c", f"umask 022; {script}"],
            user=self.uid,
            group=self.gid,
            extra_groups=[],
            check=True,
            capture_output=True,
        )


@pytest.fixture
def other_user() -> Iterator[OtherUser]:
    """A real local user made for the test (useradd) and removed after it (userdel)."""
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        pytest.skip("needs root and useradd")
    name = f"bsec{secrets.token_hex(4)}"
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", name],
        check=True,
        capture_output=True,
    )
    try:
        entry = pwd.getpwnam(name)
        yield OtherUser(name, entry.pw_uid, entry.pw_gid)
    finally:
        subprocess.run(["userdel", name], check=False, capture_output=True)


@pytest.fixture
def run_lock() -> Iterator[Path]:
    """A stand-in for /run/lock: root's, mode 1777 (anyone creates, only the owner removes)."""
    directory = Path(tempfile.mkdtemp(prefix="bench-security-lock-"))
    directory.chmod(0o1777)
    try:
        yield directory
    finally:
        shutil.rmtree(directory)


@pytest.fixture
def shadow(tmp_path: Path) -> Path:
    """A file standing for /etc/shadow: root's, 0640, with content (never a real system file)."""
    path = tmp_path / "shadow"
    path.write_bytes(SECRET)
    path.chmod(0o640)
    return path


def _state(path: Path) -> tuple[int, int, int, bytes]:
    info = path.stat()
    return info.st_mode, info.st_uid, info.st_nlink, path.read_bytes()


def _refused(path: Path, monkeypatch: pytest.MonkeyPatch) -> lock.EngineError:
    monkeypatch.setenv(lock.ENV, str(path))
    with (
        pytest.raises(lock.EngineError) as raised,
        lock.engine_lock(EngineConfig(name="overlay2"), "results/r1", say=lambda _t: None),
    ):
        pytest.fail("bench took a lock another user prepared")
    return raised.value


def test_a_directory_another_user_made_with_a_symlink_to_a_root_file_is_refused_untouched(
    other_user: OtherUser, run_lock: Path, shadow: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The escalation of the issue: /run/lock/bench/machine.lock -> /etc/shadow made before bench's first
    run. Today root followed the link, fchmod-ed the target 0666 and truncated it."""
    directory = run_lock / "bench"
    other_user.run(f"mkdir {directory} && ln -s {shadow} {directory}/machine.lock")
    before = _state(shadow)
    error = _refused(directory / "machine.lock", monkeypatch)
    assert str(directory) in str(error) and f"user {other_user.name!r}" in str(error)
    assert f"rm -r {directory}" in error.fix
    assert "\n" not in error.one_line()
    assert _state(shadow) == before, "the symlink's target was touched"
    assert os.readlink(directory / "machine.lock") == str(shadow)
    assert directory.stat().st_uid == other_user.uid


def test_bench_run_refuses_it_with_one_line_and_exit_2(
    other_user: OtherUser, run_lock: Path, shadow: Path, tmp_path: Path
) -> None:
    directory = run_lock / "bench"
    other_user.run(f"mkdir {directory} && ln -s {shadow} {directory}/machine.lock")
    before = _state(shadow)
    env = {**os.environ, lock.ENV: str(directory / "machine.lock")}
    args = [f"scenario.path={TINY}", "repetitions=1", "warmup=0", f"hydra.run.dir={tmp_path / 'run'}"]
    done = subprocess.run([str(BENCH), "run", *args], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    said = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(said) == 1 and said[0].startswith("bench: "), done.stderr
    assert str(directory) in said[0] and f"rm -r {directory}" in said[0]
    assert _state(shadow) == before


def test_a_symlink_planted_in_a_shared_sticky_directory_is_refused_by_name(
    other_user: OtherUser, run_lock: Path, shadow: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Earlier versions made /run/lock/bench root's and 1777: another user plants the link in it."""
    other_user.run(f"ln -s {shadow} {run_lock}/machine.lock")
    before = _state(shadow)
    error = _refused(run_lock / "machine.lock", monkeypatch)
    assert f"{run_lock}/machine.lock is a symlink" in str(error)
    assert f"rm {run_lock}/machine.lock" in error.fix
    assert _state(shadow) == before


def test_a_lock_file_another_user_owns_is_refused_it_would_let_them_hold_the_lock(
    other_user: OtherUser, run_lock: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other_user.run(f"echo '{{}}' > {run_lock}/machine.lock && chmod 666 {run_lock}/machine.lock")
    planted = run_lock / "machine.lock"
    before = _state(planted)
    error = _refused(planted, monkeypatch)
    assert f"{planted} belongs to user {other_user.name!r}" in str(error)
    assert f"rm {planted}" in error.fix
    assert _state(planted) == before


def test_a_directory_others_may_write_without_the_sticky_bit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "bench"
    directory.mkdir()
    directory.chmod(0o777)
    error = _refused(directory / "machine.lock", monkeypatch)
    assert f"{directory} is writable by other users" in str(error)
    assert not (directory / "machine.lock").exists()
    assert stat.S_IMODE(directory.stat().st_mode) == 0o777


def test_the_lock_bench_makes_is_root_s_and_never_world_writable(
    run_lock: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the running user's runs (root's) share the lock: nobody else may hold it forever."""
    path = run_lock / "bench" / "machine.lock"
    monkeypatch.setenv(lock.ENV, str(path))
    with lock.engine_lock(EngineConfig(name="overlay2"), "results/r2", say=lambda _t: None):
        assert lock.held() is not None
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o755
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.stat().st_uid == os.getuid() == path.parent.stat().st_uid


def test_the_mode_of_a_lock_file_bench_did_not_create_is_never_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "machine.lock"
    path.write_text("")
    path.chmod(0o600)
    monkeypatch.setenv(lock.ENV, str(path))
    with lock.engine_lock(EngineConfig(name="overlay2"), "results/r3", say=lambda _t: None):
        pass
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
