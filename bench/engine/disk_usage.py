"""How much disk bench's engine takes: data roots, registry, prefix, logs (`bench engine status`).

Sizes are blocks really allocated (as `du`), each file counted once, without crossing into other file
systems (a dockerd data root holds overlay mounts while the daemon runs) or following symbolic links.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bench.config import EngineConfig
from bench.host.layout import PREFIX


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


@dataclass(frozen=True)
class DiskUse:
    what: str
    path: str
    bytes: int


def logs(run_dir: str | Path) -> list[Path]:
    """The service logs in an engine's run dir, rotated generations included."""
    directory = Path(run_dir)
    return sorted([*directory.glob("*.log"), *directory.glob("*.log.1")]) if directory.is_dir() else []


def engine_disk(engine: EngineConfig, prefix: Path = PREFIX) -> list[DiskUse]:
    """One line per place bench writes to for this engine."""
    found = [
        DiskUse("engine data root", engine.state_dir, tree_bytes(engine.state_dir)),
        DiskUse("registry", engine.registry_dir, tree_bytes(engine.registry_dir)),
        DiskUse("engine prefix", str(prefix), tree_bytes(prefix)),
    ]
    found += [DiskUse(f"log {p.name}", str(p), tree_bytes(p)) for p in logs(engine.run_dir)]
    return found


def human(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
