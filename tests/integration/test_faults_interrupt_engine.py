"""Ctrl-C (SIGINT to the whole process group, as a terminal sends it) in each phase of a run (issue 15):
the reset, the priming build, the measured build, the summary. Exit 130, one line on stderr, the rows on
disk, nothing left running, mounted or in the run's TMPDIR; the next run works. On the faults engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fault_leftovers import after_fault, engine_mounts
from fault_support import (
    TINY,
    next_run_works,
    one_clear_line,
    rows_on_disk,
    seed_where,
    start_run,
    step_running,
)

from bench.config import EngineConfig

pytestmark = [pytest.mark.engine, pytest.mark.faults]


def _status(run_dir: Path) -> str | None:
    try:
        return json.loads((run_dir / "run.json").read_text()).get("status")
    except (OSError, ValueError):
        return None


#: phase -> (run overrides, the run's status afterwards)
PHASES: dict[str, tuple[tuple[str, ...], str]] = {
    "reset": (("cache=none", "repetitions=3"), "interrupted"),
    "priming": (("cache.sources=[none,local]", "repetitions=1", "pairing=independent"), "interrupted"),
    "build": (("cache=none", "repetitions=3"), "interrupted"),
    "summary": (("cache=none", "repetitions=1"), "complete"),
}


@pytest.mark.parametrize("phase", list(PHASES))
def test_ctrl_c_in_each_phase(faults_engine: EngineConfig, tmp_path: Path, phase: str) -> None:
    engine = faults_engine
    overrides, status = PHASES[phase]
    args = [*TINY, *overrides]
    if phase == "priming":  # a cold build first, so that a row is on disk when the priming build is hit
        args.append(f"seed={seed_where(lambda order: 'none' in order[0], *args)}")
    mounts_before = engine_mounts(engine)
    bench, run_dir = start_run(tmp_path, *args, sigint=True)
    if phase != "summary":
        bench.wait_for(lambda: rows_on_disk(run_dir) >= 1, 180, "the first build's row")
    if phase == "reset":
        bench.wait_for(lambda: bench.children(" prune "), 60, "the next reset's prune")
    elif phase == "priming":
        bench.wait_for(lambda: bench.children("-prime"), 60, "the priming build")
    elif phase == "build":
        bench.wait_for(lambda: step_running(engine), 60, "a RUN step of the second build")
    else:
        bench.wait_for(
            lambda: _status(run_dir) == "complete", 180, "the rows written and the summary started"
        )
    before = rows_on_disk(run_dir)
    bench.interrupt()
    done = bench.finish(120)
    assert done.code == 130, done.said()
    one_clear_line(done.stderr, "interrupted")
    assert _status(run_dir) == status
    after_fault(engine, f"Ctrl-C during {phase}", bench, run_dir, before, mounts_before)
    next_run_works(tmp_path / "next")
