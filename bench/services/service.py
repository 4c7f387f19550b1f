"""Background servers the harness starts for an engine (registry, package index): start, wait, stop.

Each outlives the `bench` process that started it (its own session, its log and pid file in the engine's
run dir), so that `bench engine up` once serves many runs. The pid file comes with the process's identity
(bench/machine/process_identity.py): a later `stop` signals that process, never whatever reused its pid.
"""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bench.errors import EngineError
from bench.machine import process_identity
from bench.services import log_rotation


def answers_http(url: str, timeout_s: float = 2.0) -> bool:
    """A server answers GET url with 200 (the registry's /v2/, the package index's /simple/)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start(
    name: str,
    argv: list[str],
    run_dir: str,
    answers: Callable[[], bool],
    what: str,
    timeout_s: float = 20.0,
    env: dict[str, str] | None = None,
    preexec: Callable[[], None] | None = None,
) -> None:
    """Start `argv` detached, logging to RUN_DIR/NAME.log (rotated first when large: log_rotation.py),
    and wait until `answers()` is true. `env` replaces the environment; `preexec` runs in the child
    before exec (so the recorded process is the server itself)."""
    directory = Path(run_dir)
    directory.mkdir(parents=True, exist_ok=True)
    log_path = directory / f"{name}.log"
    log_rotation.rotate(log_path)
    with open(log_path, "ab") as log:
        written = log.tell()
        process = subprocess.Popen(
            argv,
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
            preexec_fn=preexec,
        )
    process_identity.record(directory / f"{name}.pid", process.pid)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if answers():
            return
        if process.poll() is not None:  # a server that exits at start will never answer: say so now
            process_identity.forget(directory / f"{name}.pid")
            raise EngineError(
                f"{what} exited at start (exit {process.returncode}): {last_words(log_path, written)}",
                fix=f"read {log_path}",
            )
        time.sleep(0.2)
    raise EngineError(f"{what} did not answer within {timeout_s:.0f}s", fix=f"read {log_path}")


def last_words(log: Path, since: int = 0) -> str:
    """The last non-empty line a server wrote to `log` after byte `since` (this start's, not an earlier's)."""
    try:
        with open(log, "rb") as file:
            file.seek(since)
            lines = [line.strip() for line in file.read().decode(errors="replace").splitlines()]
    except OSError:
        return "its log is unreadable"
    said = [line for line in lines if line]
    return said[-1][:300] if said else "it printed nothing"


def stop(name: str, run_dir: str, timeout_s: float = 10.0) -> bool:
    """Stop a server this harness started (by its pid file and recorded identity), waiting until it has
    exited; False when there was none running (a stale pid file is removed, nothing is signalled)."""
    return process_identity.stop(Path(run_dir) / f"{name}.pid", name, timeout_s)
