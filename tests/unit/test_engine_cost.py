"""The BuildMeter of an engine bench starts: a build's cost from the engine's cgroup (a recorded tree whose
counters a stand-in build moves), the CPU outside the engine and bench, and the machine-busy rule."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest

from bench.config import EngineConfig, QuietConfig
from bench.engine import cost

RECORDED = Path(__file__).parents[1] / "fixtures" / "cgroup" / "v1"
DOCKERD_PID = 28356
#: the machine's counters at the mark and after the build: (all CPUs busy, bench's tree, bench's servers)
MACHINE = {"mark": (1000.0, 3.0, 0.5), "after": (1012.0, 3.75, 0.75)}


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """A recorded cgroup tree, a dockerd with the recorded pid, and the machine's counters by moment."""
    shutil.copytree(RECORDED, tmp_path / "recorded")
    moment = {"now": "mark"}
    monkeypatch.setattr(cost.daemon, "process", lambda _engine: SimpleNamespace(pid=DOCKERD_PID))
    monkeypatch.setattr(cost.cpu, "stat_text", lambda: moment["now"])
    monkeypatch.setattr(cost.cpu, "busy_seconds", lambda when: MACHINE[when][0])
    monkeypatch.setattr(cost.cpu, "own_seconds", lambda: MACHINE[moment["now"]][1])
    monkeypatch.setattr(cost.cpu, "tree_seconds", lambda _servers: MACHINE[moment["now"]][2])
    monkeypatch.setattr(cost.cpu, "load_1m", lambda: 1.234)
    return moment


def _build(root: Path) -> None:
    """What a build does to the engine's counters: 4 s user and 2 s system CPU, a peak, disk bytes."""
    ticks = os.sysconf("SC_CLK_TCK")
    group = "bench-engine-dedicated"
    (root / "cpuacct" / group / "cpuacct.stat").write_text(
        f"user {490 + 4 * ticks}\nsystem {557 + 2 * ticks}\n"
    )
    (root / "memory" / group / "memory.max_usage_in_bytes").write_text("300000000\n")
    (root / "blkio" / group / "blkio.throttle.io_service_bytes_recursive").write_text(
        "254:0 Read 24764416\n254:0 Write 92481152\n254:0 Total 117245568\nTotal 117245568\n"
    )


def test_a_builds_cost_and_the_cpu_outside(machine: dict[str, str], tmp_path: Path) -> None:
    root = tmp_path / "recorded" / "sys"
    meter = cost.EngineMeter(EngineConfig(), QuietConfig(), root, tmp_path / "recorded" / "proc")
    start = meter.mark()
    peak = root / "memory" / "bench-engine-dedicated" / "memory.max_usage_in_bytes"
    assert peak.read_text() == "0\n"  # the peak starts afresh at the mark
    _build(root)
    machine["now"] = "after"
    fields = meter.since(start, 10.0)
    # outside: 12 s busy - 6 s engine - 0.75 s bench's own - 0.25 s its servers
    assert fields == {
        "cpu_user_s": 4.0,
        "cpu_system_s": 2.0,
        "peak_memory_bytes": 300000000,
        "io_read_bytes": 0,
        "io_write_bytes": 10000000,
        "cost_source": "cgroup",
        "load_1m": 1.23,
        "outside_cpu_s": 5.0,
    }
    assert meter.busy(fields, 10.0) is True  # 0.5 cores > 0.25
    assert cost.EngineMeter(EngineConfig(), QuietConfig(busy_cpu=0.6)).busy(fields, 10.0) is False


def test_an_engine_outside_its_cgroup_and_no_engine(
    machine: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dockerd not in its cgroup is measured per process; with no dockerd there is no cost and no outside
    CPU (nothing to tell the engine's share from the rest), only the load."""
    meter = cost.EngineMeter(EngineConfig(name="elsewhere"), QuietConfig())
    monkeypatch.setattr(cost.daemon, "process", lambda _engine: None)
    start = meter.mark()
    machine["now"] = "after"
    assert meter.since(start, 10.0) == {"load_1m": 1.23}


@pytest.mark.parametrize(
    ("outside", "wall", "busy"),
    [(2.5, 10.0, False), (2.6, 10.0, True), (None, 10.0, False), (5.0, None, False), (5.0, 0.0, False)],
)
def test_the_busy_rule(outside: float | None, wall: float | None, busy: bool) -> None:
    meter = cost.EngineMeter(EngineConfig(), QuietConfig(busy_cpu=0.25))
    assert meter.busy({"outside_cpu_s": outside}, wall) is busy


def test_per_process_there_is_a_cost_but_no_outside_cpu(
    machine: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the engine's cgroup the cost is counted per process (here: this test's own process as the
    engine's dockerd), and the CPU outside is not reckoned: a legacy RUN step would land there."""
    me = psutil.Process()
    monkeypatch.setattr(cost.daemon, "process", lambda _engine: me)
    meter = cost.EngineMeter(EngineConfig(), QuietConfig(), tmp_path / "no-cgroups", tmp_path / "proc")
    start = meter.mark()
    sum(range(10**7))  # the "engine" works
    machine["now"] = "after"
    fields = meter.since(start, 1.0)
    assert fields["cost_source"] == "process" and fields["cpu_user_s"] + fields["cpu_system_s"] > 0
    assert fields["peak_memory_bytes"] > 0 and "outside_cpu_s" not in fields
    assert meter.busy(fields, 1.0) is False


def test_a_cgroup_gone_after_the_build_gives_no_cost_rather_than_an_error(
    machine: dict[str, str], tmp_path: Path
) -> None:
    root = tmp_path / "recorded" / "sys"
    meter = cost.EngineMeter(EngineConfig(), QuietConfig(), root, tmp_path / "recorded" / "proc")
    start = meter.mark()
    (root / "cpuacct" / "bench-engine-dedicated" / "cpuacct.stat").unlink()  # dockerd died with the build
    machine["now"] = "after"
    assert meter.since(start, 10.0) == {"load_1m": 1.23}
