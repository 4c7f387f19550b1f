"""The dependency scenario: its install step is real HTTP traffic to the harness's package index, and a
cache mount keeps the downloads across a change of the dependency manifest."""

from __future__ import annotations

import pytest
from engine_setup import compose_config
from omegaconf import OmegaConf
from rich.console import Console

from bench.run.experiment import EXIT_OK, run_experiment
from bench.store.results import Run, load

pytestmark = pytest.mark.engine
WHEELS = 12  # scenarios/pydeps/requirements.txt pins twelve distributions


@pytest.fixture(scope="module")
def pydeps_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    config = compose_config(
        "scenario=pydeps", "builder=buildkit", "cache=mounts", "change=deps", "repetitions=1", "warmup=0"
    )
    run_dir = tmp_path_factory.mktemp("pydeps-run")
    code = run_experiment(
        config, OmegaConf.to_yaml(OmegaConf.structured(config)), run_dir, Console(width=140)
    )
    assert code == EXIT_OK, (run_dir / "builds.jsonl").read_text()
    return load(run_dir)


def _row(run: Run, cache: str):
    return run.builds[run.builds["cache"] == cache].iloc[0]


def test_a_deps_change_reruns_the_install_from_the_index(pydeps_run: Run) -> None:
    row = _row(pydeps_run, "local")
    steps = pydeps_run.steps[pydeps_run.steps["seq"] == row["seq"]]
    install = steps[steps["name"].str.contains("pip install")]
    assert len(install) == 1 and not install["cached"].iloc[0], "a deps change must rerun the install"
    assert row["index_wheel_downloads"] == WHEELS, "without a cache mount every wheel is downloaded again"
    assert row["index_pulled_bytes"] > 30_000_000  # numpy, pandas and pillow alone
    assert row["image_bytes"] > 50_000_000


def test_a_cache_mount_keeps_the_downloads(pydeps_run: Run) -> None:
    row = _row(pydeps_run, "mounts")
    steps = pydeps_run.steps[pydeps_run.steps["seq"] == row["seq"]]
    assert not steps[steps["name"].str.contains("pip install")]["cached"].iloc[0]
    assert row["index_wheel_downloads"] == 0 and row["index_pulled_bytes"] == 0, "wheels come from the mount"
