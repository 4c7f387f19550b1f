"""Faults of the engine under a run (issue 15): dockerd or containerd killed mid-build, the registry killed
mid-push and mid-pull, the data root full. Each on the faults engine only (conf/engine/faults.yaml).

Each asserts that the rows measured before the fault stay on disk, that one line on stderr says what
happened (no traceback), that nothing is left running, mounted or in the run's TMPDIR, and that the next
run on the engine works.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import psutil
import pytest
from fault_leftovers import after_fault, engine_mounts, services_of
from fault_support import (
    FAULTS,
    TINY,
    RegistryLog,
    big_layer_scenario,
    kill,
    next_run_works,
    one_clear_line,
    rows,
    rows_on_disk,
    run_bench,
    seed_where,
    start_run,
    step_running,
)

from bench.config import EngineConfig
from bench.engine import daemon
from bench.host.mounts import mounted_under

pytestmark = [pytest.mark.engine, pytest.mark.faults]


def _containerd(engine: EngineConfig) -> psutil.Process | None:
    dockerd = daemon.process(engine)
    children = dockerd.children(recursive=True) if dockerd is not None else []
    return next((p for p in children if p.name() == "containerd"), None)


def _up_again(work: Path) -> None:
    """What the stop line says to run."""
    up = run_bench(work / "up-again", "engine", "up", FAULTS, timeout_s=300)
    assert up.code == 0, up.said()


def _mid_second_build(engine: EngineConfig, tmp_path: Path):
    """A cold run of three builds, caught while a RUN step of its second build runs: (the bench process,
    its run directory, rows on disk by then, the engine's mounts before the run)."""
    mounts_before = engine_mounts(engine)
    bench, run_dir = start_run(tmp_path, *TINY, "cache=none", "repetitions=3")
    bench.wait_for(lambda: rows_on_disk(run_dir) >= 1, 180, "the first build's row")
    bench.wait_for(lambda: step_running(engine), 60, "a RUN step of the second build")
    return bench, run_dir, rows_on_disk(run_dir), mounts_before


def test_dockerd_killed_mid_build_stops_the_run(faults_engine: EngineConfig, tmp_path: Path) -> None:
    engine = faults_engine
    bench, run_dir, before, mounts_before = _mid_second_build(engine, tmp_path)
    kill(daemon.process(engine), "dockerd")
    done = bench.finish(120)
    assert done.code == 2, done.said()
    one_clear_line(done.stderr, "stopped after", "the dockerd of engine 'faults' is gone", "engine=faults")
    measured = rows(run_dir)
    assert measured[-1]["outcome"] == "interrupted" and "the run stopped here" in measured[-1]["notes"][-1]
    assert len(measured) == before + 1, "the build the kill hit is recorded, nothing after it"
    assert json.loads((run_dir / "run.json").read_text())["status"] == "stopped"
    _up_again(tmp_path)
    after_fault(engine, "dockerd SIGKILL mid-build", bench, run_dir, before, mounts_before)
    next_run_works(tmp_path / "next")


def test_containerd_killed_mid_build(faults_engine: EngineConfig, tmp_path: Path) -> None:
    engine = faults_engine
    bench, run_dir, before, mounts_before = _mid_second_build(engine, tmp_path)
    kill(_containerd(engine), "containerd")
    done = bench.finish(180)
    assert done.code == 1, done.said()
    one_clear_line(done.stderr, "1 build(s) failed")
    assert "answers again" in done.stdout, (
        "dockerd restarts its containerd; the run waits for it, then goes on"
    )
    assert [row["outcome"] for row in rows(run_dir)][before:] == ["failed", "ok"]
    after_fault(engine, "containerd SIGKILL mid-build", bench, run_dir, before, mounts_before)
    next_run_works(tmp_path / "next")


@pytest.mark.parametrize("moment", ["push", "pull"])
def test_registry_killed_mid_cache_transfer(faults_engine: EngineConfig, tmp_path: Path, moment: str) -> None:
    """push: while a priming build exports its cache (POST/PATCH/PUT of a blob upload); pull: while the
    measured build imports it (its cache manifest fetched). Every later build needs the registry."""
    engine = faults_engine
    scenario = big_layer_scenario(tmp_path)
    args = (*TINY, f"scenario.path={scenario}", "cache=registry-max", "repetitions=2")
    # a cold build first (a row before the fault), then a registry-max build that is not the last
    seed = seed_where(lambda order: "none" in order[0] and "registry-max" in order[1], *args)
    mounts_before = engine_mounts(engine)
    log = RegistryLog(engine)
    bench, run_dir = start_run(tmp_path, *args, f"seed={seed}")
    bench.wait_for(lambda: rows_on_disk(run_dir) >= 1, 180, "the cold build's row")
    if moment == "push":
        bench.wait_for(
            lambda: log.saw("POST", "/bench-cache/", "/blobs/uploads/"), 120, "a cache blob upload"
        )
    else:
        bench.wait_for(lambda: log.saw("PUT", "/bench-cache/", "/manifests/"), 120, "the cache export's end")
        bench.wait_for(
            lambda: log.saw("GET", "/bench-cache/", "/manifests/"), 120, "the cache import's start"
        )
    before = rows_on_disk(run_dir)
    kill(psutil.Process(services_of(engine).pop()), "the registry")
    done = bench.finish(180)
    assert done.code == 2, done.said()
    one_clear_line(done.stderr, "stopped after", f"the registry on {engine.registry} stopped answering")
    measured = rows(run_dir)
    assert [r["outcome"] for r in measured[before:]] == ["interrupted"], measured[before:]
    if moment == "push":
        assert "priming build failed" in measured[-1]["error_tail"]
    _up_again(tmp_path)
    after_fault(engine, f"registry SIGKILL mid-cache-{moment}", bench, run_dir, before, mounts_before)
    next_run_works(tmp_path / "next")


def _filled(path: Path, leave_bytes: int) -> Path:
    """A file that takes all but `leave_bytes` of the file system, immutable: even a wipe of the data
    root (bench/engine/reset.py) cannot free it."""
    stat = os.statvfs(path)
    filler = path / "bench-faults-filler"
    size = stat.f_bavail * stat.f_frsize - leave_bytes
    subprocess.run(["fallocate", "-l", str(size), str(filler)], check=True)
    subprocess.run(["chattr", "+i", str(filler)], check=True)
    return filler


def test_a_full_data_root_stops_the_run_saying_no_space(faults_engine: EngineConfig, tmp_path: Path) -> None:
    engine = faults_engine
    data_root = Path(engine.state_dir) / "data"
    image = tmp_path / "data-root.ext4"
    subprocess.run(["truncate", "-s", "256M", str(image)], check=True)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-m", "0", str(image)], check=True)
    daemon.stop(engine)
    subprocess.run(["mount", "-o", "loop", str(image), str(data_root)], check=True)
    filler = None
    try:
        daemon.start(engine)
        mounts_before = engine_mounts(engine)
        bench, run_dir = start_run(tmp_path, *TINY, "cache=none", "repetitions=4")
        bench.wait_for(lambda: rows_on_disk(run_dir) >= 1, 180, "the first build's row")
        filler = _filled(data_root, leave_bytes=256 * 1024)
        before = rows_on_disk(run_dir)
        done = bench.finish(180)
        assert done.code == 2, done.said()
        one_clear_line(done.stderr, "stopped after", "no space left on device", str(data_root))
        measured = rows(run_dir)
        failed = [r for r in measured if r["outcome"] == "interrupted"]
        assert len(failed) == 1, "the run stops at the first build the full disk failed"
        assert "no space left on device" in failed[0]["error_tail"].lower()
        assert "no space left on device" in failed[0]["notes"][-1]
        assert "no space" in (run_dir / "summary.md").read_text().lower()
        after_fault(engine, "data root full", bench, run_dir, before, mounts_before)
    finally:
        daemon.stop(engine)
        if filler is not None:
            subprocess.run(["chattr", "-i", str(filler)], check=False)
        subprocess.run(["umount", str(data_root)], check=False)
        still = mounted_under(data_root)
        image.unlink()
        daemon.start(engine)
    assert not still, f"the data root's file system is still mounted: {still}"
    next_run_works(tmp_path / "next")
