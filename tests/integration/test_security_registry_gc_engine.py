"""`bench engine gc` on the real registry, run from a directory that is not the kept run's (issue 21, item 8):
the ref a recorded run directory names stays, one no run names goes; and with no readable record of run
directories nothing at all is deleted. The record is the test's own file (registry_gc.KNOWN_RUNS), the refs
the test's own repository; the collection restarts the registry, as `bench engine gc` does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_setup import registry_engine
from test_services_registry_gc_engine import _push

from bench.config import EngineConfig
from bench.errors import EngineError
from bench.services import known_runs, registry, registry_gc

pytestmark = [pytest.mark.security, pytest.mark.engine]
REPOSITORY = "bench-cache/test-registry-gc"  # the one test_services_registry_gc_engine._push writes
KB = 1 << 10


@pytest.fixture(scope="module")
def engine() -> EngineConfig:
    return registry_engine()


@pytest.fixture
def elsewhere(engine: EngineConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A kept run under project/results/, its ref and an unnamed one pushed, gc run from elsewhere/."""
    _push(engine.registry, "sec-kept-1", KB)
    _push(engine.registry, "sec-gone-2", KB)
    run = tmp_path / "project" / "results" / "2026-12-01_kept"
    run.mkdir(parents=True)
    row = {"seq": 0, "cache_ref": f"{engine.registry}/{REPOSITORY}:sec-kept-1", "argv": []}
    (run / "builds.jsonl").write_text(json.dumps(row) + "\n")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    yield run
    tags = {(REPOSITORY, t) for t in ("sec-kept-1", "sec-gone-2")}
    registry_gc.forget(engine, "bench-run", tags)


def test_gc_from_another_directory_keeps_the_recorded_run_s_ref(
    engine: EngineConfig, elsewhere: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    known = tmp_path / "state" / "runs.jsonl"
    known_runs.record(elsewhere, known)  # what the run did when it started
    monkeypatch.setattr(registry_gc, "KNOWN_RUNS", known)
    done = registry_gc.collect(engine, "bench-run", say=lambda _t: None)
    assert done.manifests >= 1 and done.blobs_collected
    assert registry.has_tag(engine, REPOSITORY, "sec-kept-1")
    assert not registry.has_tag(engine, REPOSITORY, "sec-gone-2")
    assert registry.has_tag(engine, "bench/busybox", "latest")


def test_gc_without_a_readable_record_deletes_nothing(
    engine: EngineConfig, elsewhere: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry_gc, "KNOWN_RUNS", tmp_path / "state" / "no-such-record.jsonl")
    with pytest.raises(EngineError, match="run directories"):
        registry_gc.collect(engine, "bench-run", say=lambda _t: None)
    assert registry.has_tag(engine, REPOSITORY, "sec-gone-2") and registry.has_tag(
        engine, REPOSITORY, "sec-kept-1"
    )
    assert registry.reachable(engine)
