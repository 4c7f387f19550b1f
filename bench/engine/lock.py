"""One run at a time per engine: an exclusive flock on RUN_DIR/engine.lock held for the whole run.

Two runs building on one engine at once distort each other's timings (they share its CPU, disk and
BuildKit), and one run's cold reset would wipe what the other is building. Hydra launchers (submitit)
start sweep jobs in parallel, so the engine itself must say no: a second run waits for the first (saying
so) up to `engine.lock_wait_s`, then gives up with one line. `engine.concurrent_runs=true` skips the lock.
The kernel drops a flock when its holder dies, so a killed run never leaves the engine locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.config import EngineConfig
from bench.engine.errors import EngineError

LOCK_FILE = "engine.lock"
POLL_S = 0.5


def lock_path(engine: EngineConfig) -> Path:
    return Path(engine.run_dir) / LOCK_FILE


def _holder(path: Path) -> str:
    """Who holds the lock, from what the holder wrote into the file (best effort)."""
    try:
        info = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return "another run"
    if not info:
        return "another run"
    return f"run {info.get('run', '?')} (pid {info.get('pid', '?')} on {info.get('host', '?')})"


@contextlib.contextmanager
def engine_lock(
    engine: EngineConfig, run: str, say: Callable[[str], object] = print, poll_s: float = POLL_S
) -> Iterator[None]:
    """Hold the engine's exclusive lock for the block; wait up to engine.lock_wait_s, then raise."""
    if engine.concurrent_runs:
        say(f"engine {engine.name!r}: concurrent runs allowed (engine.concurrent_runs=true); not locking")
        yield
        return
    path = lock_path(engine)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(engine.lock_wait_s, 0.0)
        said = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise EngineError(
                        f"engine {engine.name!r} is busy: {_holder(path)} holds {path}; runs on one engine "
                        f"do not overlap (waited {engine.lock_wait_s:g} s)",
                        fix="wait for it, raise engine.lock_wait_s, or set engine.concurrent_runs=true",
                    ) from None
                if not said:
                    say(
                        f"engine {engine.name!r} is busy: {_holder(path)} holds it; waiting up to "
                        f"{engine.lock_wait_s:g} s (runs on one engine do not overlap)"
                    )
                    said = True
                time.sleep(poll_s)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"run": run, "pid": os.getpid(), "host": socket.gethostname()}).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def held(path: Path) -> str | None:
    """Who holds the lock at `path` (any process, this one included), or None when it is free."""
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


def engines_busy(engine: EngineConfig) -> list[str]:
    """Runs holding the lock of any engine whose run dir is a sibling of this one's (/run/bench/*): they
    all share the registry that `bench engine up` of the default engine started."""
    locks = sorted({*Path(engine.run_dir).parent.glob(f"*/{LOCK_FILE}"), lock_path(engine)})
    return [f"{who} on {p.parent.name}" for p in locks if (who := held(p)) is not None]
