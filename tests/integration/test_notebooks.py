"""The review notebooks (jupytext text form) run top to bottom against a small recorded run."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbclient
import pytest

from bench.composition import PROJECT_ROOT

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("*.py"))
RECORDED_RUN = PROJECT_ROOT / "tests" / "fixtures" / "runs" / "tiny"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes_and_draws(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_RUN_DIR", str(RECORDED_RUN))
    monkeypatch.setenv("BENCH_FIGURE_DIR", str(tmp_path / "figures"))
    notebook = jupytext.read(path)
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError with the cell's traceback if any cell fails
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the notebook drew no figure"


def test_there_are_notebooks_in_paired_text_form() -> None:
    assert {p.stem for p in NOTEBOOKS} >= {"review_run", "where_time_goes"}
    for path in NOTEBOOKS:
        assert "formats: ipynb,py:percent" in path.read_text()
