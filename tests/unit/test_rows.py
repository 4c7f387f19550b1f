"""The row types are the stored schema: what is written is what loads, and nothing undeclared is written."""

from __future__ import annotations

from dataclasses import MISSING, fields
from pathlib import Path

import pytest
from fakes import stored_row

from bench.store.results import (
    BUILD_COLUMNS,
    V2_BUILD_COLUMNS,
    V3_BUILD_COLUMNS,
    V4_BUILD_COLUMNS,
    V5_BUILD_COLUMNS,
    RunWriter,
    load,
)
from bench.store.rows import BuildRow, StepRow, added_by

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
    writer = RunWriter(tmp_path, {"run_id": "r1"})
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
    assert (*added_by(1), *added_by(2), *added_by(3), *added_by(4), *added_by(5)) == BUILD_COLUMNS
    assert "resumed" in V3_BUILD_COLUMNS and "build_s" in V2_BUILD_COLUMNS and "wall_s" in added_by(1)
