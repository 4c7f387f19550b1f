"""load() reads steps.jsonl with pyarrow when it can, and gives the same table as the line-by-line reader."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from report_runs import COLD_WIN, write_run

from bench.store import results
from bench.store.results import STEPS_FILE, load


def test_fast_steps_equal_the_line_by_line_rows(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "run", COLD_WIN)
    fast = results._read_steps_fast(run_dir / STEPS_FILE)
    assert fast is not None
    slow = pd.DataFrame(results._read_rows(run_dir / STEPS_FILE), columns=list(results.STEP_COLUMNS))
    assert list(fast.columns) == list(slow.columns) and len(fast) == len(slow) == 35
    for column in fast.columns:
        for a, b in zip(fast[column], slow[column], strict=True):
            missing = (a is None or (isinstance(a, float) and math.isnan(a))) and (
                b is None or (isinstance(b, float) and math.isnan(b))
            )
            assert missing or a == b, (column, a, b)
    assert load(run_dir).steps["stage"].isna().sum() == 5  # BuildKit's [internal] steps have no stage


def test_a_torn_step_line_falls_back_to_the_reader_that_warns(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "run", COLD_WIN)
    with open(run_dir / STEPS_FILE, "a") as handle:
        handle.write('{"run_id": "run-a", "seq": 99, "na')
    assert results._read_steps_fast(run_dir / STEPS_FILE) is None
    with pytest.warns(UserWarning, match="cut short"):
        run = load(run_dir)
    assert len(run.steps) == 35
