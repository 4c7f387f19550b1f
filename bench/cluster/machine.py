"""What slurm.conf must say about this machine: its short host name, its CPUs and the memory jobs may ask for.

slurmd refuses to serve a node whose configuration claims more than the machine has (the node goes DRAIN
"Low RealMemory"), so the memory is about 90% of what is available now, not the total. The host name need
not resolve: slurm.conf gives every address as 127.0.0.1 (slurm_conf.py).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

MEMORY_SHARE = 0.9


@dataclass(frozen=True)
class MachineFacts:
    hostname: str  # `hostname -s`: slurmd finds its NodeName by it
    cpus: int  # `nproc`: the CPUs this process may use
    memory_mb: int  # RealMemory: MEMORY_SHARE of MemAvailable


def mem_available_mb(meminfo: str) -> int:
    """MemAvailable of a /proc/meminfo text, in MiB (what slurm calls MB)."""
    for line in meminfo.splitlines():
        key, _, value = line.partition(":")
        if key == "MemAvailable":
            return int(value.split()[0]) // 1024
    raise ValueError("/proc/meminfo has no MemAvailable line")


def facts(meminfo: Path = Path("/proc/meminfo")) -> MachineFacts:
    return MachineFacts(
        hostname=socket.gethostname().split(".")[0],
        cpus=len(os.sched_getaffinity(0)),
        memory_mb=max(1, int(mem_available_mb(meminfo.read_text()) * MEMORY_SHARE)),
    )
