"""`bench run` killed with SIGKILL mid-run, then `bench run --resume` on the real engine: the plan completes.

SIGKILL gives the run no chance to write anything more (no status, no summary): what the resume finds is
exactly what a power cut or the OOM killer leaves, rows fsynced up to the build that was running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from engine_setup import engine_overrides

from bench.store.results import load, read_meta

pytestmark = pytest.mark.engine
BENCH = str(Path(sys.executable).with_name("bench"))
PLANNED = 4  # one cell (BuildKit, cold) x 4 repetitions, no warmup


def _rows_on_disk(builds: Path) -> int:
    return builds.read_bytes().count(b"\n") if builds.exists() else 0


def test_a_run_killed_mid_run_is_completed_by_resume(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    args = ["scenario=tiny", "builder=buildkit", "cache=none", f"repetitions={PLANNED}", "warmup=0"]
    process = subprocess.Popen(
        [BENCH, "run", *engine_overrides(), *args, f"hydra.run.dir={run_dir}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    builds = run_dir / "builds.jsonl"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and _rows_on_disk(builds) < 1 and process.poll() is None:
        time.sleep(0.2)
    time.sleep(1.0)  # into the next build
    os.killpg(process.pid, signal.SIGKILL)  # the run and the docker processes it started, with no warning
    process.wait(timeout=60)
    done = _rows_on_disk(builds)
    assert 1 <= done < PLANNED, f"the kill should fall mid-run ({done} of {PLANNED} builds on disk)"
    assert read_meta(run_dir).status == "running", "a killed run had no chance to say it stopped"

    resumed = subprocess.run(
        [BENCH, "run", "--resume", str(run_dir)], capture_output=True, text=True, timeout=600
    )
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "Traceback" not in resumed.stderr
    run = load(run_dir)
    assert list(run.builds["seq"]) == list(range(PLANNED)), "each planned build once, in the recorded order"
    assert list(run.builds["cell"]) == list(run.meta.plan.order)
    assert list(run.builds["resumed"]) == [False] * done + [True] * (PLANNED - done)
    assert (run.builds["outcome"] == "ok").all()
    assert run.meta.status == "complete" and run.meta.resumes[0].done_before == done
    assert sum(line.startswith("resumed ") for line in resumed.stdout.splitlines()) == 1, resumed.stdout
    assert "Resumed:" in (run_dir / "summary.md").read_text()

    again = subprocess.run(
        [BENCH, "run", "--resume", str(run_dir)], capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0 and "nothing to resume" in again.stdout, again.stdout + again.stderr
    assert len(load(run_dir).builds) == PLANNED
