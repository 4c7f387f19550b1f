"""One run at a time per machine: an exclusive flock on /run/lock/bench/machine.lock held for the whole run.

Two runs building at once distort each other's timings: on one engine they share its CPU, disk and
BuildKit (and one run's cold reset would wipe what the other builds); on two engines of one machine they
still share its CPUs and disk. Hydra launchers (submitit) start sweep jobs in parallel, so the machine
itself must say no, whichever engines the jobs use: a second run waits for the first (saying so) up to
`engine.lock_wait_s`, then gives up with one line. `engine.concurrent_runs=true` skips the lock. The kernel
drops a flock when its holder dies, so a killed run never leaves the machine locked. A SLURM job does not
wait at all: it holds an allocation (the whole node, conf/hydra/launcher/bench_slurm.yaml) that a wait
would waste, so it fails at once naming the holder, and `bench sweep --rerun` runs it again later.

The lock lives in /run/lock/bench (or /var/lock/bench), made world-writable with the sticky bit as
/run/lock itself is, so that runs of every user meet at the same file; where neither can be made, in the
temporary directory (`bench-lock/`). BENCH_MACHINE_LOCK names another file (the unit tests' own).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.config import EngineConfig
from bench.engine.errors import EngineError
from bench.machine.node import in_batch_job

LOCK_FILE = "machine.lock"
LOCK_DIRS = (Path("/run/lock/bench"), Path("/var/lock/bench"))
ENV = "BENCH_MACHINE_LOCK"
POLL_S = 0.5
SHARED_DIR = 0o1777  # as /run/lock and /tmp: anyone creates, only the owner removes
SHARED_FILE = 0o666  # every user's runs take the same lock


def _usable(directory: Path) -> bool:
    """The directory exists and this user may create the lock in it, or may make it."""
    if directory.is_dir():
        return os.access(directory, os.W_OK | os.X_OK)
    return directory.parent.is_dir() and os.access(directory.parent, os.W_OK | os.X_OK)


def lock_path() -> Path:
    """The machine's lock file (see the module docstring for where and why)."""
    if override := os.environ.get(ENV):
        return Path(override)
    for directory in LOCK_DIRS:
        if _usable(directory):
            return directory / LOCK_FILE
    return Path(tempfile.gettempdir()) / "bench-lock" / LOCK_FILE


def _make_dir(directory: Path) -> None:
    if not directory.is_dir():
        directory.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):  # another user's directory keeps its mode
            directory.chmod(SHARED_DIR)


def _info(path: Path) -> dict:
    try:
        return json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return {}


def _holder(path: Path) -> str:
    """Who holds the lock, from what the holder wrote into the file (best effort)."""
    info = _info(path)
    if not info:
        return "another run"
    on = f" on engine {info['engine']!r}" if info.get("engine") else ""
    return f"run {info.get('run', '?')} (pid {info.get('pid', '?')} on {info.get('host', '?')}){on}"


def _busy(path: Path, waited_s: float) -> EngineError:
    if in_batch_job():
        return EngineError(
            f"the node is busy: {_holder(path)} holds {path}; a SLURM job does not hold its allocation "
            "waiting for another run to end",
            fix="find what else runs on the node (runs on one machine never overlap); then re-run the "
            "sweep's failed jobs: bench sweep SWEEP_DIR --rerun",
        )
    return EngineError(
        f"the machine is busy: {_holder(path)} holds {path}; runs on one machine do not "
        f"overlap, whichever engines they use (waited {waited_s:g} s)",
        fix="wait for it, raise engine.lock_wait_s, or set engine.concurrent_runs=true",
    )


@contextlib.contextmanager
def engine_lock(
    engine: EngineConfig, run: str, say: Callable[[str], object] = print, poll_s: float = POLL_S
) -> Iterator[None]:
    """Hold the machine's exclusive lock for the block; wait up to engine.lock_wait_s, then raise."""
    if engine.concurrent_runs:
        say(f"engine {engine.name!r}: concurrent runs allowed (engine.concurrent_runs=true); not locking")
        yield
        return
    path = lock_path()
    _make_dir(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    with contextlib.suppress(OSError):  # the umask took write from others: give it back (own file only)
        if os.fstat(fd).st_uid == os.getuid():
            os.fchmod(fd, SHARED_FILE)
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
                    raise _busy(path, wait_s) from None
                if not said:
                    say(
                        f"the machine is busy: {_holder(path)} holds it; waiting up to "
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


def held(path: Path | None = None) -> str | None:
    """Who holds the lock at `path` (default: the machine's; any process, this one included), or None when
    it is free."""
    path = path or lock_path()
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _holder(path)
    finally:
        os.close(fd)
    return None


def engines_busy() -> list[str]:
    """The run holding the machine's lock, as `WHO on ENGINE` (every engine here shares the registry that
    `bench engine up` of the default engine started); [] when none does."""
    path = lock_path()
    who = held(path)
    if who is None:
        return []
    engine = _info(path).get("engine", "?")
    return [f"{who.removesuffix(f' on engine {engine!r}')} on {engine}"]
