"""The results store: rows on disk as written, torn last lines survive, schema versions are enforced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.results import BUILDS_FILE, META_FILE, SCHEMA_VERSION, ResultsError, RunWriter, load


def _row(seq: int, wall: float | None, outcome: str = "ok") -> dict:
    return {
        "run_id": "r1",
        "seq": seq,
        "cell": "s|buildkit|none|none",
        "builder": "buildkit",
        "cache": "none",
        "change": "none",
        "outcome": outcome,
        "wall_s": wall,
        "flags": [],
        "warmup": False,
    }


def test_rows_written_are_loaded_with_steps(tmp_path: Path) -> None:
    writer = RunWriter(tmp_path, {"run_id": "r1"})
    writer.add_build(
        _row(0, 1.5), [{"run_id": "r1", "seq": 0, "index": 0, "name": "[a 1/2] RUN x", "cached": False}]
    )
    writer.add_build(_row(1, None, "failed"), [])
    run = load(tmp_path)
    assert run.meta["status"] == "running" and not run.complete
    assert list(run.builds["seq"]) == [0, 1]
    assert run.builds["wall_s"].iloc[0] == 1.5 and run.builds["wall_s"].isna().iloc[1]
    assert list(run.steps["name"]) == ["[a 1/2] RUN x"]
    writer.finish("complete")
    assert load(tmp_path).complete


def test_torn_last_line_is_skipped_with_a_warning(tmp_path: Path) -> None:
    writer = RunWriter(tmp_path, {"run_id": "r1"})
    writer.add_build(_row(0, 2.0), [])
    with open(tmp_path / BUILDS_FILE, "a") as handle:
        handle.write('{"run_id": "r1", "seq": 1, "wal')
    with pytest.warns(UserWarning, match="incomplete"):
        run = load(tmp_path)
    assert list(run.builds["seq"]) == [0]


def test_newer_schema_is_refused_and_non_runs_are_named(tmp_path: Path) -> None:
    RunWriter(tmp_path, {"run_id": "r1"})
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

    from bench.summary.terminal import print_summary

    RunWriter(tmp_path, {"run_id": "r1"})
    meta = json.loads((tmp_path / META_FILE).read_text())
    meta["schema_version"] = 1
    (tmp_path / META_FILE).write_text(json.dumps(meta))
    rows = [{**_row(seq, 2.0 + seq / 10), "cache": cache, "scenario": "s"} for seq, cache in
            enumerate(["local", "cross-builder"] * 3)]  # fmt: skip
    (tmp_path / BUILDS_FILE).write_text("".join(json.dumps(r) + "\n" for r in rows))
    run = load(tmp_path)
    assert set(run.builds["platform"]) == {"native"}
    assert run.builds["work_steps_cached"].isna().all()
    console = Console(record=True, width=120)
    print_summary(run.builds, console=console)
    assert "cross-builder" in console.export_text()
