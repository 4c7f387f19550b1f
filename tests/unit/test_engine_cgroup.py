"""The engine's own cgroup: made in each v1 hierarchy, joined by dockerd before exec, found again from
its /proc/PID/cgroup (recorded on the project's machine: tests/fixtures/cgroup/v1)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.config import EngineConfig
from bench.engine import cgroup, daemon

RECORDED = Path(__file__).parents[1] / "fixtures" / "cgroup" / "v1"
DOCKERD_PID = 28356
CONTROLLERS = ("cpuacct", "memory", "blkio")


def test_the_engine_is_found_in_its_cgroup_from_its_recorded_proc_file() -> None:
    dirs = cgroup.of_process(EngineConfig(), DOCKERD_PID, RECORDED / "sys", RECORDED / "proc")
    assert dirs == {
        c: RECORDED / "sys" / c / "bench-engine-dedicated" for c in ("cpuacct", "memory", "blkio")
    }


def test_another_engines_cgroup_or_the_root_is_not_the_engines(tmp_path: Path) -> None:
    other = cgroup.of_process(EngineConfig(name="overlay2"), DOCKERD_PID, RECORDED / "sys", RECORDED / "proc")
    assert other is None
    proc = tmp_path / "proc" / "7"
    proc.mkdir(parents=True)
    (proc / "cgroup").write_text("7:blkio:/\n4:memory:/process_api/0262\n2:cpuacct:/\n0::/\n")
    assert cgroup.of_process(EngineConfig(), 7, RECORDED / "sys", tmp_path / "proc") is None
    assert cgroup.of_process(EngineConfig(), 8, RECORDED / "sys", tmp_path / "proc") is None  # no such pid


def test_a_co_mounted_cpu_cpuacct_hierarchy_counts_as_cpuacct(tmp_path: Path) -> None:
    proc = tmp_path / "proc" / "7"
    proc.mkdir(parents=True)
    (proc / "cgroup").write_text(
        "5:blkio:/bench-engine-dedicated\n4:memory:/bench-engine-dedicated\n"
        "2:cpu,cpuacct:/bench-engine-dedicated\n1:name=systemd:/\n"
    )
    assert cgroup.of_process(EngineConfig(), 7, tmp_path / "sys", tmp_path / "proc") is None  # not mounted
    for hierarchy in ("cpu,cpuacct", "memory", "blkio"):
        (tmp_path / "sys" / hierarchy / "bench-engine-dedicated").mkdir(parents=True)
    (tmp_path / "sys" / "cpuacct").symlink_to("cpu,cpuacct")  # as systemd mounts it
    dirs = cgroup.of_process(EngineConfig(), 7, tmp_path / "sys", tmp_path / "proc")
    assert dirs is not None and dirs["cpuacct"] == tmp_path / "sys" / "cpuacct" / "bench-engine-dedicated"


def _sys_block(tmp_path: Path, state_dir: Path) -> Path:
    """/sys/dev/block as the kernel shows it when `state_dir` is on partition 1 of disk 254:0."""
    device = os.stat(state_dir).st_dev
    partition = tmp_path / "block" / "vda" / "vda1"
    partition.mkdir(parents=True)
    (partition / "partition").write_text("1\n")
    (tmp_path / "block" / "vda" / "dev").write_text("254:0\n")
    sys_block = tmp_path / "dev-block"
    sys_block.mkdir()
    (sys_block / f"{os.major(device)}:{os.minor(device)}").symlink_to(partition)
    return sys_block


def test_prepare_makes_the_group_in_each_hierarchy_with_a_counting_throttle_rule(tmp_path: Path) -> None:
    root = tmp_path / "sys"
    shutil.copytree(RECORDED / "sys", root, ignore=shutil.ignore_patterns("bench-engine-*"))
    engine = EngineConfig(state_dir=str(tmp_path / "state" / "engine"))  # not made yet: its parent is asked
    procs = cgroup.prepare(engine, root, _sys_block(tmp_path, tmp_path))
    assert procs == [
        root / c / "bench-engine-dedicated" / "cgroup.procs" for c in ("cpuacct", "memory", "blkio")
    ]
    for rule in cgroup.THROTTLE_RULES:  # the whole disk, not the partition
        assert (root / "blkio" / "bench-engine-dedicated" / rule).read_text() == f"254:0 {1 << 50}\n"


def test_prepare_gives_nothing_without_v1_hierarchies(tmp_path: Path) -> None:
    (tmp_path / "sys").mkdir()
    (tmp_path / "sys" / "cgroup.controllers").write_text("cpu io memory pids\n")  # cgroup v2
    assert cgroup.prepare(EngineConfig(), tmp_path / "sys") == []
    assert cgroup.joiner([]) is None


def test_the_child_joins_before_exec(tmp_path: Path) -> None:
    procs = [tmp_path / "cpuacct.procs", tmp_path / "memory.procs"]
    for file in procs:
        file.write_text("")
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        preexec_fn=cgroup.joiner(procs),
        capture_output=True,
        text=True,
        check=True,
    )
    assert [file.read_text() for file in procs] == [child.stdout.strip()] * 2


def test_daemon_json_names_the_containers_parent_only_when_given() -> None:
    engine = EngineConfig()
    assert "cgroup-parent" not in daemon.daemon_json(engine)
    parent = cgroup.container_parent(engine)
    assert parent == "/bench-engine-dedicated/containers"
    assert daemon.daemon_json(engine, parent)["cgroup-parent"] == parent


@pytest.mark.parametrize("name", ["dedicated", "overlay2"])
def test_remove_takes_the_empty_groups_of_every_hierarchy(tmp_path: Path, name: str) -> None:
    engine = EngineConfig(name=name)
    for hierarchy in ("cpuacct", "memory", "freezer"):  # runc makes the containers' parent in every one
        (tmp_path / hierarchy / f"bench-engine-{name}" / "containers" / "buildkit").mkdir(parents=True)
    (tmp_path / "memory" / "bench-engine-other").mkdir()
    removed = cgroup.remove(engine, tmp_path)
    assert sorted(p.parent.name for p in removed) == ["cpuacct", "freezer", "memory"]
    assert sorted(p.name for p in tmp_path.glob("*/bench-engine-*")) == ["bench-engine-other"]
