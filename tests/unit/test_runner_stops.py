"""A run stops at the first failure its engine caused (daemon or registry gone, data root full), with the
rows so far on disk and the reason on the last row; a build's own failure lets the matrix go on."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import ScriptedBuilder, run_meta, scripted_context

from bench.config import EngineConfig
from bench.engine import health
from bench.engine.contents import EngineContents
from bench.engine.health import Blocked
from bench.engine.probe import Capability
from bench.plan import Cell, make_plan
from bench.run.runner import Runner
from bench.scenario.definition import Scenario
from bench.store.results import RunWriter, load
from bench.vocabulary import BuilderName, CacheSource, ChangeKind

EMPTY = EngineContents(0, 0, 0, 0, 0, 0)
GONE = Blocked("engine 'faults' stopped answering: no daemon answers", "bench engine up engine=faults")


def _runner(tmp_path: Path, builder: ScriptedBuilder, health, reset=lambda: EMPTY) -> Runner:
    directory = tmp_path / "proj"
    directory.mkdir()
    (directory / "Dockerfile").write_text("FROM scratch\n")
    scenario = Scenario("proj", directory, "Dockerfile", {})
    context = scripted_context(
        scenario, {"buildkit": builder}, reset=reset, health=health, workroot=tmp_path / "builds"
    )
    return Runner(context, RunWriter(tmp_path / "run", run_meta("r")))


def _plan(repetitions: int):
    cell = Cell("proj", BuilderName.buildkit, CacheSource.none, ChangeKind.none)
    return make_plan([cell], repetitions=repetitions, warmup=0, seed=0)


def test_a_failure_the_engine_caused_stops_the_run_after_writing_its_row(tmp_path: Path) -> None:
    builder = ScriptedBuilder("buildkit", [1.0] * 5, failing_calls={1})
    errors: list[str | None] = []
    runner = _runner(tmp_path, builder, health=lambda error: errors.append(error) or GONE)
    tally = runner.run(_plan(5))
    assert tally.stopped == GONE and tally.measured == 2 and len(builder.requests) == 2
    assert errors == ["scripted failure"], (
        "asked once, with the failed build's error, never after an ok build"
    )
    builds = load(tmp_path / "run").builds
    assert list(builds["outcome"]) == ["ok", "interrupted"], "no measurement: --resume builds it again"
    assert builds["notes"].iloc[1] == [f"the run stopped here: {GONE.what}"]
    assert list(runner.context.workroot.iterdir()) == [], "temporary build contexts left behind"


def test_a_build_that_failed_on_its_own_lets_the_matrix_go_on(tmp_path: Path) -> None:
    runner = _runner(
        tmp_path, ScriptedBuilder("buildkit", [1.0] * 3, failing_calls={0, 1}), health=lambda error: None
    )
    tally = runner.run(_plan(3))
    assert tally.stopped is None and tally.measured == 3 and len(tally.failed) == 2


def test_an_engine_that_refuses_the_reset_stops_the_run_with_a_failed_row(tmp_path: Path) -> None:
    calls = iter([EMPTY])

    def reset() -> EngineContents:
        try:
            return next(calls)
        except StopIteration:
            raise RuntimeError(
                "Cannot connect to the Docker daemon at unix:///run/bench/faults/docker.sock"
            ) from None

    asked: list[str | None] = []

    def health(error: str | None) -> Blocked | None:
        asked.append(error)
        return GONE if "Cannot connect" in (error or "") else None

    runner = _runner(tmp_path, ScriptedBuilder("buildkit", [1.0] * 3), health=health, reset=reset)
    tally = runner.run(_plan(3))
    assert tally.stopped == GONE and tally.measured == 2 and len(asked) == 1
    builds = load(tmp_path / "run").builds
    assert list(builds["outcome"]) == ["ok", "interrupted"], "every build ends as a row, this one with why"
    assert "Cannot connect" in builds["error_tail"].iloc[1]
    assert builds["notes"].iloc[1] == [f"the run stopped here: {GONE.what}"]


def test_an_error_of_a_healthy_engine_is_raised_as_before(tmp_path: Path) -> None:
    def reset() -> EngineContents:
        raise RuntimeError("a bug")

    runner = _runner(tmp_path, ScriptedBuilder("buildkit", [1.0]), health=lambda error: None, reset=reset)
    with pytest.raises(RuntimeError, match="a bug"):
        runner.run(_plan(1))


@pytest.mark.parametrize(
    "tail",
    [
        "ERROR: failed to solve: write /var/lib/docker/x: no space left on device",
        "failed to copy: failed to mkdir: mkdir /data/tmp: No space left on device",
    ],
)
def test_a_full_data_root_is_said_without_asking_the_engine(tail: str, monkeypatch) -> None:
    monkeypatch.setattr(health.probe, "engine_answers", lambda engine: pytest.fail("asked the engine"))
    found = health.blocked(EngineConfig(name="faults", state_dir="/var/lib/bench/faults"), tail)
    assert found is not None and found.what.startswith("no space left on device")
    assert "/var/lib/bench/faults/data" in found.what and "engine=faults" in found.fix


class _Engine:
    """A scripted engine for health.blocked: is dockerd's process there, does it answer, its registry."""

    def __init__(self, monkeypatch, *, process=True, answers=(True,), registry=True, registry_process=True):
        self.answers = list(answers)
        monkeypatch.setattr(health.daemon, "process", lambda e: object() if process else None)
        monkeypatch.setattr(health.probe, "engine_answers", lambda e: Capability("engine", True, "ok"))
        monkeypatch.setattr(health, "_image_store_answers", self._store)
        monkeypatch.setattr(health.probe, "registry_reachable", lambda e: Capability("r", registry, "-"))
        found = object() if registry_process else None
        monkeypatch.setattr(health.process_identity, "process_of", lambda path, name=None: found)

    def _store(self, engine) -> str | None:
        ok = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return None if ok else "connect: connection refused"


def test_a_daemon_whose_process_is_gone_stops_the_run_at_once(monkeypatch) -> None:
    _Engine(monkeypatch, process=False)
    said: list[str] = []
    found = health.blocked(EngineConfig(name="faults"), "rpc error: EOF", say=said.append, poll_s=0)
    assert found == Blocked("the dockerd of engine 'faults' is gone", "bench engine up engine=faults")
    assert said == [], "nothing restarts a daemon that is gone: no waiting"


def test_a_daemon_that_answers_again_lets_the_run_go_on(monkeypatch) -> None:
    _Engine(monkeypatch, answers=(False, False, True))
    said: list[str] = []
    found = health.blocked(EngineConfig(name="faults"), "refused", say=said.append, poll_s=0, settle_s=0)
    assert found is None
    assert "waiting up to 30 s" in said[0] and "answers again" in said[1]


def test_a_daemon_that_does_not_answer_in_time_stops_the_run(monkeypatch) -> None:
    _Engine(monkeypatch, answers=(False,))
    found = health.blocked(
        EngineConfig(name="faults"), "refused", say=lambda _: None, recovery_s=0.05, poll_s=0.01
    )
    assert found is not None and "stopped answering: connect: connection refused" in found.what


def test_a_registry_whose_process_is_gone_names_the_engine_that_serves_it(monkeypatch) -> None:
    _Engine(monkeypatch, registry=False, registry_process=False)
    own = health.blocked(EngineConfig(name="faults", registry="127.0.0.1:5300"), "refused", poll_s=0)
    assert own == Blocked("the registry on 127.0.0.1:5300 stopped answering", "bench engine up engine=faults")


def test_a_shared_registry_is_waited_for_then_named(monkeypatch) -> None:
    _Engine(monkeypatch, registry=False)
    engine = EngineConfig(name="overlay2", provisions_services=False)
    found = health.blocked(engine, "refused", say=lambda _: None, recovery_s=0.05, poll_s=0.01)
    assert found is not None and found.fix == "bench engine up"


def test_a_healthy_engine_leaves_the_failure_to_the_build(monkeypatch) -> None:
    _Engine(monkeypatch)
    assert health.blocked(EngineConfig(), "error: missing header", say=pytest.fail) is None
