"""Everything the rows claim is in the exports (issue 24 item 5): each cell's quality flags with their counts
and the reason each means, the flagged builds, the claims' verdicts in `bench summary --export-json`, and
each cell's n and flags on both sides of `bench compare --export-json/--export-csv`.

The runs are written with the real RunWriter (tests/report_runs.py) and exported by the real command line,
so the files checked are the files a user gets; field names are those docs/reports.md lists.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from report_runs import COLD_WIN, write_run

from bench.report.flag_records import flag_records
from bench.report.model import build_report
from bench.store import quality
from bench.store.results import load

#: the reason of cold-had-cached-steps: its description, the one text the report and the exports give
COLD_CACHED = quality.DESCRIPTIONS[quality.COLD_HAD_CACHED_STEPS]
#: (builder, cache, repetition) -> flags: two legacy cold builds not fully cold, one of them on a busy
#: machine, one warm BuildKit build that took nothing from the cache
FLAGS = {
    ("legacy", "none", 0): [quality.COLD_HAD_CACHED_STEPS],
    ("legacy", "none", 1): [quality.COLD_HAD_CACHED_STEPS, quality.MACHINE_BUSY],
    ("buildkit", "local", 2): [quality.WARM_NO_CACHED_STEPS],
}
LEGACY_COLD = "multistage|legacy|none|none"


def _bench(*args: str) -> subprocess.CompletedProcess:
    code = "import sys; from bench.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def flagged_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_run(tmp_path_factory.mktemp("flagged") / "run", COLD_WIN, flags=FLAGS)


@pytest.fixture(scope="module")
def summary(flagged_run: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("exports")
    files = {"json": out / "s.json", "csv": out / "s.csv", "md": out / "s.md"}
    done = _bench(
        "summary", str(flagged_run), "--export-json", str(files["json"]), "--export-csv", str(files["csv"]),
        "--export-markdown", str(files["md"]),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return files


def _by_cell(records: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["builder"], r["cache"]): r for r in records}


def test_each_cell_carries_its_flags_with_counts_and_reasons(summary: dict[str, Path]) -> None:
    cells = _by_cell(json.loads(summary["json"].read_text())["cells"])
    assert cells[("legacy", "none")]["quality_flags"] == [
        {"flag": "cold-had-cached-steps", "count": 2, "reason": COLD_CACHED},
        {"flag": "machine-busy", "count": 1, "reason": quality.DESCRIPTIONS[quality.MACHINE_BUSY]},
    ]
    assert cells[("buildkit", "local")]["quality_flags"] == [
        {
            "flag": "warm-no-cached-steps",
            "count": 1,
            "reason": quality.DESCRIPTIONS[quality.WARM_NO_CACHED_STEPS],
        }
    ]
    assert cells[("buildkit", "none")]["quality_flags"] == [] == cells[("legacy", "local")]["quality_flags"]
    assert cells[("legacy", "none")]["flag_counts"] == {"cold-had-cached-steps": 2, "machine-busy": 1}
    assert cells[("legacy", "none")]["n_flagged"] == 2


def test_the_reasons_are_the_text_the_report_gives(summary: dict[str, Path]) -> None:
    """One source: the export's reason is the sentence the summary's flags section ends its line with."""
    text = summary["md"].read_text()
    assert "not fully cold and its time is likely too short" in COLD_CACHED
    assert f"`cold-had-cached-steps` (2 builds; `{LEGACY_COLD}`): {COLD_CACHED}." in text


def test_the_csv_cells_carry_the_same_flags(summary: dict[str, Path]) -> None:
    rows = {(r["builder"], r["cache"]): r for r in csv.DictReader(summary["csv"].open())}
    exported = _by_cell(json.loads(summary["json"].read_text())["cells"])
    assert (
        json.loads(rows[("legacy", "none")]["quality_flags"]) == exported[("legacy", "none")]["quality_flags"]
    )
    assert json.loads(rows[("legacy", "none")]["quality_flags"])[0]["reason"] == COLD_CACHED
    assert json.loads(rows[("buildkit", "none")]["quality_flags"]) == []
    header = next(csv.reader(summary["csv"].open()))
    assert header[-1] == "quality_flags" and "flag_counts" in header  # gained a column, lost none


def test_the_flagged_builds_are_listed_by_run_and_seq(summary: dict[str, Path]) -> None:
    builds = json.loads(summary["json"].read_text())["flagged_builds"]
    assert [(b["run_id"], b["seq"], b["cell"], b["outcome"], b["flags"]) for b in builds] == [
        ("run-a", 0, LEGACY_COLD, "ok", ["cold-had-cached-steps"]),
        ("run-a", 1, LEGACY_COLD, "ok", ["cold-had-cached-steps", "machine-busy"]),
        ("run-a", 17, "multistage|buildkit|local|source", "ok", ["warm-no-cached-steps"]),
    ]
    assert [b["wall_s"] for b in builds] == [20.0, 20.5, 1.9]


def test_the_claims_are_in_the_json_with_their_verdicts(summary: dict[str, Path], flagged_run: Path) -> None:
    claims = json.loads(summary["json"].read_text())["claims"]
    assert [c["id"] for c in claims] == [f"C{i}" for i in range(1, 14)]
    c1 = claims[0]
    assert (c1["verdict"], c1["headline"]) == ("supported", "supported on multistage")
    assert c1["claim"].startswith("BuildKit builds faster than the legacy builder")
    assert any(
        re.fullmatch(
            r"multistage cold: legacy 20\.2 s, BuildKit 10\.1 s \(medians, n=5/5\); speedup 2\.00x.*: faster",
            n,
        )
        for n in c1["numbers"]
    ), c1["numbers"]
    [condition] = c1["conditions"]
    assert (condition["condition"], condition["verdict"], condition["group"]) == (
        "multistage",
        "supported",
        "",
    )
    assert condition["figure"].startswith("2.00x 95% CI [")
    c2 = claims[1]
    assert c2["verdict"] == "not measured" and c2["conditions"] == [] and "registry" in c2["numbers"][0]
    # every claim as the report assesses it (same resamples and seed as the command)
    assert claims == [v.record() for v in build_report([load(flagged_run)]).claims]


def test_compare_gives_each_cell_n_and_flags_on_both_sides(flagged_run: Path, tmp_path: Path) -> None:
    """NEW twice as slow, one BuildKit warm build failed (4 ok, not 5), one legacy cold build flagged."""
    slower = {key: [t * 2 for t in times] for key, times in COLD_WIN.items()}
    slower[("buildkit", "local")][4] = None  # type: ignore[call-overload]
    new = write_run(
        tmp_path / "new", slower, run_id="run-new", flags={("legacy", "none", 3): [quality.ENGINE_NOT_EMPTY]}
    )
    out_json, out_csv = tmp_path / "cmp.json", tmp_path / "cmp.csv"
    done = _bench(
        "compare", str(flagged_run), str(new), "--resamples", "199", "--export-json", str(out_json),
        "--export-csv", str(out_csv),
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    cells = _by_cell(json.loads(out_json.read_text())["cells"])
    n = {key: (c["n_base"], c["n_new"]) for key, c in cells.items()}
    assert n == {
        ("legacy", "none"): (5, 5),
        ("buildkit", "none"): (5, 5),
        ("legacy", "local"): (5, 5),
        ("buildkit", "local"): (5, 4),
    }
    legacy = cells[("legacy", "none")]
    assert [(f["flag"], f["count"]) for f in legacy["quality_flags_base"]] == [
        ("cold-had-cached-steps", 2),
        ("machine-busy", 1),
    ]
    assert legacy["quality_flags_base"][0]["reason"] == COLD_CACHED
    assert legacy["quality_flags_new"] == [
        {"flag": "engine-not-empty", "count": 1, "reason": quality.DESCRIPTIONS[quality.ENGINE_NOT_EMPTY]}
    ]
    assert cells[("buildkit", "local")]["quality_flags_base"][0]["count"] == 1
    assert cells[("buildkit", "local")]["quality_flags_new"] == []
    rows = {(r["builder"], r["cache"]): r for r in csv.DictReader(out_csv.open())}
    assert {key: (int(r["n_base"]), int(r["n_new"])) for key, r in rows.items()} == n
    assert json.loads(rows[("legacy", "none")]["quality_flags_new"]) == legacy["quality_flags_new"]


def test_a_flag_without_a_description_says_so() -> None:
    """A flag written by a newer bench keeps its count, and its reason says none is recorded."""
    assert flag_records({"some-future-flag": 2, "machine-busy": 1}) == [
        {"flag": "machine-busy", "count": 1, "reason": quality.DESCRIPTIONS[quality.MACHINE_BUSY]},
        {"flag": "some-future-flag", "count": 2, "reason": "no description recorded for this flag"},
    ]
