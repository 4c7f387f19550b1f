"""The Parquet copies of a run's tables: same frames as the JSON lines, never stale, never required."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from fakes import run_meta, stored_row

from bench.store import columnar
from bench.store.results import BUILDS_FILE, STEPS_FILE, RunWriter, load
from bench.store.rows import BuildRow, StepRow


def _row(seq: int, env: dict, flags: list[str]) -> BuildRow:
    return stored_row(
        seq,
        wall_s=1.0 + seq,
        flags=tuple(flags),
        env=env,
        argv=("docker", "buildx", "build", f"--tag=t:{seq}"),
        engine_before={"images": seq} if seq else None,
    )


def _step(seq: int) -> StepRow:
    cell = "s|buildkit|none|none"
    return StepRow(
        run_id="r1", seq=seq, cell=cell, builder="buildkit", index=0, name="RUN x", cached=bool(seq % 2)
    )


def _run(tmp_path: Path) -> RunWriter:
    writer = RunWriter(tmp_path, run_meta("r1"))
    writer.add_build(_row(0, {"DOCKER_BUILDKIT": "1"}, []), [_step(0)])
    writer.add_build(_row(1, {"OTHER": "x"}, ["engine-not-empty"]), [_step(1)])
    return writer


def test_second_load_reads_the_copies_and_gives_the_same_frames(tmp_path: Path) -> None:
    _run(tmp_path)
    first = load(tmp_path)
    assert (tmp_path / columnar.DIRECTORY / "builds.parquet").exists()
    second = load(tmp_path)
    pd.testing.assert_frame_equal(first.builds, second.builds)
    pd.testing.assert_frame_equal(first.steps, second.steps)
    # dicts with different keys come back as they were written, no keys invented for the other rows
    assert second.builds["env"].tolist() == [{"DOCKER_BUILDKIT": "1"}, {"OTHER": "x"}]
    assert second.builds["flags"].tolist() == [[], ["engine-not-empty"]]
    assert second.builds["engine_before"].tolist() == [None, {"images": 1}]


def test_a_copy_is_not_used_once_rows_were_appended(tmp_path: Path) -> None:
    writer = _run(tmp_path)
    load(tmp_path)
    writer.add_build(_row(2, {}, []), [_step(2)])
    run = load(tmp_path)
    assert run.builds["seq"].tolist() == [0, 1, 2] and run.steps["seq"].tolist() == [0, 1, 2]


def test_a_copy_of_other_content_is_ignored(tmp_path: Path) -> None:
    """A copy whose key does not match its source (e.g. copied from another run) is never read."""
    _run(tmp_path)
    load(tmp_path)
    source = tmp_path / BUILDS_FILE
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert columnar.read(source, "3:3") is None


def test_damaged_copies_and_read_only_runs_still_load(tmp_path: Path) -> None:
    _run(tmp_path)
    load(tmp_path)
    (tmp_path / columnar.DIRECTORY / "steps.parquet").write_bytes(b"not parquet")
    assert load(tmp_path).steps["seq"].tolist() == [0, 1]


def test_write_failure_leaves_nothing(tmp_path: Path) -> None:
    _run(tmp_path)
    (tmp_path / columnar.DIRECTORY).write_text("a file where the directory should be")
    frame = pd.DataFrame({"a": [1]})
    assert columnar.write(tmp_path / STEPS_FILE, "k", frame) is False
    assert load(tmp_path).builds["seq"].tolist() == [0, 1]
