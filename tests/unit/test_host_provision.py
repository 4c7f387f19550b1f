"""A run makes only the base images its scenario names, for the platforms it builds (provision.py)."""

from __future__ import annotations

from bench.bases.provision import needed_base_images, oci_platforms
from bench.composition import PROJECT_ROOT
from bench.config import ScenarioConfig
from bench.platforms import host_platform
from bench.scenario.definition import load_scenario


def _needed(path: str, platforms: list[str], **config) -> dict[str, set[str]]:
    scenario = load_scenario(ScenarioConfig(path=str(PROJECT_ROOT / path), **config))
    return {f"{i.repository}:{i.tag}": p for i, p in needed_base_images(scenario, platforms).items()}


def test_multistage_natively_needs_two_images_for_the_host_only() -> None:
    assert _needed("scenarios/multistage", ["native"]) == {
        "bench/debian-gcc:bookworm": {host_platform()},
        "bench/busybox:latest": {host_platform()},
    }


def test_tiny_needs_busybox_only() -> None:
    assert set(_needed("tests/fixtures/scenarios/tiny", ["native"])) == {"bench/busybox:latest"}


def test_foreign_platforms_are_added_where_the_image_is_made_for_them() -> None:
    needed = _needed("scenarios/crossbuild", ["linux/arm64"], dockerfile="Dockerfile.cross")
    assert needed["bench/busybox:latest"] == {host_platform(), "linux/arm64"}
    assert needed["bench/debian-cross:bookworm"] == {host_platform()}  # made for the build platform only
    assert "bench/debian-gcc:bookworm" not in needed


def test_the_host_platform_is_always_among_a_runs_platforms() -> None:
    assert oci_platforms(["linux/arm64,linux/arm/v7"]) == {host_platform(), "linux/arm64", "linux/arm/v7"}
