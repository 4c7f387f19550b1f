"""Summary tables, terminal and Markdown output on a synthetic run with every kind of awkward cell.

The summary is the report model's SUMMARY_SECTIONS (terminal: TERMINAL_SECTIONS), written by the report's
exporters; these tests read it through that path.
"""

from __future__ import annotations

import io
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fakes import run_meta
from rich.console import Console

from bench.analysis import error_lines, stats
from bench.report import cells as tables
from bench.report import comparisons
from bench.report.export import render
from bench.report.export.markdown import markdown_table
from bench.report.figures import FigureFile
from bench.report.files import print_report, write_summary
from bench.report.model import Report, build_report
from bench.report.sections import SUMMARY_SECTIONS, document
from bench.store.results import Run

N = 199  # resamples: the tables only need an interval, not a precise one

BUILDKIT_ERROR = """#7 [build 2/3] RUN make
#7 0.412 make: *** [Makefile:3: all] Error 2
------
 > [build 2/3] RUN make:
------
ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2"""


def make_builds() -> pd.DataFrame:
    """Two scenarios. multistage: a clear BuildKit win cold (with a warmup, a flagged row and a planted
    outlier), a cached cell where legacy has 1 ok and 2 failed builds. secrets: legacy unsupported."""
    rows: list[dict[str, object]] = []

    def add(
        scenario: str,
        builder: str,
        cache: str,
        change: str,
        wall: float | None,
        *,
        outcome: str = "ok",
        warmup: bool = False,
        flags: list[str] | None = None,
        error: str | None = None,
    ) -> None:
        rows.append(
            {
                "run_id": "2024-05-01_12-00-00",
                "seq": len(rows),
                "round": len(rows) // 8,
                "cell": f"{scenario}|{builder}|{cache}|{change}",
                "scenario": scenario,
                "builder": builder,
                "cache": cache,
                "change": change,
                "repetition": len(rows),
                "warmup": warmup,
                "outcome": outcome,
                "wall_s": np.nan if wall is None else wall,
                "reset_s": 1.0,
                "prime_s": 0.0,
                "steps_total": 5,
                "steps_cached": 0,
                "flags": flags or [],
                "error_tail": error,
            }
        )

    add("multistage", "legacy", "none", "none", 99.0, warmup=True)
    add("multistage", "buildkit", "none", "none", 99.0, warmup=True)
    for t in (20.1, 20.4, 19.8, 20.9, 20.2):
        add("multistage", "legacy", "none", "none", t)
    add("multistage", "legacy", "none", "none", 18.0, flags=["engine-not-empty"])
    for t in (10.1, 10.3, 9.9, 10.0, 10.2, 16.0):  # 16.0: planted outlier
        add("multistage", "buildkit", "none", "none", t)
    add("multistage", "legacy", "local", "source", 4.0)
    add("multistage", "legacy", "local", "source", None, outcome="failed", error=BUILDKIT_ERROR)
    add("multistage", "legacy", "local", "source", None, outcome="failed", error="boom")
    for t in (1.1, 1.2, 1.0, 1.15):
        add("multistage", "buildkit", "local", "source", t)
    for _ in range(3):
        add(
            "secrets",
            "legacy",
            "none",
            "none",
            None,
            outcome="unsupported",
            error="RUN --mount=type=secret needs BuildKit",
        )
    for t in (3.0, 3.1, 2.9, 3.05):
        add("secrets", "buildkit", "none", "none", t, flags=["cold-had-cached-steps"] if t == 2.9 else [])
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def builds() -> pd.DataFrame:
    return make_builds()


def report_of(builds: pd.DataFrame, env: dict | None = None, config_yaml: str = "a: 1\n") -> Report:
    """The report model of one run holding these rows (no run directory needed)."""
    meta = run_meta("2024-05-01_12-00-00", environment=env or {}, config_yaml=config_yaml)
    return build_report([Run(Path("run"), meta, builds, pd.DataFrame())], n_resamples=N)


@pytest.fixture(scope="module")
def report(builds: pd.DataFrame) -> Report:
    env = {"docker": "27.3.1", "buildkit": "v0.16.0", "kernel": "6.8.0"}
    return report_of(builds, env, "scenario: multistage\nrepetitions: 5\n")


@pytest.fixture(scope="module")
def cells(builds: pd.DataFrame) -> pd.DataFrame:
    return tables.cell_table(builds, n_resamples=N)


def _cell(cells: pd.DataFrame, cell: str) -> pd.Series:
    match = cells[cells["cell"] == cell]
    assert len(match) == 1, cell
    return match.iloc[0]


def test_cell_table_counts_and_excludes_warmups(cells: pd.DataFrame) -> None:
    assert len(cells) == 6
    legacy = _cell(cells, "multistage|legacy|none|none")
    assert (legacy.n_ok, legacy.n_warmup, legacy.n_flagged) == (6, 1, 1)
    assert legacy.flag_counts == {"engine-not-empty": 1}
    assert legacy.median_s == pytest.approx(np.median([20.1, 20.4, 19.8, 20.9, 20.2, 18.0]))  # no 99.0
    assert legacy.q1_s == pytest.approx(np.percentile([20.1, 20.4, 19.8, 20.9, 20.2, 18.0], 25))
    assert legacy.ci_low_s <= legacy.median_s <= legacy.ci_high_s


def test_cell_table_counts_outliers_but_keeps_them(cells: pd.DataFrame) -> None:
    bk = _cell(cells, "multistage|buildkit|none|none")
    assert bk.n_outliers == 1
    assert bk.n_ok == 6
    assert bk.median_s == pytest.approx(np.median([10.1, 10.3, 9.9, 10.0, 10.2, 16.0]))


def test_cell_table_failed_unsupported_and_single_ok(cells: pd.DataFrame) -> None:
    one = _cell(cells, "multistage|legacy|local|source")
    assert (one.n_ok, one.n_failed, one.median_s) == (1, 2, 4.0)
    assert math.isnan(one.ci_low_s) and "fewer than 3" in one.ci_note
    unsupported = _cell(cells, "secrets|legacy|none|none")
    assert (unsupported.n_ok, unsupported.n_unsupported) == (0, 3)
    assert math.isnan(unsupported.median_s)


def test_cell_table_order_puts_none_first_and_legacy_before_buildkit(cells: pd.DataFrame) -> None:
    assert cells["cell"].tolist()[:4] == [
        "multistage|legacy|none|none",
        "multistage|buildkit|none|none",
        "multistage|legacy|local|source",
        "multistage|buildkit|local|source",
    ]


def test_speedup_table_verdicts_and_notes(builds: pd.DataFrame) -> None:
    speed = comparisons.builder_comparisons(builds, n_resamples=N).set_index(["scenario", "cache", "change"])
    cold = speed.loc[("multistage", "none", "none")]
    assert cold.verdict == stats.FASTER
    assert cold.speedup == pytest.approx(cold.legacy_median_s / cold.buildkit_median_s)
    assert cold.ci_low > 1 and cold.note == ""
    cached = speed.loc[("multistage", "local", "source")]
    assert cached.verdict == stats.INSUFFICIENT_DATA
    assert "legacy: 1 ok (2 failed)" in cached.note
    assert "legacy: 0 ok (3 unsupported)" in speed.loc[("secrets", "none", "none")].note


def test_failed_cells_lists_each_outcome_with_its_first_error_line(builds: pd.DataFrame) -> None:
    failed = tables.failed_cells(builds)
    assert failed[["cell", "outcome", "n"]].values.tolist() == [
        ["multistage|legacy|local|source", "failed", 2],
        ["secrets|legacy|none|none", "unsupported", 3],
    ]
    assert failed.iloc[0].first_error == "#7 0.412 make: *** [Makefile:3: all] Error 2"
    assert failed.iloc[1].first_error == "RUN --mount=type=secret needs BuildKit"


def test_first_error_line_names_a_full_disk_before_dockers_summary() -> None:
    tail = (
        "[build-a] RUN mkdir /out: exit code: 1\n"
        "mkdir: can't create directory '/out': No space left on device\n"
        "ERROR: failed to solve: process did not complete successfully: exit code: 1\n"
    )
    assert (
        error_lines.first_error_line(tail) == "mkdir: can't create directory '/out': No space left on device"
    )


def test_first_error_line_keeps_a_full_disk_at_the_end_of_a_long_buildkit_chain() -> None:
    """Recorded from a CI run whose data root filled while BuildKit prepared a COPY's snapshot."""
    chain = (
        "[test] COPY tests/check.sh /tests/check.sh: failed to prepare 42pdcvffhuqrhzqnryprjl3j3 as "
        "ue1tf0oogmzi4y7vqhlwra7nk: failed to create prepare snapshot dir: failed to create temp dir: mkdir "
        "/var/lib/bench/faults/data/containerd/daemon/io.containerd.snapshotter.v1.overlayfs/snapshots/"
        "new-3872328719: no space left on device: unknown"
    )
    line = error_lines.first_error_line(
        f"{chain}\nDockerfile:24\nERROR: failed to solve: failed to prepare\n"
    )
    assert len(line) <= error_lines.ERROR_LINE_MAX
    assert line.startswith("[test] COPY tests/check.sh /tests/check.sh: failed to prepare")
    assert line.endswith(" … no space left on device: unknown")


def test_first_error_line_falls_back_to_last_line_and_truncates() -> None:
    assert error_lines.first_error_line("step 1\nstep 2\nexit code 3\n") == "exit code 3"
    assert error_lines.first_error_line(None) == ""
    assert len(error_lines.first_error_line("error " + "x" * 500)) == error_lines.ERROR_LINE_MAX


def test_flag_list_accepts_what_the_store_returns() -> None:
    assert tables.flag_list(np.array(["a", "b"])) == ["a", "b"]
    assert tables.flag_list(None) == [] and tables.flag_list(float("nan")) == []


def _terminal(report: Report, width: int = 200) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    print_report(report, console)
    return console.file.getvalue()


def test_terminal_summary_renders_awkward_cells(report: Report) -> None:
    out = _terminal(report)
    assert "Scenario multistage" in out and "Scenario secrets" in out
    assert "BuildKit faster" in out
    rows = [ln.split() for ln in out.splitlines()]
    assert ["multistage|legacy|local|source", "failed", "2"] in [r[:3] for r in rows]
    assert ["secrets|legacy|none|none", "unsupported", "3"] in [r[:3] for r in rows]
    assert "Error 2" in out  # markup-like brackets in the error line survive
    assert "engine-not-empty (1 build;" in out and "cold-had-cached-steps (1 build;" in out
    assert "Outliers: 2 ok build(s)" in out  # the planted 16.0 and the flagged 18.0
    secrets_row = next(
        ln for ln in out.splitlines() if ln.split()[:3] == ["none", "none", "legacy"] and " 3 " in ln
    )
    assert secrets_row.count(" - ") >= 3  # median, IQR, CI all shown as "-"


def test_terminal_summary_of_nothing(builds: pd.DataFrame) -> None:
    assert "No builds were recorded yet" in _terminal(report_of(builds.iloc[0:0]), width=120)


def test_markdown_table_escapes_pipes_and_newlines() -> None:
    text = markdown_table(["a", "b"], [["x|y", "1\n2"]], right=[False, True])
    assert text.splitlines() == ["| a | b |", "| --- | ---: |", "| x\\|y | 1 2 |"]


def test_summary_md_has_every_section(report: Report) -> None:
    figure = FigureFile("summary.png", "Build times, every repetition", "points")
    text = render(document(report, [figure], SUMMARY_SECTIONS, "summary"), "markdown")
    assert text.startswith("# Build benchmark summary: multistage, secrets")
    assert "### Scenario `multistage`" in text and "### Scenario `secrets`" in text
    assert "](summary.png)" in text
    assert "| scenario | cache | change | legacy (s) | BuildKit (s) | speedup (legacy / BuildKit) |" in text
    assert "BuildKit faster" in text
    assert "`multistage\\|legacy\\|local\\|source` | failed | 2 |" in text
    assert "- `engine-not-empty` (1 build; `multistage|legacy|none|none`): before a cold build" in text
    assert "| docker | 27.3.1 |" in text
    assert "```yaml\nscenario: multistage\nrepetitions: 5\n```" in text
    assert "Outliers: 2 ok build(s)" in text  # the planted 16.0 and the flagged 18.0
    assert "Claims of the talk" not in text  # the report's, not the summary's


def test_write_summary_without_figure(builds: pd.DataFrame, tmp_path: Path) -> None:
    path = write_summary(report_of(builds), tmp_path / "run", figure=False)
    assert path == tmp_path / "run" / "summary.md"
    text = path.read_text()
    assert "summary.png" not in text and "Not recorded." in text
    assert not (tmp_path / "run" / "summary.png").exists()


def test_write_summary_draws_the_figure_it_links(report: Report, tmp_path: Path) -> None:
    path = write_summary(report, tmp_path)
    png = tmp_path / "summary.png"
    assert "](summary.png)" in path.read_text()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_summary_modules_do_not_load_matplotlib_until_a_figure_is_drawn() -> None:
    code = (
        "import sys, bench.report.files, bench.report.export\n"
        "bench.report.export.formats()\n"
        "import bench.report.cells\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported eagerly'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_run_of_one_builder_has_no_builder_comparison(builds: pd.DataFrame, tmp_path: Path) -> None:
    only_buildkit = builds[builds["builder"] == "buildkit"]
    assert comparisons.builder_comparisons(only_buildkit, n_resamples=99).empty
    report = report_of(only_buildkit)
    assert "BuildKit against legacy" not in _terminal(report)
    text = write_summary(report, tmp_path, figure=False).read_text()
    assert "## Build times per scenario" in text and "BuildKit against legacy" not in text


def _with_cost(builds: pd.DataFrame) -> pd.DataFrame:
    """multistage cold builds with what they cost: BuildKit keeps 2 cores busy, legacy 0.9 of one; the
    warmups and failures carry absurd costs that must not count; the other cells have none (older rows)."""
    costly = builds.copy()
    costly["cpu_user_s"], costly["cpu_system_s"] = np.nan, np.nan
    cold = (costly["scenario"] == "multistage") & (costly["cache"] == "none")
    share = costly["builder"].map({"buildkit": 2.0, "legacy": 0.9})
    costly.loc[cold, "cpu_user_s"] = 0.75 * share[cold] * costly.loc[cold, "wall_s"]
    costly.loc[cold, "cpu_system_s"] = 0.25 * share[cold] * costly.loc[cold, "wall_s"]
    costly.loc[cold & costly["warmup"], ["cpu_user_s", "cpu_system_s"]] = 1000.0
    failed = costly["outcome"] == "failed"
    costly.loc[failed, ["cpu_user_s", "cpu_system_s"]] = 1000.0
    return costly


def test_cpu_and_parallelism_per_cell_from_the_successful_measured_builds(builds: pd.DataFrame) -> None:
    cells = tables.cell_table(_with_cost(builds), n_resamples=N)
    buildkit = _cell(cells, "multistage|buildkit|none|none")
    assert buildkit.median_cpu_s == pytest.approx(2.0 * 10.15) and buildkit.parallelism == pytest.approx(2.0)
    legacy = _cell(cells, "multistage|legacy|none|none")
    assert legacy.median_cpu_s == pytest.approx(0.9 * 20.15) and legacy.parallelism == pytest.approx(0.9)
    uncosted = _cell(cells, "multistage|legacy|local|source")  # its failures' costs do not count
    assert math.isnan(uncosted.median_cpu_s) and math.isnan(uncosted.parallelism)
    old = tables.cell_table(builds, n_resamples=N)  # rows from before costs were recorded
    assert old["median_cpu_s"].isna().all() and old["parallelism"].isna().all()


def test_the_summary_shows_cpu_beside_time_only_where_rows_have_it(builds: pd.DataFrame) -> None:
    text = render(document(report_of(_with_cost(builds)), [], SUMMARY_SECTIONS, "summary"), "markdown")
    assert "| 95% CI (s) | CPU (s) | parallelism | outliers |" in text
    buildkit = next(ln for ln in text.splitlines() if ln.startswith("| none | none | buildkit | 6 |"))
    assert "| 20.3 | 2.00 |" in buildkit  # 2 x 10.15 s, 2 cores
    secrets = next(ln for ln in text.splitlines() if ln.startswith("| none | none | buildkit | 4 |"))
    assert "| - | - |" in secrets
    plain = render(document(report_of(builds), [], SUMMARY_SECTIONS, "summary"), "markdown")
    assert "CPU (s)" not in plain and "parallelism" not in plain
