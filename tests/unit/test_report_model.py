"""The report on recorded runs: tables recomputed by hand, the claims on real data, the Markdown golden file.

tests/fixtures/runs/tiny is a real `bench run scenario=tiny repetitions=3 warmup=0` of this machine;
results/reference/multistage is the committed reference run. Regenerate the golden file after an
intended change with `BENCH_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_report_model.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from bench.composition import PROJECT_ROOT
from bench.report.claims import registry as claims
from bench.report.export import render
from bench.report.figures import draw_all
from bench.report.figures.timeline import representative
from bench.report.model import build_report
from bench.report.sections import document
from bench.store.results import load

TINY = PROJECT_ROOT / "tests" / "fixtures" / "runs" / "tiny"
REFERENCE = PROJECT_ROOT / "results" / "reference" / "multistage"
GOLDEN = PROJECT_ROOT / "tests" / "fixtures" / "golden" / "tiny-report.md"
N = 999


@pytest.fixture(scope="module")
def tiny():
    return build_report([load(TINY)], n_resamples=N)


def test_cell_table_matches_the_raw_rows(tiny) -> None:
    rows = tiny.builds[~tiny.builds["warmup"].astype(bool)]
    assert len(tiny.cells) == rows["cell"].nunique() == 4
    for _, cell in tiny.cells.iterrows():
        mine = rows[rows["cell"] == cell["cell"]]
        ok = mine.loc[mine["outcome"] == "ok", "wall_s"].to_numpy(dtype=float)
        assert cell["n_ok"] == ok.size == 3
        assert cell["median_s"] == pytest.approx(np.median(ok))
        q1, q3 = np.percentile(ok, [25, 75])
        assert cell["iqr_s"] == pytest.approx(q3 - q1)
        assert ok.min() <= cell["ci_low_s"] <= cell["median_s"] <= cell["ci_high_s"] <= ok.max()


def test_speedups_are_ratios_of_the_cell_medians(tiny) -> None:
    med = {(c["builder"], c["cache"]): c["median_s"] for _, c in tiny.cells.iterrows()}
    assert sorted(tiny.builder_speedups["cache"]) == ["local", "none"]  # legacy against BuildKit, per cache
    for _, s in tiny.builder_speedups.iterrows():
        assert s["speedup"] == pytest.approx(med[("legacy", s["cache"])] / med[("buildkit", s["cache"])])
    for _, s in tiny.cache_speedups.iterrows():
        assert s["speedup"] == pytest.approx(med[(s["builder"], "none")] / med[(s["builder"], s["cache"])])
    assert len(tiny.cache_speedups) == 2  # local against none, for each builder


def test_timeline_picks_the_build_closest_to_the_median(tiny) -> None:
    rows = tiny.builds[tiny.builds["cell"] == tiny.cells.iloc[0]["cell"]]
    rep = representative(rows)
    distance = (rows["wall_s"] - rows["wall_s"].median()).abs()
    assert rep["seq"] == rows.loc[distance.idxmin(), "seq"]


def test_c1_on_the_reference_run_reads_the_real_mechanisms() -> None:
    report = build_report([load(REFERENCE)], n_resamples=N)
    c1 = report.claims[0]
    assert c1.verdict == claims.SUPPORTED, c1.numbers
    text = "\n".join(c1.numbers)
    assert "stages legacy built and BuildKit skipped: debug" in text
    assert "legacy cold builds with stages running at the same time: 0 of" in text
    assert report.completeness[0].complete


def test_markdown_matches_the_golden_file(tiny, tmp_path: Path) -> None:
    text = render(document(tiny, draw_all(tiny, tmp_path)), "markdown")
    if os.environ.get("BENCH_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
