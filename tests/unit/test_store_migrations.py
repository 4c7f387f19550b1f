"""Runs of every older schema load: rows migrated to this bench's (bench/store/migrations.py), then run.json
typed (bench/store/rows.py RunMeta), with what an older bench did not record at its "not recorded" default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.store.migrations import V4_BUILD_COLUMNS, migrate
from bench.store.results import BUILDS_FILE, META_FILE, SCHEMA_VERSION, load, read_meta
from bench.store.rows import EngineMeta, RunMeta, added_by

ROOT = Path(__file__).resolve().parents[2]
#: run.json of the first schema, key for key what bench wrote then (its writer added the first two).
V1_META = {
    "schema_version": 1,
    "status": "complete",
    "run_id": "20261126T160000-abcdef",
    "started_at": "2026-11-26T16:00:00+00:00",
    "scenario": {
        "name": "tiny",
        "directory": "/srv/bench/scenarios/tiny",
        "target": None,
        "source_change": "app.txt",
        "description": "the smallest scenario",
    },
    "engine": {"name": "dedicated", "context": "bench", "owned": True},
    "config_hash": "0123456789abcdef",
    "config_yaml": "scenario:\n  name: tiny\n",
    "plan": {"seed": 0, "repetitions": 1, "warmup": 0, "order": ["tiny|legacy|none|none"]},
    "environment": {"kernel": "6.1.0"},
    "finished_at": "2026-11-26T16:01:00+00:00",
    "measured": 1,
}
V1_ROW = {
    "run_id": "20261126T160000-abcdef",
    "seq": 0,
    "round": 0,
    "repetition": 0,
    "warmup": False,
    "cell": "tiny|legacy|none|none",
    "scenario": "tiny",
    "builder": "legacy",
    "cache": "none",
    "change": "none",
    "engine": "dedicated",
    "outcome": "ok",
    "wall_s": 4.5,
}


def test_a_v1_run_is_migrated_then_typed(tmp_path: Path) -> None:
    (tmp_path / META_FILE).write_text(json.dumps(V1_META))
    (tmp_path / BUILDS_FILE).write_text(json.dumps(V1_ROW) + "\n")
    run = load(tmp_path)
    assert run.meta.schema_version == 1 and run.meta.status == "complete" and run.meta.measured == 1
    assert run.meta.engine == EngineMeta(
        name="dedicated", context="bench", owned=True, host=None, image_store=None
    )
    assert (run.meta.plan.pairing, run.meta.plan.pairs, run.meta.plan.precision) == ("independent", (), None)
    assert (run.meta.node, run.meta.batch_job, run.meta.network, run.meta.resumes) == ("", None, None, ())
    row = run.builds.iloc[0]
    assert (row["build_s"], row["link"], row["link_delay_ms"], row["platform"]) == (
        4.5,
        "loopback",
        0.0,
        "native",
    )
    assert run.builds[list(V4_BUILD_COLUMNS)].isna().all().all()


def test_migrate_brings_a_stopped_v5_row_to_interrupted_and_leaves_current_rows_alone() -> None:
    stopped = {**V1_ROW, "outcome": "failed", "notes": ["the run stopped here: the engine's daemon is gone"]}
    builds, _ = migrate([dict(stopped)], [], 5)
    assert builds[0]["outcome"] == "interrupted"
    assert migrate([dict(stopped)], [], SCHEMA_VERSION)[0] == [stopped]
    v1, _ = migrate([dict(V1_ROW)], [], 1)
    added = {*added_by(2), *added_by(3), *added_by(4), *added_by(5), *added_by(7), "platform"}
    assert set(v1[0]) == set(V1_ROW) | added


def test_a_v6_run_does_not_say_what_its_builds_reused_within_themselves() -> None:
    """Schema 7 split a legacy build's reuse of its own layers out of `cached`; a v6 row did not tell
    them apart, so both new columns are null, not 0 or False, and its counts stay as they were."""
    v6_step = {"run_id": "r", "seq": 0, "cell": "c", "builder": "legacy", "index": 3, "name": "WORKDIR /src"}
    builds, steps = migrate([{**V1_ROW, "steps_cached": 1}], [{**v6_step, "cached": True}], 6)
    assert (builds[0]["steps_reused_in_build"], builds[0]["steps_cached"]) == (None, 1)
    assert (steps[0]["reused_in_build"], steps[0]["cached"]) == (None, True)


@pytest.mark.parametrize(
    "run_dir",
    sorted(path.parent for path in (ROOT / "results" / "reference").rglob(META_FILE)),
    ids=lambda path: str(path.relative_to(ROOT / "results" / "reference")),
)
def test_the_committed_references_read_typed_and_lose_nothing(run_dir: Path) -> None:
    document = json.loads((run_dir / META_FILE).read_text())
    meta = read_meta(run_dir)
    assert isinstance(meta, RunMeta) and meta.schema_version == document["schema_version"] < SCHEMA_VERSION
    assert _within(document, meta.to_json())


def _within(document: object, written: object) -> bool:
    """Every key of `document` is in `written` with the same value (written may add defaults)."""
    if isinstance(document, dict) and isinstance(written, dict):
        return all(key in written and _within(value, written[key]) for key, value in document.items())
    return document == written
