"""One run at a time per machine: an exclusive flock on /run/lock/bench/machine.lock held for the whole run.

Two runs building at once distort each other's timings: on one engine they share its CPU, disk and
BuildKit (and one run's cold reset would wipe what the other builds); on two engines of one machine they
still share its CPUs and disk. Hydra launchers (submitit) start sweep jobs in parallel, so the machine
itself must say no, whichever engines the jobs use: a second run waits for the first (saying so) up to
`engine.lock_wait_s`, then gives up with one line. `engine.concurrent_runs=true` skips the lock. The kernel
drops a flock when its holder dies, so a killed run never leaves the machine locked. A SLURM job does not
wait at all: it holds an allocation (the whole node, conf/hydra/launcher/bench_slurm.yaml) that a wait
would waste, so it fails at once naming the holder, and `bench sweep --rerun` runs it again later.

The lock lives in /run/lock/bench (or /var/lock/bench; where neither parent exists, in the temporary
directory as `bench-lock-UID/`). BENCH_MACHINE_LOCK names another file (tests: their own, never the
machine's). /run/lock is world-writable, so any local user may have made that directory or planted a
`machine.lock` symlink (to /etc/shadow, say) before bench's first run (issue 21, item 1). Hence:

- who shares the lock: root and the running user. The directory is used only when it is a real directory
  (not a symlink) owned by root or the running user, not writable by others unless sticky; bench makes it
  0755. The file is opened with O_NOFOLLOW | O_CLOEXEC relative to that directory, and must be a regular
  file of the running user with one link; bench creates it 0644 and never changes the mode of a file it
  did not create. So only the running user's runs (bench's are root's) take the lock: no other user can
  hold it, and a non-root user's runs, which could not reach bench's engine, use their own.
- anything that fails these checks is refused with one line that names it and how to remove it (exit 2);
  nothing is opened through it, chmod-ed or truncated.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pwd
import socket
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.config import EngineConfig
from bench.errors import EngineError
from bench.machine.node import in_batch_job

LOCK_FILE = "machine.lock"
LOCK_DIRS = (Path("/run/lock/bench"), Path("/var/lock/bench"))
ENV = "BENCH_MACHINE_LOCK"
POLL_S = 0.5
LOCK_DIR_MODE = 0o755  # the running user's; others may read who holds the lock, not take it
LOCK_FILE_MODE = 0o644
_OPEN = os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK  # O_NONBLOCK: a planted FIFO never blocks the open


def _usable(directory: Path) -> bool:
    """The directory exists and this user may create the lock in it, or may make it."""
    if directory.is_dir():
        return os.access(directory, os.W_OK | os.X_OK)
    return directory.parent.is_dir() and os.access(directory.parent, os.W_OK | os.X_OK)


def lock_path() -> Path:
    """The machine's lock file (see the module docstring for where and why)."""
    if override := os.environ.get(ENV):
        return Path(override)
    if os.getuid() == 0:  # another user's runs never make /run/lock/bench, which root's must own
        for directory in LOCK_DIRS:
            if _usable(directory):
                return directory / LOCK_FILE
    return Path(tempfile.gettempdir()) / f"bench-lock-{os.getuid()}" / LOCK_FILE


def _user(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _refuse(path: Path, why: str, remove: str) -> EngineError:
    return EngineError(
        f"the machine lock: {path} {why}; bench does not use a path another user may control",
        fix=f"check who made it, remove it ({remove} {path}) and run again: bench makes its own",
    )


def _check_dir(fd: int, directory: Path) -> None:
    info = os.fstat(fd)
    if info.st_uid not in (0, os.getuid()):
        raise _refuse(directory, f"belongs to user {_user(info.st_uid)!r}, not to root or you", "rm -r")
    if info.st_mode & 0o022 and not info.st_mode & stat.S_ISVTX:
        mode = f"{stat.S_IMODE(info.st_mode):04o}"
        raise _refuse(directory, f"is writable by other users (mode {mode}, no sticky bit)", "rm -r")


def _open_dir(directory: Path) -> int:
    """The lock's directory, made 0755 when missing, opened without following a symlink, then checked."""
    with contextlib.suppress(FileExistsError):
        directory.parent.mkdir(parents=True, exist_ok=True)
        os.mkdir(directory, LOCK_DIR_MODE)
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        if directory.is_symlink():
            raise _refuse(directory, f"is a symlink (to {os.readlink(directory)})", "rm") from None
        raise _refuse(directory, "is not a directory", "rm") from None
    try:
        _check_dir(fd, directory)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _check_file(fd: int, path: Path) -> None:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(path, "is not a regular file", "rm")
    if info.st_uid != os.getuid():
        raise _refuse(path, f"belongs to user {_user(info.st_uid)!r}, not to you", "rm")
    if info.st_nlink != 1:
        raise _refuse(path, f"has {info.st_nlink} hard links", "rm")
    if info.st_mode & 0o022:
        mode = f"{stat.S_IMODE(info.st_mode):04o}"
        raise _refuse(path, f"is writable by other users (mode {mode}): any of them could hold it", "rm")


def _open_in(dir_fd: int, path: Path) -> int:
    """The lock file in its directory: created 0644 by bench, or an existing one that passes the checks."""
    try:
        fd = os.open(path.name, os.O_RDWR | os.O_CREAT | os.O_EXCL | _OPEN, LOCK_FILE_MODE, dir_fd=dir_fd)
    except FileExistsError:
        try:
            fd = os.open(path.name, os.O_RDWR | _OPEN, dir_fd=dir_fd)
        except OSError as error:
            if os.path.islink(path):
                raise _refuse(path, f"is a symlink (to {os.readlink(path)})", "rm") from None
            raise _refuse(path, f"cannot be opened ({error.strerror})", "rm") from None
    else:
        os.fchmod(fd, LOCK_FILE_MODE)  # bench's own new file: the umask may have taken read from others
    try:
        _check_file(fd, path)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_lock(path: Path) -> int:
    """The checked lock file's descriptor (module docstring); EngineError naming what was refused."""
    dir_fd = _open_dir(path.parent)
    try:
        return _open_in(dir_fd, path)
    finally:
        os.close(dir_fd)


def _info(fd: int) -> dict:
    """What the holder wrote into the lock file, read through the descriptor (never the path again)."""
    try:
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def _describe(info: dict) -> str:
    """Who holds the lock, from what the holder wrote into the file (best effort)."""
    if not info:
        return "another run"
    on = f" on engine {info['engine']!r}" if info.get("engine") else ""
    return f"run {info.get('run', '?')} (pid {info.get('pid', '?')} on {info.get('host', '?')}){on}"


def _holder(fd: int) -> str:
    return _describe(_info(fd))


def _busy(path: Path, fd: int, waited_s: float) -> EngineError:
    if in_batch_job():
        return EngineError(
            f"the node is busy: {_holder(fd)} holds {path}; a SLURM job does not hold its allocation "
            "waiting for another run to end",
            fix="find what else runs on the node (runs on one machine never overlap); then re-run the "
            "sweep's failed jobs: bench sweep SWEEP_DIR --rerun",
        )
    return EngineError(
        f"the machine is busy: {_holder(fd)} holds {path}; runs on one machine do not "
        f"overlap, whichever engines they use (waited {waited_s:g} s)",
        fix="wait for it, raise engine.lock_wait_s, or set engine.concurrent_runs=true",
    )


@contextlib.contextmanager
def engine_lock(
    engine: EngineConfig, run: str, say: Callable[[str], object] = print, poll_s: float = POLL_S
) -> Iterator[None]:
    """Hold the machine's exclusive lock for the block; wait up to engine.lock_wait_s, then raise.
    A lock directory or file that fails the checks of the module docstring: EngineError, nothing touched."""
    if engine.concurrent_runs:
        say(f"engine {engine.name!r}: concurrent runs allowed (engine.concurrent_runs=true); not locking")
        yield
        return
    path = lock_path()
    fd = _open_lock(path)
    try:
        wait_s = 0.0 if in_batch_job() else max(engine.lock_wait_s, 0.0)
        deadline = time.monotonic() + wait_s
        said = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _busy(path, fd, wait_s) from None
                if not said:
                    say(
                        f"the machine is busy: {_holder(fd)} holds it; waiting up to "
                        f"{engine.lock_wait_s:g} s (runs on one machine do not overlap)"
                    )
                    said = True
                time.sleep(poll_s)
        os.ftruncate(fd, 0)
        holder = {"run": run, "pid": os.getpid(), "host": socket.gethostname(), "engine": engine.name}
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _held_info(path: Path) -> dict | None:
    """What the holder of the lock at `path` wrote ({} when unreadable), or None when it is free. A path
    that is not a regular file (a planted symlink, a FIFO) is not followed: it reads as free, and the run
    that would take it refuses it by name."""
    try:
        fd = os.open(path, os.O_RDONLY | _OPEN)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _info(fd)
        return None
    finally:
        os.close(fd)


def held(path: Path | None = None) -> str | None:
    """Who holds the lock at `path` (default: the machine's; any process, this one included), or None when
    it is free."""
    info = _held_info(path or lock_path())
    return None if info is None else _describe(info)


def engines_busy() -> list[str]:
    """The run holding the machine's lock, as `WHO on ENGINE` (every engine here shares the registry that
    `bench engine up` of the default engine started); [] when none does."""
    info = _held_info(lock_path())
    if info is None:
        return []
    engine = info.get("engine", "?")
    return [f"{_describe(info).removesuffix(f' on engine {engine!r}')} on {engine}"]
