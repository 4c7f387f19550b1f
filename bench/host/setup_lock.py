"""One set-up at a time on a machine: two `bench engine up` at once would download into and rename the
same prefix. The second waits, saying which process holds the lock; the kernel drops a flock when its
holder dies, so a killed set-up never leaves the machine locked."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.host.layout import SETUP_LOCK


@contextlib.contextmanager
def setup_lock(say: Callable[[str], object] = print, path: Path = SETUP_LOCK) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
            say(f"another set-up (pid {holder}) holds {path}; waiting for it to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
