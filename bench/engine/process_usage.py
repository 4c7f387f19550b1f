"""What the engine's processes used, counted per process (psutil): the fallback when its dockerd does not
run in a cgroup of its own (started before bench made one, cgroup v2, no permission).

The engine's processes are its dockerd and descendants (containerd, BuildKit's runc and RUN steps) plus
the containerd shims that name its containerd socket (a shim leaves its parent) and theirs. A process's
counts include its children once it has reaped them. A lower bound, said in the row as `process`:
a process that ends during the build without being reaped by one of these (a legacy RUN container's shim
exits with it) takes its counts along, and memory is the largest sum of resident sizes seen at the
snapshots (before and after the build), not a true peak.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import psutil

Key = tuple[int, float]  # pid, create time: a pid reused by another process is another key


@dataclass(frozen=True)
class ProcessSnapshot:
    """Per process: (user, system) seconds with reaped children, (read, write) bytes; the RSS sum."""

    cpu: dict[Key, tuple[float, float]] = field(default_factory=dict)
    io: dict[Key, tuple[int, int]] = field(default_factory=dict)
    rss_bytes: int = 0


def engine_processes(dockerd: psutil.Process, containerd_socket: str) -> list[psutil.Process]:
    """dockerd, its descendants, and the shims of its containerd with theirs."""
    found = {dockerd.pid: dockerd}
    with contextlib.suppress(psutil.Error):
        found.update({p.pid: p for p in dockerd.children(recursive=True)})
    for candidate in psutil.process_iter(["name", "cmdline"]):
        name, cmdline = candidate.info["name"] or "", candidate.info["cmdline"] or []
        if name.startswith("containerd-shim") and containerd_socket in cmdline:
            found[candidate.pid] = candidate
            with contextlib.suppress(psutil.Error):
                found.update({p.pid: p for p in candidate.children(recursive=True)})
    return list(found.values())


def snapshot(processes: list[psutil.Process]) -> ProcessSnapshot:
    cpu: dict[Key, tuple[float, float]] = {}
    io: dict[Key, tuple[int, int]] = {}
    rss = 0
    for process in processes:
        with contextlib.suppress(psutil.Error), process.oneshot():
            key = (process.pid, process.create_time())
            t = process.cpu_times()
            cpu[key] = (t.user + t.children_user, t.system + t.children_system)
            rss += process.memory_info().rss
            with contextlib.suppress(psutil.Error, AttributeError):
                counters = process.io_counters()
                io[key] = (counters.read_bytes, counters.write_bytes)
    return ProcessSnapshot(cpu, io, rss)


def used(start: ProcessSnapshot, end: ProcessSnapshot) -> dict[str, float | int]:
    """cpu_user_s ... io_write_bytes between two snapshots: each process alive at the end counts from its
    start snapshot (or from zero when it started since)."""
    user = system = 0.0
    for key, (u, s) in end.cpu.items():
        u0, s0 = start.cpu.get(key, (0.0, 0.0))
        user, system = user + max(u - u0, 0.0), system + max(s - s0, 0.0)
    read = write = 0
    for key, (r, w) in end.io.items():
        r0, w0 = start.io.get(key, (0, 0))
        read, write = read + max(r - r0, 0), write + max(w - w0, 0)
    return {
        "cpu_user_s": user,
        "cpu_system_s": system,
        "peak_memory_bytes": max(start.rss_bytes, end.rss_bytes),
        "io_read_bytes": read,
        "io_write_bytes": write,
    }
