"""What the engine's cgroup (v1) has counted: CPU seconds, peak memory and disk bytes, read from its files.

- CPU: cpuacct.stat, user and system in USER_HZ ticks, of every process in the group and its children
  (the RUN containers). The same tick accounting as /proc/stat, from which the machine's other work is
  reckoned (bench/engine/cost.py); cpuacct.usage_user/usage_sys split user from system at scheduler
  events instead and were seen 35% apart from it for dockerd's short bursts (they agree on a busy loop).
- Memory: memory.max_usage_in_bytes, the group's peak since bench last wrote 0 to it (reset_peak): the
  pages its processes held, their page cache included (what a build's files cost the machine's memory).
- Disk: blkio.throttle.io_service_bytes_recursive, Read and Write summed over devices: bytes that reached
  a disk on the engine's behalf. cgroup v1 charges background writeback of buffered writes to no group,
  so Write counts direct and synced writes only (a lower bound); the counters stay at zero unless the group
  has a throttle rule (bench/engine/cgroup.py sets one), so without a rule they are unknown, not zero.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CgroupUsage:
    """The group's counters at one moment (CPU, disk: totals since it was made; memory: the peak)."""

    cpu_user_s: float
    cpu_system_s: float
    memory_peak_bytes: int | None
    io_read_bytes: int | None
    io_write_bytes: int | None


def cpu_from_stat(text: str, ticks_per_s: float) -> tuple[float, float]:
    """(user, system) seconds from cpuacct.stat (`user N` / `system N` in USER_HZ ticks)."""
    fields = dict(line.split() for line in text.splitlines() if line.strip())
    return int(fields["user"]) / ticks_per_s, int(fields["system"]) / ticks_per_s


def io_bytes(text: str) -> tuple[int, int]:
    """(read, write) bytes from blkio.throttle.io_service_bytes(_recursive): `MAJ:MIN Read N` lines summed
    over devices; the closing `Total N` line is not a device."""
    read = write = 0
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] == "Read":
            read += int(parts[2])
        elif len(parts) == 3 and parts[1] == "Write":
            write += int(parts[2])
    return read, write


def _cpu(cpuacct: Path) -> tuple[float, float]:
    return cpu_from_stat((cpuacct / "cpuacct.stat").read_text(), os.sysconf("SC_CLK_TCK"))


def _counts_io(blkio: Path) -> bool:
    """The kernel counts the group's bytes only with a throttle rule on it (bench/engine/cgroup.py)."""
    try:
        return bool((blkio / "blkio.throttle.read_bps_device").read_text().strip())
    except OSError:
        return False


def read(dirs: Mapping[str, Path]) -> CgroupUsage:
    """The counters of the group whose directory per controller is `dirs` (cpuacct, memory, blkio)."""
    user, system = _cpu(dirs["cpuacct"])
    peak: int | None = None
    with contextlib.suppress(OSError, ValueError):
        peak = int((dirs["memory"] / "memory.max_usage_in_bytes").read_text())
    read_bytes = write_bytes = None
    if _counts_io(dirs["blkio"]):
        with contextlib.suppress(OSError, ValueError):
            read_bytes, write_bytes = io_bytes(
                (dirs["blkio"] / "blkio.throttle.io_service_bytes_recursive").read_text()
            )
    return CgroupUsage(user, system, peak, read_bytes, write_bytes)


def reset_peak(dirs: Mapping[str, Path]) -> bool:
    """Start the memory peak afresh (writing 0 sets it to the current usage); False when refused."""
    try:
        (dirs["memory"] / "memory.max_usage_in_bytes").write_text("0\n")
    except OSError:
        return False
    return True
