"""Bad input to `bench run`: one line on stderr, exit 2, nothing under the run directory, no engine touched.

Every case goes through `bench.cli.main` as a user's command line does. The engine overrides point at a
context that does not exist and a lock directory of the test's own, so that a check that failed to stop
the run could not reach a real engine either.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from fakes import run_meta
from omegaconf import OmegaConf

from bench.cli import main
from bench.composition import compose, composed
from bench.run.input_checks import MAX_BUILDS


def _safe_engine(tmp_path: Path) -> list[str]:
    return ["engine=context", "engine.context=no-such-context", f"engine.run_dir={tmp_path / 'engine'}"]


def _scenario(
    tmp_path: Path, dockerfile: str = "FROM scratch\nCOPY . /\n", bench_yaml: str | None = None
) -> Path:
    directory = tmp_path / "proj"
    directory.mkdir()
    (directory / "Dockerfile").write_text(dockerfile)
    if bench_yaml is not None:
        (directory / "bench.yaml").write_text(bench_yaml)
    return directory


def _refused(capsys: pytest.CaptureFixture[str], tmp_path: Path, *overrides: str) -> str:
    """Run `bench run` with the overrides; assert exit 2, one stderr line, no run directory. The line."""
    run_dir = tmp_path / "results" / "run"
    code = main(["run", *_safe_engine(tmp_path), *overrides, f"hydra.run.dir={run_dir}"])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bench: "), err
    assert not (tmp_path / "results").exists(), "a refused run must leave nothing under results/"
    assert not (tmp_path / "engine").exists(), "the engine's lock must not be taken for bad input"
    return lines[0]


def test_malformed_bench_yaml_is_named_with_its_line(capsys, tmp_path: Path) -> None:
    scenario = _scenario(tmp_path, bench_yaml="description: fine\nsource_change: [unclosed\n")
    line = _refused(capsys, tmp_path, f"scenario.path={scenario}")
    assert "bench.yaml" in line and "not valid YAML" in line and "line" in line


@pytest.mark.parametrize(
    "bench_yaml, expect",
    [
        ("variants: 5\n", "variants must be a mapping"),
        ("- a\n- b\n", "must be a mapping of settings"),
        ("sourcechange: src/a.c\n", "unknown setting 'sourcechange'"),
        ("kind: helm\n", "kind must be one of"),
    ],
)
def test_bench_yaml_of_the_wrong_shape_is_refused_by_key(capsys, tmp_path: Path, bench_yaml, expect) -> None:
    scenario = _scenario(tmp_path, bench_yaml=bench_yaml)
    assert expect in _refused(capsys, tmp_path, f"scenario.path={scenario}")


def test_a_dockerfile_without_from_is_refused(capsys, tmp_path: Path) -> None:
    scenario = _scenario(tmp_path, dockerfile="# just a comment\nRUN echo hello\n")
    line = _refused(capsys, tmp_path, f"scenario.path={scenario}")
    assert "has no FROM" in line and "Dockerfile" in line


@pytest.mark.parametrize(
    "override, expect",
    [
        ("repetitions=-1", "repetitions must be a whole number of at least 1 or `auto`, got -1"),
        ("seed=abc", "seed=abc"),
        ("warmup=x", "warmup=x"),
    ],
)
def test_bad_numbers_are_refused_in_one_line(capsys, tmp_path: Path, override: str, expect: str) -> None:
    assert expect in _refused(capsys, tmp_path, "scenario=tiny", override)


def test_an_enormous_plan_is_refused_with_its_size_and_how_to_go_on(capsys, tmp_path: Path) -> None:
    line = _refused(capsys, tmp_path, "scenario=tiny", "repetitions=1000000000")
    assert "4,000,000,004 builds" in line and f"{MAX_BUILDS:,}" in line and "seed=" in line


def test_the_largest_plan_allowed_passes_the_check(tmp_path: Path) -> None:
    from bench.run.input_checks import checked_input

    _, plan = checked_input(compose(["scenario=tiny", "warmup=0", f"repetitions={MAX_BUILDS // 4}"]))
    assert len(plan) == MAX_BUILDS


def _as_nobody(args: list[str]) -> subprocess.CompletedProcess:
    """`bench` run by an unprivileged user (root reads any directory, whatever its mode)."""
    code = f"import sys; from bench.cli import main; sys.exit(main({args!r}))"
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    env = {**os.environ, "HOME": "/tmp"}
    return subprocess.run([*prefix, sys.executable, "-c", code], capture_output=True, text=True, env=env)


@pytest.mark.skipif(os.geteuid() == 0 and shutil.which("setpriv") is None, reason="needs setpriv as root")
def test_an_unreadable_scenario_directory_is_refused() -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-unreadable-"))
    try:
        root.chmod(0o755)
        scenario = _scenario(root)
        scenario.chmod(0o000)
        result = _as_nobody(
            [
                "run",
                *_safe_engine(root),
                f"scenario.path={scenario}",
                f"hydra.run.dir={root / 'results' / 'r'}",
            ]
        )
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "cannot read" in lines[0] and "Permission denied" in lines[0], (
            result.stderr
        )
        assert not (root / "results").exists()
    finally:
        (root / "proj").chmod(0o755)
        shutil.rmtree(root, ignore_errors=True)


def test_a_directory_that_holds_a_run_is_refused_untouched(capsys, tmp_path: Path) -> None:
    run_dir = _recorded_run(tmp_path, "scenario=tiny")
    before = {p: p.read_bytes() for p in run_dir.rglob("*") if p.is_file()}
    code = main(["run", *_safe_engine(tmp_path), "scenario=tiny", f"hydra.run.dir={run_dir}"])
    err = capsys.readouterr().err
    assert code == 2 and "already holds a run" in err and f"--resume {run_dir}" in err
    assert {p: p.read_bytes() for p in run_dir.rglob("*") if p.is_file()} == before


def _recorded_run(tmp_path: Path, *overrides: str) -> Path:
    """A run directory as `bench run` leaves it after an interruption, without any build."""
    cfg = composed(overrides)
    run_dir = tmp_path / "interrupted"
    (run_dir / ".hydra").mkdir(parents=True)
    (run_dir / ".hydra" / "overrides.yaml").write_text(OmegaConf.to_yaml(list(overrides)))
    meta = run_meta("r", config_yaml=OmegaConf.to_yaml(cfg))
    (run_dir / "run.json").write_text(json.dumps(meta.to_json()))
    return run_dir


def test_resume_with_another_config_is_refused_naming_it(capsys, tmp_path: Path) -> None:
    run_dir = _recorded_run(tmp_path, "scenario=tiny", *_safe_engine(tmp_path), "repetitions=2")
    before = {p: p.read_bytes() for p in run_dir.rglob("*") if p.is_file()}
    code = main(["run", "--resume", str(run_dir), "repetitions=9"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "repetitions: 2 in the run, 9 given" in err
    assert {p: p.read_bytes() for p in run_dir.rglob("*") if p.is_file()} == before
    assert not (tmp_path / "engine").exists()


@pytest.mark.parametrize(
    "args, expect",
    [(["--resume"], "needs the run directory"), (["--resume", "R", "-m"], "not -m")],
)
def test_resume_arguments_are_checked(capsys, args: list[str], expect: str) -> None:
    assert main(["run", *args]) == 2
    assert expect in capsys.readouterr().err


def test_resume_of_a_directory_that_holds_no_run_is_refused(capsys, tmp_path: Path) -> None:
    assert main(["run", "--resume", str(tmp_path)]) == 2
    assert "not a bench run directory" in capsys.readouterr().err
