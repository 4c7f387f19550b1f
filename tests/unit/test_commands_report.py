"""bench report / publish end to end on synthetic run directories, and every kind of bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from fakes import run_meta
from report_runs import COLD_WIN, ENVIRONMENT, write_run

from bench.store.results import META_FILE, SCHEMA_VERSION, RunWriter

N = "199"


def _bench(*args: str) -> subprocess.CompletedProcess:
    code = "import sys; from bench.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300)


def _one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_report_writes_markdown_html_and_figures_into_the_run(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", COLD_WIN)
    result = _bench("report", str(run), "--resamples", N)
    assert result.returncode == 0, result.stderr
    text = (run / "report.md").read_text()
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    # distributions, speedups, heatmap and the cold timeline (the synthetic warm builds have no steps)
    assert len(images) == 4
    for name in images:
        assert (run / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = (run / "report.html").read_text()
    assert page.count('src="data:image/png;base64,') == 4 and "http" not in page.replace("http-equiv", "")
    assert "<table>" in page and "C1" in page


def test_not_a_run_empty_and_missing_directories_get_one_line(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert "is not a bench run directory (no run.json)" in _one_line_error(
        _bench("report", str(tmp_path / "empty"))
    )
    assert "is not a directory" in _one_line_error(_bench("report", str(tmp_path / "nothing-here")))
    (tmp_path / "file.txt").write_text("x")
    assert "is not a directory" in _one_line_error(
        _bench("compare", str(tmp_path / "file.txt"), str(tmp_path))
    )


def test_a_run_newer_than_this_bench_is_refused(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", COLD_WIN)
    meta = json.loads((run / META_FILE).read_text())
    meta["schema_version"] = SCHEMA_VERSION + 1
    (run / META_FILE).write_text(json.dumps(meta))
    assert "newer than this bench understands" in _one_line_error(_bench("report", str(run)))


def test_a_run_json_key_this_bench_does_not_know_is_one_line(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", COLD_WIN)
    meta = json.loads((run / META_FILE).read_text())
    meta["plan"]["cadence"] = "weekly"
    (run / META_FILE).write_text(json.dumps(meta))
    said = _one_line_error(_bench("report", str(run)))
    newer = f"written by a newer bench (schema {SCHEMA_VERSION})"
    assert f"has `plan.cadence` that this bench does not know: {newer}" in said


def test_a_partial_run_reports_what_it_has_and_names_what_is_missing(tmp_path: Path) -> None:
    times = {k: v[:3] for k, v in COLD_WIN.items()}
    run = write_run(tmp_path / "run", times, status="running", planned_extra=2)
    result = _bench("report", str(run), "--resamples", N)
    assert result.returncode == 0, result.stderr
    assert "partial run" in result.stdout
    text = (run / "report.md").read_text()
    assert "**Partial run.**" in text
    assert "12 of 20 planned builds recorded" in text
    assert "`multistage|buildkit|none|none` (2)" in text
    assert "| none | none | buildkit | 3 | 0 | 0 |" in text  # what it has is still reported (3 ok)


def test_a_run_without_builds_says_so(tmp_path: Path) -> None:
    RunWriter(tmp_path / "run", run_meta("r0", order=["s|legacy|none|none"]))
    result = _bench("report", str(tmp_path / "run"))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "run" / "report.md").read_text()
    assert "No builds were recorded yet" in text and "0 of 1 planned builds recorded" in text


def test_several_runs_merge_into_one_report_and_warn_about_environments(tmp_path: Path) -> None:
    a = write_run(tmp_path / "a", COLD_WIN)
    b = write_run(tmp_path / "b", COLD_WIN, run_id="run-b", environment={**ENVIRONMENT, "cpu_count": 8})
    result = _bench("report", str(a), str(b), "--out", str(tmp_path / "merged"), "--resamples", N)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "merged" / "report.md").read_text()
    assert "Runs `run-a`, `run-b`: 40 measured builds" in text
    assert "cpu_count: 2 (run-a) vs 8 (run-b)" in text


def test_publish_writes_an_index_and_a_self_contained_page_per_run(tmp_path: Path) -> None:
    a = write_run(tmp_path / "a", COLD_WIN)
    b = write_run(tmp_path / "b", COLD_WIN, run_id="run-b")
    site = tmp_path / "site"
    result = _bench("publish", str(a), str(b), "--out", str(site), "--resamples", N)
    assert result.returncode == 0, result.stderr
    index = (site / "index.html").read_text()
    links = re.findall(r'href="(runs/[^"]+)"', index)
    assert sorted(links) == ["runs/run-a/index.html", "runs/run-b/index.html"]
    for link in links:
        page = (site / link).read_text()
        assert '<a href="../../index.html">all runs</a>' in page
        assert page.count("data:image/png;base64,") == 4
        assert (site / link).parent.joinpath("report.md").exists()
    assert _bench("publish", str(a)).returncode == 2  # --out is required


def test_a_report_of_two_scenarios_has_both_in_tables_figures_and_claims(tmp_path: Path) -> None:
    from bench.report.files import write_report
    from bench.report.model import build_report
    from bench.store.results import load

    a = load(write_run(tmp_path / "a", COLD_WIN))
    slower = {k: [t * 2 for t in v] if k[0] == "legacy" else v for k, v in COLD_WIN.items()}
    b = load(write_run(tmp_path / "b", slower, run_id="run-b", scenario="secrets"))
    report = build_report([a, b], n_resamples=199)
    md, _ = write_report(report, tmp_path / "out")
    text = md.read_text()
    assert "### Scenario `multistage`" in text and "### Scenario `secrets`" in text
    assert "BuildKit faster cold in 2 of 2 scenario(s)" in text
    assert "secrets cold: legacy 40.4 s, BuildKit 10.1 s" in text
    assert len(list((tmp_path / "out").glob("report-timeline-*.png"))) == 2  # one cold timeline each


def test_summary_and_report_read_a_run_whose_last_line_was_cut(tmp_path: Path) -> None:
    """A run killed mid-write: both commands work on the rows before the cut and name the cut line."""
    run = write_run(tmp_path / "run", COLD_WIN)
    lines = len((run / "builds.jsonl").read_text().splitlines())
    with open(run / "builds.jsonl", "a") as handle:
        handle.write('{"run_id": "run-a", "seq": 999, "cell": "multist')
    for args in (("summary", str(run)), ("report", str(run), "--resamples", N)):
        result = _bench(*args)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        assert f"builds.jsonl:{lines + 1}: the last line is cut short" in result.stderr
    assert (run / "report.md").is_file()
