"""A token made for one run, in a private temporary directory that is removed whatever ends the run.

The directory is on a memory file system when the machine has one (/dev/shm), mode 0700, and is removed
by `remove()`, at interpreter exit, and on SIGTERM (turned into KeyboardInterrupt, which the runner
already treats as Ctrl-C). Only a SIGKILL can leave it behind: its name carries the run's pid, and the next
run's start sweeps it once that pid is gone (bench/safe/scratch.py).
"""

from __future__ import annotations

import atexit
import os
import secrets
import signal
import threading
from pathlib import Path

from bench.audit.leaks import Secret
from bench.safe import scratch

TOKEN_FILE = "token"
PREFIX = scratch.SECRET_PREFIX
MEMORY_TMP = scratch.MEMORY_TMP


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


class RunDirectory:
    """A private directory for one run's secret material (a token, an SSH key pair, an agent's socket),
    removed by `remove()`, at interpreter exit and on SIGTERM."""

    def __init__(self, directory: Path | None = None) -> None:
        parent = directory or (MEMORY_TMP if MEMORY_TMP.is_dir() and os.access(MEMORY_TMP, os.W_OK) else None)
        self.directory = scratch.make(PREFIX, parent)
        os.chmod(self.directory, 0o700)
        self._previous_sigterm = None
        if threading.current_thread() is threading.main_thread():
            self._previous_sigterm = signal.signal(signal.SIGTERM, _interrupt)
        atexit.register(self.remove)

    def write_private(self, name: str, data: str | bytes) -> Path:
        """A new file of the directory, mode 0600 from its creation."""
        path = self.directory / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data.encode() if isinstance(data, str) else data)
        return path

    def remove(self) -> None:
        """Delete the directory and restore the SIGTERM handler; safe to call more than once."""
        scratch.remove(self.directory)  # never through a symlink put in its place
        if self._previous_sigterm is not None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None
        atexit.unregister(self.remove)


class RunToken(RunDirectory):
    """The token of one run: `path` is the file builds read (BuildKit `--secret src=`)."""

    def __init__(self, directory: Path | None = None) -> None:
        super().__init__(directory)
        self.value = secrets.token_urlsafe(32)
        self.path = self.write_private(TOKEN_FILE, self.value)
        self.secret = Secret(self.value.encode(), "run token")

    @property
    def fingerprint(self) -> str:
        return self.secret.fingerprint

    def __repr__(self) -> str:
        return f"RunToken(fingerprint={self.fingerprint}, directory={self.directory})"
