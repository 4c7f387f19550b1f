"""The row types are the stored schema: what is written is what loads, and nothing undeclared is written."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import MISSING, fields, replace
from pathlib import Path

import pytest
from fakes import run_meta, stored_row

from bench.store.migrations import (
    V2_BUILD_COLUMNS,
    V3_BUILD_COLUMNS,
    V4_BUILD_COLUMNS,
    V5_BUILD_COLUMNS,
    V7_BUILD_COLUMNS,
)
from bench.store.results import (
    BUILD_COLUMNS,
    META_FILE,
    SCHEMA_VERSION,
    ResultsError,
    RunWriter,
    load,
    read_meta,
)
from bench.store.rows import (
    BuildRow,
    EngineMeta,
    MeasuredAgain,
    PlanMeta,
    ResumeMeta,
    RunMeta,
    StepRow,
    added_by,
)

#: The fields every row must be given (a cell's identity and outcome); stored_row fills them.
REQUIRED = {f.name for f in fields(BuildRow) if f.default is MISSING and f.default_factory is MISSING}


def _every_field_set() -> BuildRow:
    """A row with a non-null value in every field, of the field's kind."""
    values: dict[str, object] = {}
    for f in fields(BuildRow):
        if f.name in REQUIRED:
            continue
        kind = str(f.type)
        if "float" in kind:
            values[f.name] = 1.5
        elif "bool" in kind:
            values[f.name] = True
        elif "int" in kind and "dict" not in kind:
            values[f.name] = 7
        elif "dict" in kind:
            values[f.name] = {"k": 1}
        elif "tuple" in kind or "Sequence" in kind:
            values[f.name] = ("x",)
        else:
            values[f.name] = f"{f.name}-value"
    return stored_row(**values)


def test_a_key_that_is_not_a_column_cannot_be_written() -> None:
    with pytest.raises(TypeError, match="undeclared"):
        stored_row(undeclared=1)


def test_every_field_written_loads_back_with_its_value(tmp_path: Path) -> None:
    row = _every_field_set()
    writer = RunWriter(tmp_path, run_meta("r1"))
    writer.add_build(
        row, [StepRow(run_id="r1", seq=0, cell=row.cell, builder="buildkit", index=0, name="RUN x")]
    )
    loaded = load(tmp_path).builds.iloc[0]
    assert list(load(tmp_path).builds.columns) == list(BUILD_COLUMNS)
    for column, value in row.to_json().items():
        stored = loaded[column]
        assert (list(stored) if isinstance(value, tuple) else stored) == (
            list(value) if isinstance(value, tuple) else value
        ), column


def test_the_columns_each_schema_added_partition_the_row() -> None:
    assert added_by(2) == V2_BUILD_COLUMNS and added_by(3) == V3_BUILD_COLUMNS
    assert added_by(4) == V4_BUILD_COLUMNS and "cpu_user_s" in V4_BUILD_COLUMNS
    assert added_by(5) == V5_BUILD_COLUMNS == ("node",)
    assert added_by(6) == () and added_by(7) == V7_BUILD_COLUMNS
    assert "steps_reused_in_build" in V7_BUILD_COLUMNS
    assert tuple(c for v in range(1, SCHEMA_VERSION + 1) for c in added_by(v)) == BUILD_COLUMNS
    assert "resumed" in V3_BUILD_COLUMNS and "build_s" in V2_BUILD_COLUMNS and "wall_s" in added_by(1)


def _every_meta_field_set() -> RunMeta:
    """run.json's metadata with a value in every field: nested types, tuples of tuples, a resume."""
    order = ("s|legacy|none|none", "s|legacy|local|source")
    resume = ResumeMeta(
        at="2026-01-01T00:05:00+00:00",
        done_before=1,
        planned=2,
        torn_files=("builds.jsonl",),
        measured_again=(MeasuredAgain(seq=1, note="the run stopped here: gone"),),
        environment_changed=(),
    )
    return run_meta(
        "r1",
        engine=EngineMeta(
            name="dedicated", context="bench", owned=True, host="unix:///x.sock", image_store="containerd"
        ),
        plan=PlanMeta(
            seed=7,
            repetitions="auto",
            warmup=1,
            order=order,
            pairing="paired",
            pairs=((0, 1),),
            precision={"target": 0.03, "min": 3.0, "max": 15.0},
        ),
        environment={"kernel": "6.1.0", "cpu_count": 2},
        node="n1",
        batch_job={"scheduler": "slurm", "job_id": "42"},
        network="host",
        resumes=(resume,),
    )


def test_run_meta_written_by_the_writer_reads_back_equal(tmp_path: Path) -> None:
    meta = _every_meta_field_set()
    writer = RunWriter(tmp_path, meta)
    assert (
        read_meta(tmp_path) == writer.meta == replace(meta, schema_version=SCHEMA_VERSION, status="running")
    )
    writer.finish("complete", finished_at="2026-01-01T00:10:00+00:00", measured=2)
    ended = replace(meta, status="complete", finished_at="2026-01-01T00:10:00+00:00", measured=2)
    assert read_meta(tmp_path) == ended and load(tmp_path).meta == ended
    assert json.loads((tmp_path / META_FILE).read_text())["resumes"][0]["environment_changed"] == []


def test_run_json_of_a_running_run_has_the_keys_it_always_had(tmp_path: Path) -> None:
    """No end and no resumes until there are some: the file is what bench wrote before it read it typed."""
    RunWriter(tmp_path, run_meta("r1"))
    assert list(json.loads((tmp_path / META_FILE).read_text())) == [
        "schema_version",
        "status",
        "run_id",
        "started_at",
        "scenario",
        "engine",
        "config_hash",
        "config_yaml",
        "plan",
        "environment",
        "node",
        "batch_job",
        "network",
    ]


NEWER = f"written by a newer bench (schema {SCHEMA_VERSION})"


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            lambda m: m.update(cadence=3),
            f"`cadence` that this bench does not know: {NEWER}; fix: update bench",
        ),
        (lambda m: m["plan"].update(cadence=3), "has `plan.cadence` that this bench does not know"),
        (lambda m: m["engine"].pop("name"), "lacks `engine.name`, which every bench writes"),
        (lambda m: m.pop("environment"), "lacks `environment`, which every bench writes"),
        (lambda m: m["plan"].update(order=3), ": plan.order is the number 3 where bench writes a list"),
        (lambda m: m.update(scenario="tiny"), ": scenario is a string where bench writes an object"),
    ],
)
def test_run_json_that_does_not_fit_the_type_is_one_line_saying_what_to_do(
    tmp_path: Path, change: Callable[[dict], object], said: str
) -> None:
    RunWriter(tmp_path, run_meta("r1"))
    document = json.loads((tmp_path / META_FILE).read_text())
    change(document)
    (tmp_path / META_FILE).write_text(json.dumps(document))
    with pytest.raises(ResultsError) as raised:
        load(tmp_path)
    line = raised.value.one_line()
    assert said in line and line.startswith(str(tmp_path / META_FILE)) and "\n" not in line, line
