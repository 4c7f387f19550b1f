"""A sweep refuses bad input before it makes anything (issue 21, item 14): `bench run -m` checks every job
the sweep would launch (Hydra's own expansion of `a=x,y b=z`) as a single run is checked, and a job that
would be refused stops the whole sweep in one line, before Hydra makes its folder under results/ and before
any job takes the engine's lock. Through `bench.cli.main`, as a user's command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.cli import main

pytestmark = pytest.mark.security


def _safe_engine(tmp_path: Path) -> list[str]:
    """An engine nobody has (its lock, if taken, would be made under tmp_path/engine)."""
    return ["engine=context", "engine.context=no-such-context", f"engine.run_dir={tmp_path / 'engine'}"]


def _refused(capsys: pytest.CaptureFixture[str], tmp_path: Path, *args: str) -> str:
    code = main(["run", *args, *_safe_engine(tmp_path), f"hydra.sweep.dir={tmp_path / 'results' / 'sweep'}"])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bench: "), err
    assert not (tmp_path / "results").exists(), "a refused sweep leaves nothing under results/"
    assert not (tmp_path / "engine").exists(), "no job took the engine's lock"
    return lines[0]


def test_a_sweep_over_missing_scenarios_makes_no_job_folder(capsys, tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    line = _refused(capsys, tmp_path, "-m", f"scenario.path={gone},{gone}2")
    assert f"scenario.path {gone}" in line and "not a directory" in line


def test_one_bad_job_refuses_the_whole_sweep(capsys, tmp_path: Path) -> None:
    line = _refused(capsys, tmp_path, "--multirun", "scenario=tiny", "repetitions=1,-1")
    assert "repetitions must be a whole number" in line


def test_a_job_whose_plan_is_too_large_refuses_the_sweep(capsys, tmp_path: Path) -> None:
    line = _refused(capsys, tmp_path, "-m", "scenario=tiny", "repetitions=2,1000000000")
    assert "more than the 10,000 one run may plan" in line


def test_a_bad_link_in_a_swept_scenario_refuses_the_sweep(capsys, tmp_path: Path) -> None:
    scenario = tmp_path / "proj"
    scenario.mkdir()
    (scenario / "Dockerfile").write_text("FROM scratch\nCOPY . /\n")
    (scenario / "app.py").symlink_to("/etc/crontab")
    line = _refused(capsys, tmp_path, "-m", "scenario=tiny", f"scenario.path={scenario}", "seed=1,2")
    assert "app.py -> /etc/crontab" in line


def test_a_good_sweep_passes_the_check(tmp_path: Path) -> None:
    from bench.commands.run import _check_run_input

    _check_run_input(["-m", "scenario=tiny,multistage", "repetitions=range(1,3)", *_safe_engine(tmp_path)])
    assert not (tmp_path / "engine").exists()
