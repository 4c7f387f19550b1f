"""Resuming an interrupted run (scripted builders): the plan once each, in order; rows marked; files clean."""

from __future__ import annotations

import json
import tempfile
import warnings
from pathlib import Path

import pytest
from fakes import ScriptedBuilder, interrupting_builders, run_meta, scripted_context
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from bench.builders.records import STOPPED_HERE
from bench.plan import Cell, Measurement, make_plan
from bench.run.experiment import summarize
from bench.run.resume import ResumeError, check_config, reopen, resume_point
from bench.run.runner import Runner
from bench.scenario.definition import Scenario
from bench.store.results import (
    BUILDS_FILE,
    STEPS_FILE,
    ResultsError,
    RunWriter,
    TornLineWarning,
    load,
    read_meta,
)
from bench.store.rows import MeasuredAgain
from bench.vocabulary import BuilderName, CacheSource, ChangeKind

CONFIG_YAML = "repetitions: 3\nwarmup: 1\nseed: 7\n"
STEPS_PER_BUILD = 3


def _scenario(tmp_path: Path) -> Scenario:
    directory = tmp_path / "proj"
    (directory / "src").mkdir(parents=True, exist_ok=True)
    (directory / "Dockerfile").write_text("FROM scratch\nCOPY . /\n")
    (directory / "src" / "app.c").write_text("int main(void) { return 0; }\n")
    return Scenario("proj", directory, "Dockerfile", source_change="src/app.c")


def _plan() -> list[Measurement]:
    cells = [
        Cell("proj", BuilderName.buildkit, CacheSource.none, ChangeKind.none),
        Cell("proj", BuilderName.legacy, CacheSource.none, ChangeKind.none),
        Cell("proj", BuilderName.buildkit, CacheSource.local, ChangeKind.source),
    ]
    return make_plan(cells, repetitions=3, warmup=1, seed=7)


def _builders(interrupt_at: int | None = None) -> dict[str, ScriptedBuilder]:
    return interrupting_builders(interrupt_at)


def _runner(tmp_path: Path, writer: RunWriter, builders: dict, resumed: bool = False) -> Runner:
    context = scripted_context(
        _scenario(tmp_path),
        builders,
        run_id=writer.meta.run_id,
        resumed=resumed,
        workroot=tmp_path / "builds",
    )
    return Runner(context, writer)


def _interrupted_run(tmp_path: Path, interrupt_at: int) -> tuple[Path, list[Measurement], int]:
    """A run whose builder is interrupted at its `interrupt_at`-th call; (run dir, plan, builds on disk)."""
    run_dir, plan = tmp_path / "run", _plan()
    writer = RunWriter(run_dir, run_meta("r1", [m.cell.id for m in plan], config_yaml=CONFIG_YAML))
    tally = _runner(tmp_path, writer, _builders(interrupt_at)).run(plan)
    writer.finish("interrupted", measured=tally.measured)
    assert tally.interrupted and 0 < tally.measured < len(plan)
    return run_dir, plan, tally.measured


def _resume(tmp_path: Path, run_dir: Path, plan: list[Measurement]) -> int:
    point = resume_point(run_dir, read_meta(run_dir), plan)
    writer = reopen(point)
    tally = _runner(tmp_path, writer, _builders(), resumed=True).run(point.remaining)
    writer.finish("complete", measured=len(point.done) + tally.measured)
    return len(point.remaining)


def test_a_resumed_run_ends_with_the_plan_once_each_in_the_recorded_order(tmp_path: Path) -> None:
    run_dir, plan, done = _interrupted_run(tmp_path, interrupt_at=7)
    assert _resume(tmp_path, run_dir, plan) == len(plan) - done
    run = load(run_dir)
    assert list(run.builds["seq"]) == list(range(len(plan)))
    assert list(run.builds["cell"]) == list(run.meta.plan.order)
    assert list(run.builds["resumed"]) == [False] * done + [True] * (len(plan) - done)
    assert set(run.builds["run_id"]) == {"r1"}, "the resumed rows belong to the same run"
    assert run.steps.groupby("seq").size().eq(STEPS_PER_BUILD).all()
    assert run.meta.status == "complete" and run.meta.measured == len(plan)
    [entry] = run.meta.resumes
    assert entry.done_before == done and entry.planned == len(plan)


def test_the_summary_says_the_run_was_resumed(tmp_path: Path) -> None:
    run_dir, plan, done = _interrupted_run(tmp_path, interrupt_at=4)
    _resume(tmp_path, run_dir, plan)
    console = Console(record=True, width=200)
    summary_md = summarize(run_dir, console)
    resumed_lines = [line for line in console.export_text().splitlines() if line.startswith("resumed ")]
    assert len(resumed_lines) == 1 and f"after {done} of {len(plan)} builds" in resumed_lines[0]
    assert f"Resumed: {len(plan) - done} of these builds" in summary_md.read_text()


def test_a_torn_last_line_is_measured_again_and_the_files_read_cleanly(tmp_path: Path) -> None:
    run_dir, plan, done = _interrupted_run(tmp_path, interrupt_at=6)
    builds = run_dir / BUILDS_FILE
    rows = builds.read_bytes().splitlines(keepends=True)
    builds.write_bytes(b"".join(rows[:-1]) + rows[-1][: len(rows[-1]) // 2])  # killed mid-write
    (run_dir / STEPS_FILE).open("a").write('{"run_id": "r1", "seq": 99, "na')  # and one step row torn
    point = resume_point(run_dir, read_meta(run_dir), plan)
    assert point.remaining[0].seq == done - 1, "the torn row's build is measured again, first"
    assert point.torn_files == (BUILDS_FILE, STEPS_FILE)
    _resume(tmp_path, run_dir, plan)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TornLineWarning)
        run = load(run_dir)
    assert list(run.builds["seq"]) == list(range(len(plan)))
    assert run.steps.groupby("seq").size().eq(STEPS_PER_BUILD).all(), "no step rows of the torn build twice"
    assert run.builds.loc[done - 1, "resumed"]


def test_failed_builds_before_the_resume_are_remembered(tmp_path: Path) -> None:
    run_dir, plan, _ = _interrupted_run(tmp_path, interrupt_at=5)
    builds = run_dir / BUILDS_FILE
    rows = [json.loads(line) for line in builds.read_text().splitlines()]
    rows[1]["outcome"] = "failed"
    builds.write_text("".join(json.dumps(row) + "\n" for row in rows))
    point = resume_point(run_dir, read_meta(run_dir), plan)
    assert point.failed_before == (plan[1].cell.id,)


def test_the_build_an_engine_fault_stopped_is_measured_again(tmp_path: Path) -> None:
    run_dir, plan, done = _interrupted_run(tmp_path, interrupt_at=5)
    builds = run_dir / BUILDS_FILE
    rows = [json.loads(line) for line in builds.read_text().splitlines()]
    rows[-1].update(outcome="interrupted", notes=[f"{STOPPED_HERE}: the engine's daemon is gone"])
    builds.write_text("".join(json.dumps(row) + "\n" for row in rows))
    steps = [line for line in (run_dir / STEPS_FILE).read_text().splitlines(keepends=True)]
    (run_dir / STEPS_FILE).write_text("".join(s for s in steps if json.loads(s)["seq"] != done - 1))
    _resume(tmp_path, run_dir, plan)
    run = load(run_dir)
    assert list(run.builds["seq"]) == [*range(done), *range(done - 1, len(plan))], "the stopped row is kept"
    again = run.builds.iloc[done]
    assert again["seq"] == done - 1 and again["resumed"] and again["outcome"] == "ok"
    assert run.builds.iloc[done - 1]["outcome"] == "interrupted"
    assert run.steps.groupby("seq").size().eq(STEPS_PER_BUILD).all()
    assert run.meta.resumes[0].measured_again == (
        MeasuredAgain(seq=done - 1, note=f"{STOPPED_HERE}: the engine's daemon is gone"),
    )


def test_a_complete_run_has_nothing_left(tmp_path: Path) -> None:
    run_dir, plan, _ = _interrupted_run(tmp_path, interrupt_at=3)
    _resume(tmp_path, run_dir, plan)
    assert resume_point(run_dir, read_meta(run_dir), plan).remaining == []


def test_another_config_is_refused_naming_the_difference(tmp_path: Path) -> None:
    run_dir, _, _ = _interrupted_run(tmp_path, interrupt_at=3)
    with pytest.raises(ResumeError, match=r"repetitions: 3 in the run, 10 given") as caught:
        check_config(run_dir, read_meta(run_dir), CONFIG_YAML.replace("repetitions: 3", "repetitions: 10"))
    assert "seed" not in str(caught.value)
    check_config(run_dir, read_meta(run_dir), CONFIG_YAML)  # the same config passes


def test_another_plan_or_foreign_rows_are_refused(tmp_path: Path) -> None:
    run_dir, plan, _ = _interrupted_run(tmp_path, interrupt_at=3)
    with pytest.raises(ResumeError, match="plan"):
        resume_point(run_dir, read_meta(run_dir), plan[:-1])
    row = json.loads((run_dir / BUILDS_FILE).read_text().splitlines()[0])
    with (run_dir / BUILDS_FILE).open("a") as handle:
        handle.write(json.dumps({**row, "seq": 1, "cell": "other|cell"}) + "\n")
    with pytest.raises(ResumeError, match="seq 1"):
        resume_point(run_dir, read_meta(run_dir), plan)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.integers(min_value=0, max_value=2000))
def test_any_builds_file_is_resumed_from_or_refused_with_a_results_error(junk: bytes, cut: int) -> None:
    """Whatever a kill, a disk or a person left in builds.jsonl: a resume point, or ResultsError."""
    plan = _plan()
    rows = [
        json.dumps({"run_id": "r1", "seq": m.seq, "cell": m.cell.id, "outcome": "ok"}).encode() for m in plan
    ]
    meta = run_meta("r1", [m.cell.id for m in plan], schema_version=3, config_yaml=CONFIG_YAML)
    with tempfile.TemporaryDirectory() as directory:
        run_dir = Path(directory)
        data = b"\n".join(rows) + b"\n"
        for content in (data[:cut], data[:cut] + junk, junk):
            (run_dir / BUILDS_FILE).write_bytes(content)
            try:
                point = resume_point(run_dir, meta, plan)
            except ResultsError as error:
                assert BUILDS_FILE in str(error)
            else:
                assert sorted(point.done | {m.seq for m in point.remaining}) == list(range(len(plan)))
