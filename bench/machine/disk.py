"""Disk a directory tree takes, counted as `du` counts it, and a size for a person to read.

Blocks really allocated, each file once (hard links), without crossing into other file systems (a dockerd
data root holds overlay mounts while the daemon runs) or following symbolic links. The engine's status
(bench/engine/disk_usage.py) and the registry's garbage collection (bench/services/registry_gc.py) use it.
"""

from __future__ import annotations

import os
from pathlib import Path


def tree_bytes(root: str | Path) -> int:
    """Disk used under `root` (0 when absent)."""
    root = Path(root)
    try:
        top = root.lstat()
    except OSError:
        return 0
    if not root.is_dir() or root.is_symlink():
        return top.st_blocks * 512
    seen: set[tuple[int, int]] = set()
    total = top.st_blocks * 512
    for directory, dirs, files in os.walk(root):
        for name in dirs[:]:
            try:
                st = os.lstat(os.path.join(directory, name))
            except OSError:
                dirs.remove(name)
                continue
            if st.st_dev != top.st_dev:
                dirs.remove(name)  # a mount inside the tree (overlay snapshots of a running daemon)
                continue
            total += st.st_blocks * 512
        for name in files:
            try:
                st = os.lstat(os.path.join(directory, name))
            except OSError:
                continue
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            total += st.st_blocks * 512
    return total


def human(n: int) -> str:
    """`n` bytes as a person reads them: 512 B, 3.2 MB."""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
