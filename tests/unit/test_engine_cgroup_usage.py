"""The engine cgroup's counters, read from files recorded on the project's machine (tests/fixtures/cgroup)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bench.engine import cgroup_usage

RECORDED = Path(__file__).parents[1] / "fixtures" / "cgroup" / "v1" / "sys"


def _dirs(root: Path) -> dict[str, Path]:
    return {c: root / c / "bench-engine-dedicated" for c in ("cpuacct", "memory", "blkio")}


def test_the_recorded_counters() -> None:
    usage = cgroup_usage.read(_dirs(RECORDED))
    ticks = os.sysconf("SC_CLK_TCK")
    assert (usage.cpu_user_s, usage.cpu_system_s) == (490 / ticks, 557 / ticks)
    assert usage.memory_peak_bytes == 102268928
    assert (usage.io_read_bytes, usage.io_write_bytes) == (24764416, 82481152)


def test_cpuacct_stat_in_ticks() -> None:
    assert cgroup_usage.cpu_from_stat("user 250\nsystem 100\n", 100) == (2.5, 1.0)


def test_disk_bytes_are_summed_over_devices_and_the_total_line_is_not_one() -> None:
    text = (
        "8:0 Read 100\n8:0 Write 10\n8:0 Total 110\n254:0 Read 5\n254:0 Write 7\n254:0 Total 12\nTotal 122\n"
    )
    assert cgroup_usage.io_bytes(text) == (105, 17)
    assert cgroup_usage.io_bytes("Total 0\n") == (0, 0)


def test_without_a_throttle_rule_the_disk_bytes_are_unknown_not_zero(tmp_path: Path) -> None:
    shutil.copytree(RECORDED, tmp_path / "sys")
    (tmp_path / "sys" / "blkio" / "bench-engine-dedicated" / "blkio.throttle.read_bps_device").write_text("")
    usage = cgroup_usage.read(_dirs(tmp_path / "sys"))
    assert (usage.io_read_bytes, usage.io_write_bytes) == (None, None)
    assert usage.memory_peak_bytes == 102268928


@pytest.mark.parametrize("writable", [True, False])
def test_the_peak_is_reset_by_writing_zero(tmp_path: Path, writable: bool) -> None:
    shutil.copytree(RECORDED, tmp_path / "sys")
    peak = tmp_path / "sys" / "memory" / "bench-engine-dedicated" / "memory.max_usage_in_bytes"
    if not writable:
        peak.unlink()
        peak.mkdir()  # a write that fails
    assert cgroup_usage.reset_peak(_dirs(tmp_path / "sys")) is writable
    if writable:
        assert peak.read_text() == "0\n"
