"""The machine's CPU from /proc/stat (recorded on the project's machine) and bench's own share."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.machine import cpu

RECORDED = Path(__file__).parents[1] / "fixtures" / "cgroup" / "v1" / "proc" / "stat"


def test_busy_is_user_nice_system_irq_softirq_and_steal_apart() -> None:
    text = RECORDED.read_text()  # cpu  1603999 265 552301 2328675 39838 0 14742 2700 0 0
    assert cpu.busy_seconds(text, 100) == (1603999 + 265 + 552301 + 0 + 14742) / 100
    assert cpu.steal_seconds(text, 100) == 27.0


def test_own_seconds_take_in_a_finished_child() -> None:
    before = cpu.own_seconds()
    subprocess.run([sys.executable, "-c", "sum(range(3*10**7))"], check=True)
    assert cpu.own_seconds() - before > 0.3
