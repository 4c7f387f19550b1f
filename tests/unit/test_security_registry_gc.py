"""`bench engine gc` keeps what the run directories bench recorded name, wherever it is run from, and deletes
nothing when it cannot read that record (issue 21, item 8): it once read `./results` of the directory it
ran in, so from any other directory it deleted every kept run's refs. The registry is the in-memory one of
tests/unit/test_services_registry_gc.py; on the real registry: tests/integration/
test_security_registry_gc_engine.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_services_registry_gc import _engine, _fake, _run_dir

from bench.errors import EngineError
from bench.services import registry_gc

pytestmark = pytest.mark.security
KEPT = "127.0.0.1:5000/bench-cache/tiny:kept-1"


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A run kept under one directory's results/, and `bench engine gc` run from another directory."""
    _run_dir(tmp_path / "project" / "results" / "2026-12-01_kept", KEPT)
    (tmp_path / "somewhere-else").mkdir()
    monkeypatch.chdir(tmp_path / "somewhere-else")
    monkeypatch.setattr(registry_gc, "collect_blobs", lambda _e, _prefix: True)
    return tmp_path


def test_gc_from_another_directory_keeps_a_recorded_run_s_refs(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _fake()
    fake.install(monkeypatch)
    known = elsewhere / "state" / "runs.jsonl"  # as a run records itself when it starts
    known.parent.mkdir()
    known.write_text(json.dumps(str(elsewhere / "project" / "results" / "2026-12-01_kept")) + "\n")
    monkeypatch.setattr(registry_gc, "KNOWN_RUNS", known, raising=False)
    registry_gc.collect(_engine(elsewhere), "bench-run", say=lambda _t: None)
    assert fake.tags["bench-cache/tiny"] == {"kept-1": "sha256:k1", "alias-3": "sha256:k1"}
    assert ("bench-cache/tiny", "sha256:g2") in fake.deleted  # what no run names still goes


@pytest.mark.parametrize("record", ["missing", "garbled", "a directory"])
def test_gc_deletes_nothing_when_it_cannot_read_the_record(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch, record: str
) -> None:
    fake = _fake()
    fake.install(monkeypatch)
    known = elsewhere / "state" / "runs.jsonl"
    known.parent.mkdir()
    if record == "garbled":
        known.write_text('"/a/run"\n{"not": "a path"\n')
    elif record == "a directory":
        known.mkdir()
    monkeypatch.setattr(registry_gc, "KNOWN_RUNS", known, raising=False)
    with pytest.raises(EngineError, match="run directories"):
        registry_gc.collect(_engine(elsewhere), "bench-run", say=lambda _t: None)
    assert fake.deleted == []


def test_a_run_is_recorded_once_and_read_back(tmp_path: Path) -> None:
    from bench.services import known_runs

    known = tmp_path / "state" / "runs.jsonl"
    run = tmp_path / "results" / "2026-12-01_r\nwith a newline"
    known_runs.record(run, known)
    known_runs.record(run, known)  # a resumed run is not listed twice
    assert known_runs.read(known) == [run]
