"""The compose scenario on the real engine (issue 7, claim C11): `docker compose build` of three services
under BuildKit and under the legacy builder, timed as builds, each builder's own output seen."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_setup import compose_config
from omegaconf import OmegaConf
from python_on_whales import DockerClient
from rich.console import Console

from bench.report.claims import registry as claims
from bench.report.model import build_report
from bench.run.experiment import EXIT_OK, run_experiment
from bench.store.results import load

pytestmark = pytest.mark.engine


def test_compose_builds_under_both_builders(tmp_path: Path) -> None:
    config = compose_config("scenario=compose", "repetitions=1", "warmup=0", "cache=none")
    run_dir = tmp_path / "run"
    code = run_experiment(
        config, OmegaConf.to_yaml(OmegaConf.structured(config)), run_dir, Console(width=120)
    )
    run = load(run_dir)
    rows = run.builds.set_index("builder")
    assert code == EXIT_OK, rows[["outcome", "error_tail"]]
    assert rows.loc["legacy", "builder_evidence"] == "compose: legacy Step lines"
    assert rows.loc["legacy", "env"] == {"DOCKER_BUILDKIT": "0"}
    assert rows.loc["buildkit", "builder_evidence"] == "compose: BuildKit #N progress lines"
    assert rows.loc["buildkit", "env"] == {"DOCKER_BUILDKIT": "1"}
    for builder in ("legacy", "buildkit"):
        argv = list(rows.loc[builder, "argv"])
        assert argv[argv.index("compose") :][:1] == ["compose"] and "build" in argv
        assert rows.loc[builder, "wall_s"] > 0
    # BuildKit's plain progress gives steps for each service; cold, none of them came from a cache
    steps = run.steps[run.steps["seq"] == rows.loc["buildkit", "seq"]]
    assert {"api", "web", "worker/build"} <= set(steps["stage"].dropna())
    gcc = steps[steps["name"].str.startswith("RUN gcc")]
    assert len(gcc) == 1 and not gcc["cached"].iloc[0] and gcc["duration_s"].iloc[0] > 0
    assert rows.loc["legacy", "steps_total"] == 0  # interleaved services: whole build only
    # the images are the harness's own: removed at the end of the run
    docker = DockerClient(context=config.engine.context)
    assert not [t for i in docker.image.list() for t in i.repo_tags if t.startswith(config.tag_prefix)]
    c11 = next(v for v in build_report([run], n_resamples=199).claims if v.claim.id == "C11")
    assert c11.verdict == claims.SUPPORTED, c11.numbers
