"""Foreign and multi-platform builds on the real engine with QEMU (issue: platforms).

Asserts what would be false if bench got platforms wrong: an arm64 build's image runs and says aarch64,
a wrong-architecture image is caught, the emulated and the cross-compiled program print the same, a
`multi` build leaves a manifest list with both platforms in the registry, and the legacy builder's
limits are recorded as unsupported rather than failing or building something else.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_setup import compose_config
from omegaconf import OmegaConf
from python_on_whales import DockerClient
from rich.console import Console

from bench.builders.buildkit import BuildKitBuilder
from bench.builders.legacy import LegacyBuilder
from bench.builders.records import BuildRequest, Outcome
from bench.engine.image_platform import check_image
from bench.run.experiment import EXIT_FAILED_BUILDS, EXIT_OK, run_experiment
from bench.scenario.changes import copy_scenario
from bench.scenario.definition import load_scenario
from bench.services import registry
from bench.store.results import Run, load

pytestmark = pytest.mark.engine


def _run(tmp_path: Path, *overrides: str) -> tuple[int, Run]:
    config = compose_config("repetitions=1", "warmup=0", "cache=none", *overrides)
    run_dir = tmp_path / "run"
    code = run_experiment(
        config, OmegaConf.to_yaml(OmegaConf.structured(config)), run_dir, Console(width=120)
    )
    return code, load(run_dir)


def _tag(row) -> str:
    argv = list(row["argv"])
    return argv[argv.index("--tag") + 1]


def test_arm64_build_runs_and_reports_aarch64(tmp_path: Path) -> None:
    code, run = _run(tmp_path, "scenario=tiny", "platform=arm64")
    builds = run.builds.set_index("builder")
    assert set(builds["platform"]) == {"linux/arm64"}
    # The BuildKit row passed the platform check: config says arm64 and `uname -m` under QEMU said aarch64.
    assert builds.loc["buildkit", "outcome"] == "ok", builds.loc["buildkit", "error_tail"]
    # The legacy builder was measured with --platform. On dockerd 26 with the containerd image store it
    # fails FROM a manifest list for a foreign platform: it looks for the host platform's manifest, which
    # a cold engine never pulled. Recorded as a failed row with the engine's words; the run goes on.
    legacy = builds.loc["legacy"]
    assert "--platform" in legacy["argv"]
    assert legacy["outcome"] == "failed" and "content digest" in legacy["error_tail"]
    assert code == EXIT_FAILED_BUILDS


def test_legacy_builds_one_foreign_platform_from_a_single_platform_base(tmp_path: Path) -> None:
    """The legacy builder's --platform works when the base is that platform's manifest itself."""
    config = compose_config("scenario=tiny")
    docker = DockerClient(context=config.engine.context)
    index = registry._get_json(
        f"http://{config.engine.registry}/v2/bench/busybox/manifests/latest",
        "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json",
    )
    digest = next(m["digest"] for m in index["manifests"] if m["platform"]["architecture"] == "arm64")
    scenario = load_scenario(config.scenario)
    tag = "bench-run/platform-check:legacy-arm64"
    request = BuildRequest(
        context_dir=str(scenario.directory),
        dockerfile=str(scenario.directory / scenario.dockerfile),
        tag=tag,
        build_args={"BASE_IMAGE": f"{config.engine.registry}/bench/busybox@{digest}"},
        network="none",
        extra_flags=("--platform", "linux/arm64"),
    )
    record = LegacyBuilder(docker).build(request)
    assert record.outcome is Outcome.OK, record.error_tail
    assert check_image(docker, config.engine, "linux/arm64", record.image_id, tag) is None
    docker.image.remove(tag, force=True)


def test_a_wrong_architecture_image_is_caught(tmp_path: Path) -> None:
    """A native image claimed as arm64 fails the check: by its config, and by running it."""
    config = compose_config("scenario=tiny")
    docker = DockerClient(context=config.engine.context)
    scenario = load_scenario(config.scenario)
    request = BuildRequest(
        context_dir=str(scenario.directory),
        dockerfile=str(scenario.directory / scenario.dockerfile),
        tag="bench-run/platform-check:native",
        build_args=dict(scenario.build_args),
        network="none",
    )
    record = BuildKitBuilder(docker).build(request)
    assert record.outcome is Outcome.OK, record.error_tail
    problem = check_image(docker, config.engine, "linux/arm64", record.image_id, request.tag)
    assert problem and "wrong architecture" in problem and "linux/amd64" in problem
    assert check_image(docker, config.engine, "native", record.image_id, request.tag) is None
    docker.image.remove(request.tag, force=True)


def _run_in(docker: DockerClient, image: str, *argv: str) -> str:
    return str(docker.run(image, list(argv), platform="linux/arm64", networks=["none"], remove=True))


def test_cross_and_emulate_give_the_same_program(tmp_path: Path) -> None:
    """BuildKit, arm64: both strategies' images print the same self-test and the same archinfo."""
    outputs = {}
    for strategy in ("cross", "emulate"):
        config = compose_config("scenario=crossbuild", f"crossbuild={strategy}")
        docker = DockerClient(context=config.engine.context)
        scenario = load_scenario(config.scenario)
        context = copy_scenario(scenario.directory, parent=tmp_path)  # with multistage's crc/
        tag = f"bench-run/crossbuild-test:{strategy}"
        request = BuildRequest(
            context_dir=str(context),
            dockerfile=str(context / scenario.dockerfile),
            tag=tag,
            build_args=dict(scenario.build_args),
            network="none",
            extra_flags=("--platform", "linux/arm64"),
        )
        record = BuildKitBuilder(docker).build(request)
        assert record.outcome is Outcome.OK, record.error_tail
        assert (
            check_image(docker, config.engine, "linux/arm64", record.image_id, tag, scenario.arch_probe)
            is None
        )
        outputs[strategy] = (
            _run_in(docker, tag, "/usr/local/bin/archinfo"),
            _run_in(docker, tag, "/usr/local/bin/crc", "-t"),
            _run_in(docker, tag, "/usr/local/bin/crc", "-m", "CRC-64/XZ", "-s", "bench"),
        )
        docker.image.remove(tag, force=True)
    assert outputs["cross"][0].strip() == "aarch64 64-bit"
    assert outputs["cross"] == outputs["emulate"]
    assert "0 failed" in outputs["cross"][1]


def test_multi_pushes_a_manifest_list_and_legacy_is_unsupported(tmp_path: Path) -> None:
    code, run = _run(tmp_path, "scenario=tiny", "platform=multi")
    assert code == EXIT_OK, run.builds[["builder", "outcome", "error_tail"]].to_dict("records")
    builds = run.builds.set_index("builder")
    assert builds.loc["buildkit", "outcome"] == "ok"
    assert builds.loc["legacy", "outcome"] == "unsupported"
    assert "several --platform values need BuildKit" in builds.loc["legacy", "error_tail"]
    tag = _tag(builds.loc["buildkit"])
    engine = compose_config().engine
    repository, reference = tag.removeprefix(engine.registry + "/").rsplit(":", 1)
    assert sorted(registry.platforms(engine, repository, reference)) == ["linux/amd64", "linux/arm64"]
    steps = run.steps[run.steps["builder"] == "buildkit"]
    assert {"linux/amd64", "linux/arm64"} <= set(steps["platform"].dropna())


def test_missing_cross_compiler_fails_the_cell_with_the_builds_error(tmp_path: Path) -> None:
    """CROSS_IMAGE without cross-compilers: the BuildKit cell fails with the build's own words;
    the legacy cell (no BUILDPLATFORM) is unsupported; the run goes on to its end."""
    engine = compose_config().engine
    code, run = _run(
        tmp_path,
        "scenario=crossbuild",
        "crossbuild=cross",
        "platform=arm64",
        f"scenario.build_args.CROSS_IMAGE={engine.registry}/bench/busybox:latest",
    )
    assert code == EXIT_FAILED_BUILDS
    builds = run.builds.set_index("builder")
    assert builds.loc["buildkit", "outcome"] == "failed"
    assert "cross-compiler aarch64-linux-gnu-gcc is missing" in builds.loc["buildkit", "error_tail"]
    assert builds.loc["legacy", "outcome"] == "unsupported"
    assert "BUILDPLATFORM" in builds.loc["legacy", "error_tail"]
