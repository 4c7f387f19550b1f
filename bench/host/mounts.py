"""Mounts under a directory, and taking them down before it is deleted: dockerd leaves its data root's bind
mount after shutdown, and deleting a tree that still has something mounted in it deletes that too."""

from __future__ import annotations

import subprocess
from pathlib import Path


def _unescape(field: str) -> str:
    """mountinfo escapes space, tab, newline and backslash as octal (\\040 ...)."""
    return field.encode().decode("unicode_escape")


def mounted_under(root: Path, mountinfo: Path = Path("/proc/self/mountinfo")) -> list[Path]:
    """Mount points at or below `root`, deepest first (the order to unmount them in)."""
    root = root.resolve()
    points = []
    for line in mountinfo.read_text().splitlines():
        point = Path(_unescape(line.split()[4]))
        if point == root or point.is_relative_to(root):
            points.append(point)
    return sorted(set(points), key=lambda p: len(p.parts), reverse=True)


def unmount_all(root: Path) -> list[Path]:
    """Unmount everything under `root`; returns what is still mounted (empty when all went)."""
    for point in mounted_under(root):
        if subprocess.run(["umount", str(point)], capture_output=True, check=False).returncode != 0:
            subprocess.run(["umount", "--lazy", str(point)], capture_output=True, check=False)
    return mounted_under(root)
