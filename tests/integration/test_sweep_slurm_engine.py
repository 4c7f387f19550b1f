"""Sweeps through SLURM on the cluster `bench cluster up` starts (tests/integration/cluster_support.py):
jobs that own their node, rows that name it, failures and cancelled jobs that reach the exit code, and a
re-run of only what is missing.

Each job runs `bench engine up` first (the launcher's setup) and builds on the default engine; exclusive
jobs run one at a time on the one node, so the sweeps here take about a minute each.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from cluster_support import SlurmCluster

from bench.store.results import load

pytestmark = [pytest.mark.engine, pytest.mark.cluster]
BENCH = str(Path(sys.executable).with_name("bench"))
ONE_BUILD = ("scenario=tiny", "cache=none", "repetitions=1", "warmup=0")


def _launcher(cluster: SlurmCluster) -> tuple[str, ...]:
    return (
        "hydra/launcher=bench_slurm",
        f"hydra.launcher.partition={cluster.partition}",
        "hydra.launcher.timeout_min=20",
    )


def bench(cluster: SlurmCluster, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([BENCH, *args], capture_output=True, text=True, timeout=timeout, env=cluster.env)


def _broken_scenario(tmp_path: Path) -> Path:
    directory = tmp_path / "broken"
    directory.mkdir()
    (directory / "Dockerfile").write_text(
        "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN echo 'error: no header' >&2 && false\n"
    )
    return directory


@pytest.fixture(scope="module")
def sweep(
    slurm_cluster: SlurmCluster, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, subprocess.CompletedProcess]:
    """A two-job sweep (one job per builder) through SLURM, as a person launches it."""
    sweep_dir = tmp_path_factory.mktemp("slurm") / "sweep"
    done = bench(
        slurm_cluster, "run", "-m", *_launcher(slurm_cluster), "builder=legacy,buildkit", *ONE_BUILD,
        f"hydra.sweep.dir={sweep_dir}",
    )  # fmt: skip
    return sweep_dir, done


def test_a_two_job_sweep_runs_through_slurm_and_names_the_node(
    slurm_cluster: SlurmCluster, sweep: tuple[Path, subprocess.CompletedProcess]
) -> None:
    sweep_dir, done = sweep
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 of 2 jobs complete" in done.stdout
    runs = [load(d) for d in sorted(sweep_dir.glob("*_tiny_*"))]
    assert sorted(r.builds["builder"].iloc[0] for r in runs) == ["buildkit", "legacy"]
    for run in runs:
        assert list(run.builds["outcome"]) == ["ok"]
        assert list(run.builds["node"]) == [slurm_cluster.node]
        assert run.meta.node == slurm_cluster.node
        job = run.meta.batch_job or {}
        assert job["scheduler"] == "slurm" and job["partition"] == slurm_cluster.partition and job["job_id"]
    script = next((sweep_dir / ".submitit").glob("*/*_submission.sh")).read_text()
    assert "#SBATCH --exclusive" in script and "-m bench.cli engine up" in script
    reported = bench(slurm_cluster, "report", str(sweep_dir), "--resamples", "200")
    assert reported.returncode == 0, reported.stdout + reported.stderr
    text = (sweep_dir / "report.md").read_text()
    assert f"Sweep `{sweep_dir}`: 2 of 2 jobs complete." in text
    assert any(line.startswith(f"| {slurm_cluster.node} | dedicated |") for line in text.splitlines())


def test_a_job_whose_build_fails_makes_the_sweep_exit_1(slurm_cluster: SlurmCluster, tmp_path: Path) -> None:
    broken = _broken_scenario(tmp_path)
    good = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios" / "tiny"
    sweep_dir = tmp_path / "sweep"
    done = bench(
        slurm_cluster, "run", "-m", *_launcher(slurm_cluster), "builder=buildkit", *ONE_BUILD,
        f"scenario.path={good},{broken}", f"hydra.sweep.dir={sweep_dir}",
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "1 of 2 jobs complete" in done.stdout
    assert "- failed builds: `builder=buildkit" in done.stdout and "1 of 1 builds failed" in done.stdout
    said = bench(slurm_cluster, "sweep", str(sweep_dir))
    assert said.returncode == 1 and "error: no header" in said.stdout


def _pending_job(cluster: SlurmCluster, deadline_s: float = 120) -> str:
    """The id of a job of ours that waits in the queue (exclusive: behind the one running)."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        out = subprocess.run(
            ["squeue", "--noheader", "--array", "--states=PENDING", "--format=%i"],
            capture_output=True,
            text=True,
            env=cluster.env,
        ).stdout.split()
        if out:
            return out[0]
        time.sleep(0.5)
    pytest.fail("no job of the sweep waited in the queue")


def test_a_cancelled_job_is_missing_and_a_rerun_measures_only_it(
    slurm_cluster: SlurmCluster, tmp_path: Path
) -> None:
    sweep_dir = tmp_path / "sweep"
    argv = [
        BENCH, "run", "-m", *_launcher(slurm_cluster), "builder=legacy,buildkit", *ONE_BUILD,
        f"hydra.sweep.dir={sweep_dir}",
    ]  # fmt: skip
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True, "env": slurm_cluster.env}
    with subprocess.Popen(argv, **pipes) as launched:
        pending = _pending_job(slurm_cluster)
        subprocess.run(["scancel", pending], check=True, env=slurm_cluster.env)
        stdout, stderr = launched.communicate(timeout=900)
    assert launched.returncode == 1, stdout + stderr
    assert "Traceback" not in stderr
    assert "1 of 2 jobs complete" in stdout
    said = bench(slurm_cluster, "sweep", str(sweep_dir))
    assert said.returncode == 1
    missing = next(line for line in said.stdout.splitlines() if line.startswith("- missing:"))
    assert f"SLURM job {pending} CANCELLED" in missing, said.stdout
    kept = next(d for d in sweep_dir.glob("*_tiny_*") if (d / "run.json").is_file())
    run_id = load(kept).meta.run_id
    again = bench(slurm_cluster, "sweep", str(sweep_dir), "--rerun")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "re-running 1 of 2 jobs" in again.stdout and "2 of 2 jobs complete" in again.stdout
    assert load(kept).meta.run_id == run_id and len(load(kept).builds) == 1, "the complete job was kept"
    assert bench(slurm_cluster, "sweep", str(sweep_dir)).returncode == 0
