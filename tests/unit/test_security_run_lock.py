"""`bench engine purge` and `bench cluster down` refuse while a run holds the machine's lock, naming the run,
and change nothing (issue 21, item 7): stopping daemons or deleting data under a measurement turns its
numbers into noise that nobody notices. Their real work is replaced by stand-ins that fail the test if
called, so nothing of this machine is touched whatever the code does; the lock is the test's own
(BENCH_MACHINE_LOCK, tests/conftest.py). `bench engine reset` and `down` are checked on a real engine in
tests/integration/test_security_run_lock_engine.py.
"""

from __future__ import annotations

import pytest

from bench.cli import main
from bench.config import EngineConfig
from bench.machine.lock import engine_lock

pytestmark = pytest.mark.security
RUN = "results/2026-12-01_the-run-in-progress"


def _must_not_run(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("changed the machine while a run held the lock")


def test_purge_refuses_while_a_run_holds_the_machine_lock(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.stack import purge

    monkeypatch.setattr(purge, "purge", _must_not_run)
    monkeypatch.setattr(purge, "plan", lambda engines: ["delete everything"])
    with engine_lock(EngineConfig(name="overlay2"), RUN, say=lambda _t: None):
        code = main(["engine", "purge", "--yes"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1, err
    assert RUN in err[0] and "engine purge" in err[0]


def test_cluster_down_refuses_while_a_run_holds_the_machine_lock(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.cluster import lifecycle

    monkeypatch.setattr(lifecycle, "down", _must_not_run)
    with engine_lock(EngineConfig(), RUN, say=lambda _t: None):
        code = main(["cluster", "down"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1, err
    assert RUN in err[0] and "cluster down" in err[0]


def test_cluster_down_goes_ahead_when_no_run_holds_the_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.cluster import lifecycle

    called: list[str] = []
    monkeypatch.setattr(lifecycle, "down", lambda *a, **k: called.append("down") or True)
    assert main(["cluster", "down"]) == 0 and called == ["down"]
