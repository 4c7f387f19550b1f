"""Who holds an engine's lock, seen from outside the run: what `bench engine gc` asks before it acts."""

from __future__ import annotations

from pathlib import Path

from bench.config import EngineConfig
from bench.engine import lock


def test_a_held_lock_names_its_run_and_a_released_one_is_free(tmp_path: Path) -> None:
    engine = EngineConfig(run_dir=str(tmp_path / "dedicated"))
    assert lock.held(lock.lock_path(engine)) is None  # never created
    with lock.engine_lock(engine, "results/r1", say=lambda _t: None):
        assert lock.held(lock.lock_path(engine)).startswith("run results/r1 (pid ")
    assert lock.held(lock.lock_path(engine)) is None


def test_every_engine_beside_this_one_is_asked(tmp_path: Path) -> None:
    dedicated = EngineConfig(run_dir=str(tmp_path / "dedicated"))
    overlay2 = EngineConfig(name="overlay2", run_dir=str(tmp_path / "overlay2"))
    with lock.engine_lock(overlay2, "results/r2", say=lambda _t: None):
        busy = lock.engines_busy(dedicated)
    assert len(busy) == 1 and busy[0].startswith("run results/r2") and busy[0].endswith(" on overlay2")
    assert lock.engines_busy(dedicated) == []
