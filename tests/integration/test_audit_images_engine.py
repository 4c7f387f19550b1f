"""Image checks on the real engine (issue 5): goss, equivalence of the two builders' images, the test stage.

One small run of multistage, both builders, cold and `change=test` (one test deliberately broken): the
cold images must pass the scenario's goss spec, have the same files under both builders (C8), and the
broken test must fail the build at the `test` stage under both builders (C10).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from engine_setup import compose_config
from omegaconf import OmegaConf
from python_on_whales import DockerClient
from rich.console import Console

from bench.audit.goss import check_image
from bench.debug.failed_build import debug_failed_build
from bench.report.claims import registry as claims
from bench.report.model import build_report
from bench.run.experiment import EXIT_FAILED_BUILDS, run_experiment
from bench.store.results import Run, load

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def multistage(tmp_path_factory) -> tuple[int, Run]:
    config = compose_config(
        "scenario=multistage", "repetitions=1", "warmup=0", "cache.sources=[none,local]", "change=test"
    )
    run_dir = tmp_path_factory.mktemp("images") / "run"
    code = run_experiment(
        config, OmegaConf.to_yaml(OmegaConf.structured(config)), run_dir, Console(width=120)
    )
    return code, load(run_dir)


def _cold(run: Run):
    return run.builds[run.builds["cache"] == "none"].set_index("builder")


def test_cold_images_of_both_builders_pass_the_goss_spec(multistage) -> None:
    _, run = multistage
    cold = _cold(run)
    for builder in ("legacy", "buildkit"):
        row = cold.loc[builder]
        assert row["outcome"] == "ok", row["error_tail"]
        assert pd.isna(row["goss_error"]), row["goss_error"]
        assert (row["goss_passed"], row["goss_failed"]) == (12, 0), row["goss_failures"]
        assert row["goss_s"] > 0


def test_the_two_builders_images_have_the_same_files(multistage) -> None:
    _, run = multistage
    document = json.loads((run.path / "equivalence.json").read_text())
    (pair,) = [p for p in document["pairs"] if p["key"] == "multistage|none|none|native"]
    files = pair["files"]
    assert files["compared"] > 200  # busybox's applets and the two programs were all read
    assert (files["only_a"], files["only_b"], files["changed"]) == (0, 0, 0), files
    assert pair["equivalent"] and not pair["identical"]
    # the files' mtimes differ (the COPYs ran at different times): classified, not counted as content
    assert pair["differences_by_class"]["timestamps"] > 0
    report = build_report([run], n_resamples=199)
    verdicts = {v.claim.id: v for v in report.claims}
    assert verdicts["C8"].verdict == claims.SUPPORTED, verdicts["C8"].numbers
    # What the data says on this engine (containerd store): inspect's Comment names BuildKit, and the
    # legacy image has a Parent. C9's verdict follows the data, so it is "not supported" here.
    tells = {t["field"]: t for t in pair["inspect_tells"]}
    assert tells["Comment"]["b"] == "buildkit.dockerfile.v0"
    assert verdicts["C9"].verdict == claims.NOT_SUPPORTED
    assert "Comment" in "\n".join(verdicts["C9"].numbers)


def test_a_broken_test_fails_the_build_at_the_test_stage(multistage) -> None:
    code, run = multistage
    assert code == EXIT_FAILED_BUILDS
    broken = run.builds[run.builds["change"] == "test"].set_index("builder")
    for builder in ("legacy", "buildkit"):
        row = broken.loc[builder]
        assert row["outcome"] == "failed"
        assert "bench-broken-test" in row["error_tail"], row["error_tail"]
        steps = run.steps[(run.steps["seq"] == row["seq"]) & run.steps["error"].notna()]
        assert set(steps["stage"]) == {"test"}, steps[["name", "stage", "error"]]
    report = build_report([run], n_resamples=199)
    c10 = next(v for v in report.claims if v.claim.id == "C10")
    assert c10.verdict == claims.SUPPORTED, c10.numbers


def _build(docker: DockerClient, context: Path, tag: str, dockerfile: str) -> None:
    context.mkdir(parents=True, exist_ok=True)
    (context / "Dockerfile").write_text(dockerfile)
    (context / "hello.sh").write_text("#!/bin/sh\necho hello\n")
    docker.build(context, tags=[tag], network="none", load=True)


def test_goss_passes_a_good_image_and_names_the_check_a_broken_one_fails(tmp_path: Path) -> None:
    config = compose_config()
    docker = DockerClient(context=config.engine.context)
    base = f"{config.engine.registry}/bench/busybox:latest"
    spec = tmp_path / "goss.yaml"
    spec.write_text(
        "file:\n  /usr/local/bin/hello:\n    exists: true\n    mode: '0755'\n"
        "command:\n  hello:\n    exec: /usr/local/bin/hello\n    exit-status: 0\n    stdout: [hello]\n"
    )
    good, broken = "bench-test/goss:good", "bench-test/goss:broken"
    try:
        _build(
            docker, tmp_path / "good", good, f"FROM {base}\nCOPY --chmod=0755 hello.sh /usr/local/bin/hello\n"
        )
        _build(
            docker,
            tmp_path / "broken",
            broken,
            f"FROM {base}\nCOPY --chmod=0644 hello.sh /usr/local/bin/hello\n",
        )
        ok = check_image(docker, good, spec)
        assert (ok.passed, ok.failed, ok.error) == (4, 0, None), ok.failures
        bad = check_image(docker, broken, spec)
        assert bad.failed >= 2 and not bad.ok  # the mode, and the command that cannot be executed
        assert any("/usr/local/bin/hello: mode" in line for line in bad.failures), bad.failures
        assert any("hello: exit-status" in line for line in bad.failures), bad.failures
        assert not docker.container.list(all=True, filters=[("ancestor", broken)])  # goss's container is gone
    finally:
        docker.image.remove([good, broken], force=True)


@pytest.mark.parametrize("builder", ["legacy", "buildkit"])
def test_bench_debug_opens_the_last_state_a_failed_build_reached(multistage, builder: str) -> None:
    _, run = multistage
    config = compose_config()
    docker = DockerClient(context=config.engine.context)
    seq = int(
        run.builds[(run.builds["change"] == "test") & (run.builds["builder"] == builder)]["seq"].iloc[0]
    )
    said: list[str] = []
    if builder == "legacy":  # the exact state before the failing step: the test reruns and fails there
        command = ["sh", "-c", "sh tests/cli.sh build/ckit build/crc/crc; echo exit=$?"]
    else:  # BuildKit: the failing stage's parent stage, build-ckit, with the broken test file in it
        command = ["sh", "-c", "grep -c bench-broken-test tests/cli.sh; ls build/ckit"]
    output = debug_failed_build(docker, run.path, seq, command, interactive=False, say=said.append)
    if builder == "legacy":
        assert "FAIL bench-broken-test" in output and "exit=1" in output, output
        assert "the last step that succeeded" in said[0]
    else:
        assert output.splitlines() == ["1", "build/ckit"], output
        assert "stage build-ckit" in said[0]
