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


def unmount(point: Path) -> None:
    if subprocess.run(["umount", str(point)], capture_output=True, check=False).returncode != 0:
        subprocess.run(["umount", "--lazy", str(point)], capture_output=True, check=False)


def unmount_all(root: Path) -> list[Path]:
    """Unmount everything under `root`; returns what is still mounted (empty when all went)."""
    for point in mounted_under(root):
        unmount(point)
    return mounted_under(root)


def unmount_below(root: Path) -> list[Path]:
    """Unmount everything strictly below `root` (a file system mounted at `root` itself stays); returns
    what is still mounted below it."""
    for point in mounted_under(root):
        if point != root.resolve():
            unmount(point)
    return [point for point in mounted_under(root) if point != root.resolve()]


def _entries(mountinfo: Path) -> dict[str, list[str]]:
    return {fields[0]: fields for fields in (line.split() for line in mountinfo.read_text().splitlines())}


def bound_onto_itself(path: Path, mountinfo: Path = Path("/proc/self/mountinfo")) -> bool:
    """`path` is a bind mount of itself (same device and directory as the file system it lies in), as
    dockerd makes of its data root; a file system mounted at `path` (a disk, a loop image) is not."""
    path = path.resolve()
    entries = _entries(mountinfo)
    for fields in entries.values():
        parent = entries.get(fields[1])
        if Path(_unescape(fields[4])) != path or parent is None or parent[2] != fields[2]:
            continue
        parent_point = Path(_unescape(parent[4]))
        if not (path == parent_point or path.is_relative_to(parent_point)):
            continue
        if Path(_unescape(fields[3])) == Path(_unescape(parent[3])) / path.relative_to(parent_point):
            return True
    return False
