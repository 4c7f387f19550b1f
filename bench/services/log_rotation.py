"""Service logs stay bounded: when a server starts, a log over the limit becomes NAME.log.1 (one older
generation kept, the previous one dropped), and the server starts a fresh NAME.log.

Rotating on start, not while a server runs, keeps it simple: the servers write through an inherited file
descriptor that bench cannot reopen under them. The registry restarts at the end of each run that pushed
a cache (bench/services/registry_gc.py), so its access log, the one that grows fastest, is rotated often.
"""

from __future__ import annotations

import os
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024


def rotate(log: str | Path, max_bytes: int | None = None) -> bool:
    """Move `log` to `log`.1 when it is larger than max_bytes (MAX_BYTES); True when it was moved."""
    path = Path(log)
    try:
        if path.stat().st_size <= (MAX_BYTES if max_bytes is None else max_bytes):
            return False
    except FileNotFoundError:
        return False
    os.replace(path, path.with_name(path.name + ".1"))
    return True
