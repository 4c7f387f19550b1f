"""The machine's CPU as the kernel counts it, and the share of it that is bench's own.

/proc/stat's first line sums every CPU since boot in USER_HZ ticks: user nice system idle iowait irq softirq
steal guest guest_nice. Busy = user + nice + system + irq + softirq (guest time is already inside user);
idle and iowait are waiting, steal is time the hypervisor gave to another machine (noise, not work here).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

import psutil

PROC = Path("/proc")
BUSY_FIELDS = (0, 1, 2, 5, 6)  # user nice system irq softirq
STEAL_FIELD = 7


def _ticks() -> float:
    return float(os.sysconf("SC_CLK_TCK"))


def _cpu_fields(stat_text: str) -> list[int]:
    for line in stat_text.splitlines():
        if line.startswith("cpu "):
            return [int(v) for v in line.split()[1:]]
    raise ValueError("no `cpu` line in /proc/stat")


def busy_seconds(stat_text: str, ticks_per_s: float | None = None) -> float:
    """CPU seconds all CPUs spent working since boot (see the module docstring)."""
    fields = _cpu_fields(stat_text)
    return sum(fields[i] for i in BUSY_FIELDS if i < len(fields)) / (ticks_per_s or _ticks())


def steal_seconds(stat_text: str, ticks_per_s: float | None = None) -> float:
    """CPU seconds the hypervisor gave to other machines since boot (0 on bare metal)."""
    fields = _cpu_fields(stat_text)
    return (fields[STEAL_FIELD] if len(fields) > STEAL_FIELD else 0) / (ticks_per_s or _ticks())


def stat_text(proc: Path = PROC) -> str:
    return (proc / "stat").read_text()


def load_1m() -> float:
    return os.getloadavg()[0]


def _seconds(process: psutil.Process, with_children: bool = True) -> float:
    """CPU seconds of one process, and of its children it has reaped (they end up in its counts)."""
    with contextlib.suppress(psutil.Error):
        times = process.cpu_times()
        own = times.user + times.system
        return own + (times.children_user + times.children_system if with_children else 0.0)
    return 0.0


def tree_seconds(roots: Iterable[psutil.Process]) -> float:
    """CPU seconds of processes and all their live descendants (each with its reaped children)."""
    seen: set[int] = set()
    total = 0.0
    for root in roots:
        members = [root]
        with contextlib.suppress(psutil.Error):
            members += root.children(recursive=True)
        for member in members:
            if member.pid not in seen:
                seen.add(member.pid)
                total += _seconds(member)
    return total


def own_seconds() -> float:
    """CPU seconds of this bench process and its descendants, the finished ones it reaped included."""
    return tree_seconds([psutil.Process()])
