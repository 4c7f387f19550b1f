"""The results store: rows on disk as written, torn last lines survive, schema versions are enforced."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from fakes import run_meta, stored_row

from bench.store.results import (
    BUILDS_FILE,
    META_FILE,
    SCHEMA_VERSION,
    STEPS_FILE,
    ResultsError,
    RunWriter,
    TornLineWarning,
    ends_torn,
    load,
)
from bench.store.rows import BuildRow, StepRow, added_by


def _row(seq: int, wall: float | None, outcome: str = "ok") -> BuildRow:
    return stored_row(seq, repetition=seq, outcome=outcome, wall_s=wall)


def _step(name: str, seq: int = 0) -> StepRow:
    return StepRow(run_id="r1", seq=seq, cell="s|buildkit|none|none", builder="buildkit", index=0, name=name)


def test_rows_written_are_loaded_with_steps(tmp_path: Path) -> None:
    writer = RunWriter(tmp_path, run_meta("r1"))
    writer.add_build(_row(0, 1.5), [_step("[a 1/2] RUN x")])
    writer.add_build(_row(1, None, "failed"), [])
    run = load(tmp_path)
    assert run.meta.status == "running" and not run.complete
    assert list(run.builds["seq"]) == [0, 1]
    assert run.builds["wall_s"].iloc[0] == 1.5 and run.builds["wall_s"].isna().iloc[1]
    assert list(run.steps["name"]) == ["[a 1/2] RUN x"]
    writer.finish("complete")
    assert load(tmp_path).complete


def test_torn_last_line_is_skipped_with_a_warning(tmp_path: Path) -> None:
    writer = RunWriter(tmp_path, run_meta("r1"))
    writer.add_build(_row(0, 2.0), [])
    with open(tmp_path / BUILDS_FILE, "a") as handle:
        handle.write('{"run_id": "r1", "seq": 1, "wal')
    with pytest.warns(UserWarning, match="cut short"):
        run = load(tmp_path)
    assert list(run.builds["seq"]) == [0]


def test_a_line_cut_inside_a_character_is_a_torn_line_not_a_crash(tmp_path: Path) -> None:
    """A kill can split a multi-byte character; the warning names the file and the line."""
    writer = RunWriter(tmp_path, run_meta("r1"))
    writer.add_build(_row(0, 2.0), [])
    writer.add_build(_row(1, 2.5), [])
    with open(tmp_path / BUILDS_FILE, "ab") as handle:
        handle.write('{"run_id": "r1", "seq": 2, "note": "caf\u00e9'.encode()[:-1])
    with pytest.warns(TornLineWarning, match=rf"{BUILDS_FILE}:3: the last line is cut short"):
        run = load(tmp_path)
    assert list(run.builds["seq"]) == [0, 1]


def test_a_torn_file_warns_at_every_load(tmp_path: Path) -> None:
    """No columnar copy is made of a torn file: a second load must not hide the cut line."""
    writer = RunWriter(tmp_path, run_meta("r1"))
    writer.add_build(_row(0, 2.0), [_step("RUN x")])
    with open(tmp_path / STEPS_FILE, "a") as handle:
        handle.write('{"run_id": "r1", "seq": 1, "ind')
    for _ in range(2):
        with pytest.warns(TornLineWarning, match=rf"{STEPS_FILE}:2:"):
            run = load(tmp_path)
        assert list(run.steps["name"]) == ["RUN x"]
    assert ends_torn(tmp_path / STEPS_FILE) and not ends_torn(tmp_path / BUILDS_FILE)
    assert not ends_torn(tmp_path / "missing.jsonl")


def test_a_damaged_line_before_the_last_is_an_error_naming_it(tmp_path: Path) -> None:
    writer = RunWriter(tmp_path, run_meta("r1"))
    with open(tmp_path / BUILDS_FILE, "a") as handle:
        handle.write('{"run_id": "r1", "se\n')
    writer.add_build(_row(1, 2.0), [])
    with pytest.raises(ResultsError, match=rf"{BUILDS_FILE}:1 is not valid JSON"):
        load(tmp_path)


def test_newer_schema_is_refused_and_non_runs_are_named(tmp_path: Path) -> None:
    RunWriter(tmp_path, run_meta("r1"))
    meta = json.loads((tmp_path / META_FILE).read_text())
    meta["schema_version"] = SCHEMA_VERSION + 1
    (tmp_path / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(ResultsError, match="newer than this bench"):
        load(tmp_path)
    with pytest.raises(ResultsError, match="not a bench run directory"):
        load(tmp_path / "elsewhere")


def test_v1_rows_get_native_platform_and_summarize_without_work_step_columns(tmp_path: Path) -> None:
    """Runs from before platforms and work-step counts load with `native` and print a summary."""
    from rich.console import Console

    from bench.report.files import print_report
    from bench.report.model import build_report

    RunWriter(tmp_path, run_meta("r1"))
    meta = json.loads((tmp_path / META_FILE).read_text())
    meta["schema_version"] = 1
    (tmp_path / META_FILE).write_text(json.dumps(meta))
    v1 = set(added_by(1)) - {"platform"}  # rows from before platforms had none
    rows = [
        {k: v for k, v in replace(_row(seq, 2.0 + seq / 10), cache=cache).to_json().items() if k in v1}
        for seq, cache in enumerate(["local", "cross-builder"] * 3)
    ]
    (tmp_path / BUILDS_FILE).write_text("".join(json.dumps(r) + "\n" for r in rows))
    run = load(tmp_path)
    assert set(run.builds["platform"]) == {"native"}
    assert run.builds["work_steps_cached"].isna().all()
    console = Console(record=True, width=120)
    print_report(build_report([run], n_resamples=199), console)
    assert "cross-builder" in console.export_text()
