"""`--export-json/--export-csv/--export-markdown` of `bench summary` and `bench compare`: the tables a
reader sees, as files other tools read, with the same numbers and the one speedup direction."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from report_runs import COLD_WIN, write_run


def _bench(*args: str) -> subprocess.CompletedProcess:
    code = "import sys; from bench.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300)


def test_summary_exports_its_cells_and_speedups(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", COLD_WIN)
    out = {kind: tmp_path / f"summary.{kind}" for kind in ("json", "csv", "md")}
    done = _bench(
        "summary", str(run), "--export-json", str(out["json"]), "--export-csv", str(out["csv"]),
        "--export-markdown", str(out["md"]),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    exported = json.loads(out["json"].read_text())
    cells = {(c["builder"], c["cache"]): c for c in exported["cells"]}
    assert cells[("buildkit", "none")]["median_s"] == 10.1 and cells[("legacy", "none")]["median_s"] == 20.2
    cold = next(s for s in exported["builder_speedups"] if s["cache"] == "none")
    assert abs(cold["speedup"] - 20.2 / 10.1) < 1e-9, "legacy / BuildKit: above 1, BuildKit is faster"
    rows = list(csv.DictReader(out["csv"].open()))
    assert len(rows) == 4 and {float(r["median_s"]) for r in rows} == {20.2, 10.1, 5.05, 2.02}
    assert out["md"].read_text() == (run / "summary.md").read_text()


def test_compare_exports_the_cells_with_their_status(tmp_path: Path) -> None:
    base = write_run(tmp_path / "base", COLD_WIN)
    slower = {key: [t * 2 for t in times] for key, times in COLD_WIN.items()}
    new = write_run(tmp_path / "new", slower, run_id="run-new")
    out_json, out_md = tmp_path / "cmp.json", tmp_path / "cmp.md"
    done = _bench(
        "compare", str(base), str(new), "--resamples", "199", "--export-json", str(out_json),
        "--export-markdown", str(out_md),
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr  # every cell regressed
    exported = json.loads(out_json.read_text())
    assert exported["regressions"] == 4 and exported["base"] == str(base)
    assert all(abs(c["speedup"] - 0.5) < 1e-9 for c in exported["cells"]), "base / new: half as fast"
    assert all(c["status"] == "regression" for c in exported["cells"])
    assert out_md.read_text().count("regression") == 4 and "0.50" in out_md.read_text()
