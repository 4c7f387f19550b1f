"""The per-process fallback: what the engine's processes used between two snapshots."""

from __future__ import annotations

import subprocess
import sys

import psutil

from bench.engine import process_usage
from bench.engine.process_usage import ProcessSnapshot


def test_each_process_counts_from_its_mark_or_from_zero_when_new() -> None:
    start = ProcessSnapshot({(1, 10.0): (5.0, 1.0), (2, 11.0): (1.0, 1.0)}, {(1, 10.0): (100, 1000)}, 50)
    end = ProcessSnapshot(
        {
            (1, 10.0): (7.0, 1.5),
            (3, 12.0): (0.5, 0.25),
            (2, 99.0): (0.25, 0.0),
        },  # pid 2 reused: a new process
        {(1, 10.0): (300, 1500), (3, 12.0): (10, 20)},
        80,
    )
    assert process_usage.used(start, end) == {
        "cpu_user_s": 2.0 + 0.5 + 0.25,
        "cpu_system_s": 0.5 + 0.25,
        "peak_memory_bytes": 80,
        "io_read_bytes": 200 + 10,
        "io_write_bytes": 500 + 20,
    }


def test_a_snapshot_of_a_real_process_with_a_reaped_child() -> None:
    """A parent's counts include a child it has reaped: a burning child shows up in its parent's CPU."""
    burn = (
        "import subprocess, sys; subprocess.run([sys.executable, '-c', 'sum(range(3*10**7))']); "
        "print('reaped', flush=True); input()"
    )
    parent = subprocess.Popen([sys.executable, "-c", burn], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert parent.stdout is not None and parent.stdout.readline() == b"reaped\n"
        shot = process_usage.snapshot([psutil.Process(parent.pid)])
        ((user, _system),) = shot.cpu.values()
        assert user > 0.3 and shot.rss_bytes > 0
    finally:
        parent.communicate(b"\n")
