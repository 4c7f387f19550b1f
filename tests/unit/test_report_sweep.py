"""A sweep over engines merged into one report: the engine dimension, claim C12, and lost sweep jobs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_runs import COLD_WIN, write_run

from bench.report import cells as tables
from bench.report.claims.engines import check_c12
from bench.report.claims.registry import CLAIMS
from bench.report.export import render
from bench.report.model import build_report
from bench.report.sections import document
from bench.report.verdicts import Evidence
from bench.store.results import load
from bench.sweep.jobs import COMPLETE, MISSING, NO_RUN, PARTIAL, print_sweep, sweep_jobs

C12 = next(c for c in CLAIMS if c.id == "C12")


def _engine_run(
    run_dir: Path, name: str, host: str, daemon: str, *, fail: bool = False, status: str = "complete"
) -> Path:
    """A run written by the real RunWriter, then given the engine identity `bench run` records."""
    times = {k: [None] * len(v) if fail else v for k, v in COLD_WIN.items()}
    write_run(run_dir, times, run_id=f"run-{name}", status=status)
    meta = json.loads((run_dir / "run.json").read_text())
    meta["engine"] = {"name": name, "context": f"bench-{name}", "owned": True, "host": host}
    meta["environment"]["engine_id"] = daemon
    (run_dir / "run.json").write_text(json.dumps(meta))
    rows = (run_dir / "builds.jsonl").read_text().replace('"engine": "dedicated"', f'"engine": "{name}"')
    (run_dir / "builds.jsonl").write_text(rows)
    return run_dir


def _two_engines(tmp_path: Path, ssh_fails: bool = False) -> list:
    return [
        load(
            _engine_run(tmp_path / "a", "ssh-local", "ssh://root@bench-ssh-local", "daemon-1", fail=ssh_fails)
        ),
        load(_engine_run(tmp_path / "b", "overlay2", "unix:///run/bench/overlay2/docker.sock", "daemon-2")),
    ]


def _c12(runs: list):
    report = build_report(runs, n_resamples=200)
    return next(v for v in report.claims if v.claim.id == "C12"), report


def test_the_engine_is_a_dimension_only_when_the_rows_hold_several(tmp_path: Path) -> None:
    runs = _two_engines(tmp_path)
    _, merged = _c12(runs)
    assert "engine" in tables.cell_keys(merged.builds)
    assert sorted(merged.cells["engine"].unique()) == ["overlay2", "ssh-local"]
    assert len(merged.cells) == 2 * len(COLD_WIN), "each engine keeps its own cells"
    assert set(merged.builder_speedups["engine"]) == {"overlay2", "ssh-local"}
    single = build_report(runs[:1], n_resamples=200)
    assert "engine" not in tables.cell_keys(single.builds) and "engine" not in single.cells.columns
    text = render(document(merged, []), "markdown")
    assert "## Engines" in text and "ssh://root@bench-ssh-local" in text and "daemon-2" in text
    assert "## Engines" not in render(document(single, []), "markdown")


def test_c12_is_supported_by_two_daemons_one_over_ssh(tmp_path: Path) -> None:
    verdict, _ = _c12(_two_engines(tmp_path))
    assert verdict.verdict == "supported", verdict.numbers
    assert any("ssh-local" in n and "ssh://" in n and "20 of 20 builds ok" in n for n in verdict.numbers)


def test_c12_is_not_supported_when_the_ssh_engine_built_nothing(tmp_path: Path) -> None:
    verdict, _ = _c12(_two_engines(tmp_path, ssh_fails=True))
    assert verdict.verdict == "not supported", verdict.numbers
    assert any("0 of 20 builds ok" in n for n in verdict.numbers)


def test_c12_is_not_measured_without_ssh_or_with_one_daemon(tmp_path: Path) -> None:
    local = [
        load(_engine_run(tmp_path / "a", "one", "unix:///a.sock", "daemon-1")),
        load(_engine_run(tmp_path / "b", "two", "unix:///b.sock", "daemon-2")),
    ]
    assert _c12(local)[0].verdict == "not measured"
    same_daemon = [
        load(_engine_run(tmp_path / "c", "via-ssh", "ssh://root@h", "daemon-1")),
        load(_engine_run(tmp_path / "d", "via-socket", "unix:///a.sock", "daemon-1")),
    ]
    verdict, _ = _c12(same_daemon)
    assert verdict.verdict == "not measured" and "one engine only" in verdict.numbers[-1]
    empty = Evidence(local[0].builds.iloc[0:0], local[0].steps, None, None, run_dirs=())
    assert check_c12(C12, empty).verdict == "not measured"


def _sweep(tmp_path: Path) -> Path:
    """A sweep of 2 engines x 2 scenarios as Hydra lays it out; what each job left is set by the test."""
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / "multirun.yaml").write_text(
        "hydra:\n  overrides:\n    task:\n    - engine=ssh-local,overlay2\n    - scenario=tiny,multistage\n"
        "    - repetitions=1\n"
    )
    return sweep


def _job(sweep: Path, num: int, engine: str, scenario: str) -> Path:
    job = sweep / f"{num}_{scenario}_{engine}"
    (job / ".hydra").mkdir(parents=True)
    (job / ".hydra" / "overrides.yaml").write_text(
        f"- engine={engine}\n- scenario={scenario}\n- repetitions=1\n"
    )
    return job


def test_a_sweep_that_lost_jobs_names_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sweep = _sweep(tmp_path)
    _engine_run(_job(sweep, 0, "ssh-local", "tiny"), "ssh-local", "ssh://root@h", "d1")
    _engine_run(
        _job(sweep, 1, "ssh-local", "multistage"), "ssh-local", "ssh://root@h", "d1", status="running"
    )
    _job(sweep, 2, "overlay2", "tiny")  # started, refused before measuring: no run.json
    jobs = {j.label: j for j in sweep_jobs(sweep)}
    assert [j.state for j in jobs.values()] == [COMPLETE, PARTIAL, NO_RUN, MISSING]
    assert jobs["engine=overlay2 scenario=multistage repetitions=1"].directory is None
    assert "killed" in jobs["engine=ssh-local scenario=multistage repetitions=1"].detail
    assert f"bench sweep {sweep} --rerun" in jobs["engine=ssh-local scenario=multistage repetitions=1"].detail
    lines: list[str] = []
    assert print_sweep(sweep, say=lines.append) == 1
    assert lines[0] == f"Sweep `{sweep}`: 1 of 4 jobs complete."
    assert any(line.startswith("- missing: `engine=overlay2 scenario=multistage") for line in lines)
    report = build_report([load(sweep / "0_tiny_ssh-local")], n_resamples=200)
    assert "1 of 4 jobs complete" in render(document(report, []), "markdown")


def test_a_complete_sweep_exits_0(tmp_path: Path) -> None:
    sweep = _sweep(tmp_path)
    for num, (engine, scenario) in enumerate(
        [("ssh-local", "tiny"), ("ssh-local", "multistage"), ("overlay2", "tiny"), ("overlay2", "multistage")]
    ):
        _engine_run(_job(sweep, num, engine, scenario), engine, "unix:///x", f"d-{engine}")
    assert print_sweep(sweep, say=lambda _: None) == 0
