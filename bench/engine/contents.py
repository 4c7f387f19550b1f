"""What an engine holds: images, build cache, and containerd's content blobs, snapshots and leases.

`docker images` being empty is not enough on the containerd image store: pull leases keep blobs and
unpacked snapshots alive for an hour after a prune (docs/install.md, "Cold is harder than it looks"). A cold
measurement checks these numbers before it builds.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass

from python_on_whales import DockerClient

NAMESPACE = "moby"
SNAPSHOTTER = "overlayfs"
_SIZE = re.compile(r"^([\d.]+)\s*([kMGT]?i?B)$")
_UNITS = {
    "B": 1,
    "kB": 1e3,
    "KiB": 1024,
    "MB": 1e6,
    "MiB": 1024**2,
    "GB": 1e9,
    "GiB": 1024**3,
    "TB": 1e12,
    "TiB": 1024**4,
}


@dataclass(frozen=True)
class EngineContents:
    images: int
    build_cache_records: int
    content_blobs: int
    content_bytes: int
    snapshots: int
    leases: int

    @property
    def empty(self) -> bool:
        return not (self.images or self.build_cache_records or self.content_blobs or self.snapshots)


def _ctr(containerd_socket: str, *args: str) -> list[str]:
    out = subprocess.run(
        ["ctr", "--address", containerd_socket, "-n", NAMESPACE, *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in out.splitlines()[1:] if line.strip()]


def parse_size(text: str) -> int:
    match = _SIZE.match(text.strip())
    if not match:
        return 0
    return int(float(match.group(1)) * _UNITS.get(match.group(2), 1))


def lease_ids(containerd_socket: str) -> list[str]:
    return [line.split()[0] for line in _ctr(containerd_socket, "leases", "ls")]


def measure(docker: DockerClient, containerd_socket: str | None) -> EngineContents:
    """Count what the engine holds; containerd figures only where its socket is reachable (owned engines)."""
    images = len(docker.image.list(all=True))
    cache = docker.system.disk_free().build_cache.total_count or 0
    blobs = snaps = leases = 0
    size = 0
    if containerd_socket:
        content = _ctr(containerd_socket, "content", "ls")
        blobs = len(content)
        size = sum(parse_size(line.split("\t")[1]) for line in content if "\t" in line)
        snaps = len(_ctr(containerd_socket, "snapshots", "--snapshotter", SNAPSHOTTER, "ls"))
        leases = len(lease_ids(containerd_socket))
    return EngineContents(images, cache, blobs, size, snaps, leases)
