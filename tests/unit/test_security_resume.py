"""`bench run --resume` keeps what is on disk (issue 21, item 13): the row of the build a run stopped at
stays in builds.jsonl as `interrupted`, and the builds measured after the resume are appended after it:
the bytes that were on disk are still the file's first bytes. Scripted builders, a real run directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import ScriptedBuilder, run_meta, scripted_context

from bench.engine.health import Blocked
from bench.plan import Cell, Measurement, make_plan
from bench.run.resume import reopen, resume_point, rows_on_disk
from bench.run.runner import Runner
from bench.scenario.definition import Scenario
from bench.store.results import BUILDS_FILE, STEPS_FILE, RunWriter, load, read_meta
from bench.store.rows import MeasuredAgain
from bench.vocabulary import BuilderName, CacheSource, ChangeKind

pytestmark = pytest.mark.security

CONFIG_YAML = "repetitions: 2\nwarmup: 0\nseed: 3\n"
ENGINE_GONE = "Cannot connect to the Docker daemon: the engine's daemon is gone"


def _scenario(tmp_path: Path) -> Scenario:
    directory = tmp_path / "proj"
    directory.mkdir(exist_ok=True)
    (directory / "Dockerfile").write_text("FROM scratch\nCOPY . /\n")
    return Scenario("proj", directory, "Dockerfile")


def _plan() -> list[Measurement]:
    cells = [
        Cell("proj", BuilderName.buildkit, CacheSource.none, ChangeKind.none),
        Cell("proj", BuilderName.legacy, CacheSource.none, ChangeKind.none),
    ]
    return make_plan(cells, repetitions=2, warmup=0, seed=3)


def _health(error: str | None) -> Blocked | None:
    return Blocked("the engine's daemon is gone", "bench engine up") if error == ENGINE_GONE else None


def _run(tmp_path: Path, writer: RunWriter, plan: list[Measurement], failing: int | None, resumed: bool):
    """Run `plan`; the builder's call number `failing` (shared count) fails the way a dead engine does."""
    calls = {"n": 0}

    class Builder(ScriptedBuilder):
        def build(self, request):
            record = super().build(request)
            calls["n"] += 1
            if calls["n"] - 1 == failing:
                record.outcome, record.error_tail = type(record.outcome)("failed"), ENGINE_GONE
            return record

    builders = {name: Builder(name, [1.0] * 10) for name in ("buildkit", "legacy")}
    context = scripted_context(
        _scenario(tmp_path),
        builders,
        run_id="r1",
        resumed=resumed,
        health=_health,
        workroot=tmp_path / "builds",
    )
    return Runner(context, writer).run(plan)


def test_the_stopped_build_keeps_its_row_and_the_resume_appends(tmp_path: Path) -> None:
    run_dir, plan = tmp_path / "run", _plan()
    writer = RunWriter(run_dir, run_meta("r1", [m.cell.id for m in plan], config_yaml=CONFIG_YAML))
    tally = _run(tmp_path, writer, plan, failing=1, resumed=False)
    writer.finish("stopped", measured=tally.measured)
    assert tally.stopped is not None and tally.measured == 2
    before = (run_dir / BUILDS_FILE).read_bytes()
    stopped = json.loads(before.splitlines()[-1])
    assert (stopped["seq"], stopped["outcome"]) == (1, "interrupted")
    assert stopped["error_tail"] == ENGINE_GONE, "the engine's cause stays on the row"
    inode = (run_dir / BUILDS_FILE).stat().st_ino

    point = resume_point(run_dir, read_meta(run_dir), plan)
    assert [m.seq for m in point.remaining] == [1, 2, 3], "the stopped build is measured again, first"
    resumed_writer = reopen(point)
    assert (run_dir / BUILDS_FILE).stat().st_ino == inode, "builds.jsonl was not replaced"
    assert [r.seq for r in rows_on_disk(run_dir)] == [0], "an interrupted row is no measurement"
    _run(tmp_path, resumed_writer, point.remaining, failing=None, resumed=True)
    resumed_writer.finish("complete")

    after = (run_dir / BUILDS_FILE).read_bytes()
    assert after.startswith(before), "what was on disk is kept, byte for byte; the new rows follow"
    rows = [json.loads(line) for line in after.splitlines()]
    assert [(r["seq"], r["outcome"]) for r in rows] == [
        (0, "ok"),
        (1, "interrupted"),
        (1, "ok"),
        (2, "ok"),
        (3, "ok"),
    ]
    steps = [json.loads(line)["seq"] for line in (run_dir / STEPS_FILE).read_text().splitlines()]
    assert sorted(set(steps)) == [0, 1, 2, 3] and steps.count(1) == 3, "the interrupted row has no steps"
    run = load(run_dir)
    assert list(run.builds["outcome"]).count("interrupted") == 1
    assert run.meta.resumes[0].measured_again == (
        MeasuredAgain(seq=1, note=f"the run stopped here: {_health(ENGINE_GONE).what}"),
    )


def test_a_second_resume_does_not_measure_the_stopped_build_again(tmp_path: Path) -> None:
    run_dir, plan = tmp_path / "run", _plan()
    writer = RunWriter(run_dir, run_meta("r1", [m.cell.id for m in plan], config_yaml=CONFIG_YAML))
    _run(tmp_path, writer, plan, failing=0, resumed=False)
    point = resume_point(run_dir, read_meta(run_dir), plan)
    _run(tmp_path, reopen(point), point.remaining[:2], failing=None, resumed=True)  # killed after two
    again = resume_point(run_dir, read_meta(run_dir), plan)
    assert [m.seq for m in again.remaining] == [2, 3] and again.stopped_rows == {}


def test_a_torn_row_is_cut_in_place_not_rewritten(tmp_path: Path) -> None:
    run_dir, plan = tmp_path / "run", _plan()
    writer = RunWriter(run_dir, run_meta("r1", [m.cell.id for m in plan], config_yaml=CONFIG_YAML))
    _run(tmp_path, writer, plan[:2], failing=None, resumed=False)
    builds = run_dir / BUILDS_FILE
    whole = builds.read_bytes()
    with builds.open("ab") as handle:
        handle.write(b'{"run_id": "r1", "seq": 2, "cel')  # killed mid-write
    inode = builds.stat().st_ino
    reopen(resume_point(run_dir, read_meta(run_dir), plan))
    assert builds.stat().st_ino == inode and builds.read_bytes() == whole


def test_a_stopped_row_of_schema_5_reads_as_interrupted(tmp_path: Path) -> None:
    """Runs written before: the stopped build's row was `failed` with the note; loaded, it is no failure."""
    run_dir = tmp_path / "v5"
    run_dir.mkdir()
    meta = run_meta("r1", schema_version=5, status="stopped")
    (run_dir / "run.json").write_text(json.dumps(meta.to_json()))
    rows = [
        {"run_id": "r1", "seq": 0, "cell": "a", "outcome": "failed", "notes": ["scripted"]},
        {"run_id": "r1", "seq": 1, "cell": "a", "outcome": "failed", "notes": ["the run stopped here: gone"]},
    ]
    (run_dir / BUILDS_FILE).write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert list(load(run_dir).builds["outcome"]) == ["failed", "interrupted"]
