"""The machine's lock, seen from outside the run: what `bench engine gc` asks before it acts, and where
the lock lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.config import EngineConfig
from bench.machine import lock


def test_a_held_lock_names_its_run_and_engine_and_a_released_one_is_free() -> None:
    engine = EngineConfig(name="overlay2")
    assert lock.held() is None
    with lock.engine_lock(engine, "results/r1", say=lambda _t: None):
        assert lock.held().startswith("run results/r1 (pid ")
        assert lock.held().endswith(" on engine 'overlay2'")
        assert lock.engines_busy() == [
            f"run results/r1 (pid {os.getpid()} on {os.uname().nodename}) on overlay2"
        ]
    assert lock.held() is None and lock.engines_busy() == []


def test_runs_on_two_engines_share_the_one_lock() -> None:
    said: list[str] = []
    other = EngineConfig(name="overlay2", run_dir="/run/bench/overlay2", lock_wait_s=0)
    with (
        lock.engine_lock(EngineConfig(name="dedicated"), "results/r2", say=said.append),
        pytest.raises(
            lock.EngineError, match=r"the machine is busy: run results/r2 .* on engine 'dedicated'"
        ),
        lock.engine_lock(other, "results/r3", say=said.append),
    ):
        pytest.fail("two runs on one machine at once")
    assert said == []


def test_the_lock_is_in_run_lock_or_var_lock_or_the_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(lock.ENV)
    run_lock, var_lock = tmp_path / "run" / "lock" / "bench", tmp_path / "var" / "lock" / "bench"
    monkeypatch.setattr(lock, "LOCK_DIRS", (run_lock, var_lock))
    monkeypatch.setattr(lock.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    fallback = tmp_path / "tmp" / f"bench-lock-{os.getuid()}" / "machine.lock"
    assert lock.lock_path() == fallback  # neither parent exists
    var_lock.parent.mkdir(parents=True)
    assert lock.lock_path() == var_lock / "machine.lock"
    run_lock.parent.mkdir(parents=True)
    assert lock.lock_path() == run_lock / "machine.lock"
    with lock.engine_lock(EngineConfig(), "results/r4", say=lambda _t: None):
        assert run_lock.stat().st_mode & 0o7777 == lock.LOCK_DIR_MODE  # the running user's runs meet there
        assert (run_lock / "machine.lock").stat().st_mode & 0o777 == lock.LOCK_FILE_MODE


def test_a_slurm_job_does_not_wait_for_the_lock_it_fails_naming_the_holder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A job holds an allocation (the whole node): waiting an hour for another run would waste it."""
    patient = EngineConfig(name="dedicated", lock_wait_s=3600)
    with lock.engine_lock(EngineConfig(name="overlay2"), "results/r5", say=lambda _t: None):
        monkeypatch.setenv("SLURM_JOB_ID", "77")
        with (
            pytest.raises(
                lock.EngineError, match=r"the node is busy: run results/r5 .* on engine 'overlay2'"
            ) as raised,
            lock.engine_lock(patient, "results/r6", say=lambda _t: None),
        ):
            pytest.fail("a SLURM job waited for another run")
    assert "bench sweep SWEEP_DIR --rerun" in raised.value.fix
