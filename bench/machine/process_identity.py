"""Who a pid file names: a process is pid + start time + executable name, checked before bench signals it.

A pid outlives its process. After a reboot or enough forks, the number in a stale pid file may belong to
any program, and `kill(pid, SIGTERM)` would hit it. So bench records what it started as pid, start time
and name (psutil) in `NAME.pid.json` next to `NAME.pid`, and signals only a process that still matches.
A pid file bench did not write (dockerd writes its own) is checked by name, and by the process having
started no later than the file was written: a reused pid belongs to a process started after that.
A pid file whose process is gone or is another program is stale: it is removed, never signalled.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

from bench.errors import EngineError

#: start times are wall-clock (boot time + ticks); the kernel's boot time drifts by up to a second when
#: the clock is adjusted, and a pid is not reused within a second by a process of the same name
CLOCK_SLACK_S = 1.0


@dataclass(frozen=True)
class ProcessIdentity:
    """One process, told apart from any later process that gets the same pid."""

    pid: int
    name: str
    create_time: float

    def same_process(self, other: ProcessIdentity) -> bool:
        return (
            self.pid == other.pid
            and self.name == other.name
            and abs(self.create_time - other.create_time) <= CLOCK_SLACK_S
        )


def _identity(process: psutil.Process) -> ProcessIdentity | None:
    try:
        return ProcessIdentity(process.pid, process.name(), process.create_time())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def identify(pid: int) -> ProcessIdentity | None:
    """The identity of the process that has `pid` now (a zombie included), None when there is none."""
    try:
        return _identity(psutil.Process(pid))
    except psutil.NoSuchProcess:
        return None


def identity_file(pidfile: Path) -> Path:
    return pidfile.with_name(pidfile.name + ".json")


def record(pidfile: Path, pid: int) -> ProcessIdentity | None:
    """Write `pidfile` (the pid, for people and tools) and its identity next to it, right after starting
    the process; None (and only the pid file) when the process is already gone."""
    pidfile.write_text(f"{pid}\n")
    identity = identify(pid)
    if identity is not None:
        identity_file(pidfile).write_text(json.dumps(asdict(identity)))
    return identity


def _recorded(pidfile: Path) -> ProcessIdentity | None:
    try:
        return ProcessIdentity(**json.loads(identity_file(pidfile).read_text()))
    except (OSError, ValueError, TypeError):
        return None


def shares_our_root(pid: int) -> bool:
    """The process sees the same root directory as bench. PIDs are shared across chroots, and a daemon
    of another root (the machine's own engine, seen from a chroot, or the reverse) has the same name and
    the same pid-file path: it is never bench's to signal."""
    try:
        theirs, ours = os.stat(f"/proc/{pid}/root"), os.stat("/")
    except OSError:
        return False
    return (theirs.st_dev, theirs.st_ino) == (ours.st_dev, ours.st_ino)


def _alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE and shares_our_root(process.pid)
    except psutil.NoSuchProcess:
        return False


def process_of(pidfile: Path, name: str | None = None) -> psutil.Process | None:
    """The live process `pidfile` names, when it is still the one that was started; None when stale.

    `name` is the executable name expected when bench recorded no identity (dockerd's own pid file)."""
    try:
        pid = int(pidfile.read_text().strip())
        written = pidfile.stat().st_mtime
    except (OSError, ValueError):
        return None
    try:
        process = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return None
    current = _identity(process)
    if current is None:
        return None
    recorded = _recorded(pidfile)
    if recorded is not None:
        matches = recorded.same_process(current)
    else:
        matches = (name is None or current.name == name) and current.create_time <= written + CLOCK_SLACK_S
    return process if matches and _alive(process) else None


def forget(pidfile: Path) -> None:
    """Remove a pid file and its identity (the process is gone, or the file names another one)."""
    pidfile.unlink(missing_ok=True)
    identity_file(pidfile).unlink(missing_ok=True)


def _exited(process: psutil.Process, timeout_s: float) -> bool:
    with contextlib.suppress(psutil.TimeoutExpired):
        process.wait(timeout=timeout_s)
    return not _alive(process)


def stop_process(process: psutil.Process, what: str, timeout_s: float, kill_wait_s: float = 10.0) -> None:
    """SIGTERM, wait up to `timeout_s`; then SIGKILL and wait again; raise when it still lives.

    psutil re-checks the pid's start time before each signal, so a process that exited and whose pid was
    reused meanwhile is not signalled."""
    for sig, wait_s in ((signal.SIGTERM, timeout_s), (signal.SIGKILL, kill_wait_s)):
        try:
            process.send_signal(sig)
        except psutil.NoSuchProcess:
            return
        if _exited(process, wait_s):
            return
    raise EngineError(
        f"{what} (pid {process.pid}) is still running after SIGTERM and SIGKILL",
        fix=f"look at `ps -o pid,stat,wchan,cmd -p {process.pid}` (state D: stuck in the kernel; reboot)",
    )


def stop(pidfile: Path, what: str, timeout_s: float = 10.0, name: str | None = None) -> bool:
    """Stop the process `pidfile` names if it is still bench's, then remove the file; False when there was
    none (a stale file is removed, never signalled)."""
    process = process_of(pidfile, name)
    if process is None:
        forget(pidfile)
        return False
    stop_process(process, what, timeout_s)
    forget(pidfile)
    return True
