"""An engine is owned because bench proves it, not because a config says so (issue 21, item 5): bench started
it, or it was empty (no container, volume, image or build cache but bench's) when `bench engine add
--owned` adopted it, recorded with its engine ID; the proof is checked again before every wipe. A user's
engine declared owned (`engine.owned=true`, even with `engine.started_by_bench=true`) is refused with one
line and keeps its image; so is adopting an engine that holds one.

The user's engines are dockerds the test runs itself (tests/integration/security_engines.py `foreign`),
never the machine's default engine.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException
from security_engines import OwnEngine, bench, foreign, image, tags

pytestmark = [pytest.mark.security, pytest.mark.engine]
USERS = "someone/app:1"
BENCH_S = "bench-run/20261201t101010-aaaaaa/tiny:legacy-0"  # an image a run of bench named


@pytest.fixture(autouse=True)
def _a_lock_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands run with a machine lock of their own (BENCH_MACHINE_LOCK): what they may do to an engine
    is the question here, not whether another run on this machine holds the lock (item 7)."""
    from bench.machine.lock import ENV

    monkeypatch.setenv(ENV, str(tmp_path / "machine.lock"))


@pytest.fixture(scope="module")
def users() -> Iterator[OwnEngine]:
    with foreign("sec21-users") as engine:
        image(engine.docker, USERS)
        yield engine


def _refused(done, *words: str) -> str:
    lines = [line for line in done.stderr.splitlines() if line.startswith("bench: ")]
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stdout + done.stderr
    assert len(lines) == 1 and all(w in lines[0] for w in words), done.stderr
    return lines[0]


@pytest.mark.parametrize(
    "declared", [("engine.owned=true",), ("engine.owned=true", "engine.started_by_bench=true")]
)
def test_reset_of_a_user_s_engine_declared_owned_is_refused(
    users: OwnEngine, declared: tuple[str, ...]
) -> None:
    done = bench("engine", "reset", *users.overrides, *declared)
    _refused(done, "owned")
    assert USERS in tags(users.docker)


def test_a_run_on_a_user_s_engine_declared_owned_is_refused_before_it_builds(
    users: OwnEngine, tmp_path: Path
) -> None:
    run_dir = tmp_path / "run"
    done = bench(
        "run", *users.overrides, "engine.owned=true", "engine.lock_wait_s=600", "scenario=tiny",
        "builder=buildkit", "cache=none", "repetitions=1", "warmup=0", f"hydra.run.dir={run_dir}",
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert "owned" in done.stdout + done.stderr
    assert USERS in tags(users.docker)
    assert not (run_dir / "builds.jsonl").exists()


@pytest.mark.parametrize("force", [(), ("--force",)])
def test_adopting_an_engine_that_holds_an_image_is_refused(
    users: OwnEngine, tmp_path: Path, force: tuple[str, ...]
) -> None:
    host = DockerClient().context.inspect(users.context).endpoints["docker"].host
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    try:
        done = bench("engine", "add", "sec21-adopt", "--host", host, "--owned", *force, env=env)
        _refused(done, USERS)
        assert not (tmp_path / "config" / "bench" / "engine" / "sec21-adopt.yaml").exists()
    finally:
        _forget_context("sec21-adopt")


def test_an_empty_engine_adopted_is_owned_while_it_holds_only_bench_s(tmp_path: Path) -> None:
    from bench.engine import adoption

    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    with foreign("sec21-empty-user") as engine:
        host = DockerClient().context.inspect(engine.context).endpoints["docker"].host
        engine_id = engine.docker.system.info().id
        try:
            added = bench("engine", "add", "sec21-empty", "--host", host, "--owned", env=env)
            assert added.returncode == 0, added.stdout + added.stderr
            assert adoption.adopted(engine_id) is not None

            image(engine.docker, USERS)  # somebody's image since: the next wipe is refused
            _refused(bench("engine", "reset", "engine=sec21-empty", env=env), USERS)
            assert USERS in tags(engine.docker)

            engine.docker.image.remove(USERS, force=True)
            image(engine.docker, BENCH_S)  # only bench's: emptied
            reset = bench("engine", "reset", "engine=sec21-empty", env=env)
            assert reset.returncode == 0, reset.stdout + reset.stderr
            assert tags(engine.docker) == set()
        finally:
            adoption.forget(engine_id)
            _forget_context("sec21-empty")


def _forget_context(name: str) -> None:
    with contextlib.suppress(DockerException):
        DockerClient().context.remove(name, force=True)
