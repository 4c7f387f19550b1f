"""`bench engine reset` and `bench engine down` refuse while a run holds the machine's lock, naming the run,
and leave the engine as it was (issue 21, item 7): an outside reset between a paired cold and warm build would
turn the warm build cold, and nobody would notice. The engine is one of the test's own that bench started
(tests/integration/security_engines.py); the run is the test holding the machine's real lock, as a run does.
`purge` and `cluster down` are checked in tests/unit/test_security_run_lock.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from security_engines import OwnEngine, bench, bench_started, image, tags

from bench.config import EngineConfig
from bench.engine import daemon
from bench.machine.lock import engine_lock, held

pytestmark = [pytest.mark.security, pytest.mark.engine]
RUN = "results/2026-12-01_a-run-in-progress"
TAG = "bench-sec-lock/kept:1"
HOLDER = EngineConfig(name="sec21-lock")  # the engine the run holding the lock says it measures


@pytest.fixture(scope="module")
def own() -> Iterator[OwnEngine]:
    with bench_started("sec21-lock") as engine:
        yield engine


@pytest.fixture
def a_run() -> Iterator[None]:
    if held() is not None:
        pytest.skip(f"a run holds the machine's lock: {held()}")
    with engine_lock(HOLDER, RUN, say=lambda _t: None):
        yield


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def test_reset_refuses_while_a_run_holds_the_lock(own: OwnEngine, a_run: None) -> None:
    image(own.docker, TAG)
    done = bench("engine", "reset", *own.overrides)
    assert done.returncode == 2, done.stdout + done.stderr
    line = _one_line(done.stderr)
    assert RUN in line and "engine reset" in line
    assert TAG in tags(own.docker)


def test_down_refuses_while_a_run_holds_the_lock(own: OwnEngine, a_run: None) -> None:
    assert own.config is not None
    done = bench("engine", "down", *own.overrides)
    assert done.returncode == 2, done.stdout + done.stderr
    assert RUN in _one_line(done.stderr)
    assert daemon.process(own.config) is not None and daemon.responds(own.config)


def test_reset_goes_ahead_when_no_run_holds_the_lock(own: OwnEngine) -> None:
    if held() is not None:
        pytest.skip(f"a run holds the machine's lock: {held()}")
    image(own.docker, TAG)
    done = bench("engine", "reset", *own.overrides)
    assert done.returncode == 0, done.stdout + done.stderr
    assert tags(own.docker) == set()
