"""What a run needs made before its first build, made once and kept: the base images its Dockerfiles name
(for the platforms it builds), their `-variant` tags for change=base, and the package index for scenarios
that install from it. `bench engine up` makes none of it (a first result within minutes); `bench engine
up --all` makes all of it ahead of time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from python_on_whales import DockerClient

from bench.bases import images as base_images
from bench.bases import variants as base_variants
from bench.bases.images import BaseImage
from bench.config import BenchConfig
from bench.platforms import host_platform, split
from bench.scenario.definition import Scenario
from bench.services import package_index
from bench.vocabulary import ChangeKind


def _texts(scenario: Scenario) -> list[str]:
    """Where a scenario names its base images: build args and the ARG defaults of its Dockerfiles."""
    dockerfiles = {scenario.dockerfile, *scenario.variants.values()}
    if scenario.mounts_dockerfile:
        dockerfiles.add(scenario.mounts_dockerfile)
    texts = list(scenario.build_args.values())
    for name in dockerfiles:
        path = Path(scenario.directory) / name
        if path.is_file():
            texts.append(path.read_text(errors="replace"))
    compose = Path(scenario.directory) / "compose.yaml"
    if scenario.kind == "compose" and compose.is_file():
        texts.append(compose.read_text(errors="replace"))
    return texts


def oci_platforms(cell_platforms: list[str]) -> set[str]:
    """The platforms a run's cells build for; the host's own is always among them (build stages,
    `FROM --platform=$BUILDPLATFORM`)."""
    return {host_platform()}.union(*(split(cell) for cell in cell_platforms))


def needed_base_images(scenario: Scenario, cell_platforms: list[str]) -> dict[BaseImage, set[str]]:
    """Each base image the scenario names, with the platforms of the run that the image is made for."""
    texts = _texts(scenario)
    platforms = oci_platforms(cell_platforms)
    needed = {}
    for image in base_images.BASE_IMAGES:
        if any(f"{image.repository}:{image.tag}" in text for text in texts):
            needed[image] = platforms & set(image.wanted_platforms())
    return needed


def provide(
    config: BenchConfig, scenario: Scenario, docker: DockerClient, say: Callable[[str], object] = print
) -> None:
    """Make what this run needs and the registry or index lacks, saying what and why."""
    engine = config.engine
    why = f"scenario {scenario.name} builds on it"
    wanted = needed_base_images(scenario, list(config.platform.names))
    base_images.seed(engine, docker, say, wanted=wanted, why=why)
    if config.change.kind == ChangeKind.base:
        bases = {image for image in wanted if image.repository in base_variants.VARIANT_BASES}
        base_variants.seed(engine, docker, say, images=bases)
    if "PACKAGE_INDEX" in scenario.build_args:
        package_index.download(engine, say)
        if package_index.start(engine):
            say(
                f"started package index on {engine.package_index} (scenario {scenario.name} installs from it)"
            )
