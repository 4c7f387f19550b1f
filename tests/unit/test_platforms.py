"""Platform names, emulator look-up and architecture checks: pure, no engine."""

from __future__ import annotations

import pytest

from bench import platforms
from bench.composition import compose
from bench.config import BenchConfig
from bench.engine.image_platform import machine_problem, split_reference
from bench.engine.probe import platform_emulation
from bench.errors import ConfigError
from bench.host.foreign_debs import find_in_index
from bench.host.multiplatform import archive_slug
from bench.platforms import NATIVE, expected_machine, host_platform, is_multi, missing_emulators, split
from bench.services import registry

EMULATORS = {"qemu-aarch64": "PF", "qemu-arm": "PF"}


def _compose(*overrides: str) -> BenchConfig:
    return compose(overrides)


def test_platform_group_options() -> None:
    assert _compose().platform.names == [NATIVE]
    assert _compose("platform=arm64").platform.names == ["linux/arm64"]
    assert _compose("platform=armv7").platform.names == ["linux/arm/v7"]
    multi = _compose("platform=multi").platform.names
    assert multi == ["linux/amd64,linux/arm64"] and is_multi(multi[0])


def test_crossbuild_strategy_picks_the_scenarios_dockerfile() -> None:
    assert _compose("scenario=crossbuild").scenario.dockerfile == "Dockerfile.emulate"
    assert _compose("scenario=crossbuild", "crossbuild=cross").scenario.dockerfile == "Dockerfile.cross"
    assert _compose("scenario=crossbuild", "crossbuild=emulate").scenario.dockerfile == "Dockerfile.emulate"
    args = _compose("scenario=crossbuild", "engine.registry=127.0.0.1:5999").scenario.build_args
    assert args["CROSS_IMAGE"] == "127.0.0.1:5999/bench/debian-cross:bookworm"


def test_unknown_platform_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown platform 'linux/arm65'; known: native, linux/amd64"):
        _compose("platform.names=[linux/arm65]")
    with pytest.raises(ConfigError, match="unknown platform 'windows/amd64'"):
        _compose("platform.names=['linux/amd64,windows/amd64']")


def test_split_normalises_aliases_and_native() -> None:
    assert split(NATIVE) == [host_platform()]
    assert split("linux/amd64, linux/arm64/v8") == ["linux/amd64", "linux/arm64"]
    assert split("linux/arm") == ["linux/arm/v7"]
    assert not is_multi("linux/arm64") and not is_multi(NATIVE)


def test_missing_emulators_names_only_foreign_platforms_without_binfmt() -> None:
    assert missing_emulators([NATIVE, "linux/arm64", "linux/arm/v7"], EMULATORS) == []
    assert missing_emulators([host_platform()], {}) == []
    assert missing_emulators(["linux/amd64,linux/riscv64", "linux/riscv64"], EMULATORS) == [
        ("linux/riscv64", "qemu-riscv64")
    ]


def test_missing_emulator_is_one_line_with_the_fix() -> None:
    cap = platform_emulation(["linux/arm64"], {})
    assert not cap.ok and "linux/arm64 needs qemu-aarch64" in cap.detail and "bench engine up" in cap.fix
    assert "\n" not in cap.detail
    assert platform_emulation(["linux/arm64"], EMULATORS).ok


def test_expected_machines() -> None:
    assert [expected_machine(p) for p in ("linux/amd64", "linux/arm64", "linux/arm/v7")] == [
        "x86_64",
        "aarch64",
        "armv7l",
    ]


def test_config_platform_and_equality() -> None:
    assert platforms.config_platform("linux", "arm64", "v8") == "linux/arm64"
    assert platforms.config_platform("linux", "arm", "v7") == "linux/arm/v7"
    assert platforms.same_platform("linux/arm64/v8", "linux/arm64")
    assert not platforms.same_platform("linux/amd64", "linux/arm64")
    assert not platforms.same_platform("linux/arm/v6", "linux/arm/v7")


def test_machine_problem_catches_a_wrong_architecture() -> None:
    assert machine_problem("aarch64 64-bit\n", "linux/arm64", ["archinfo"]) is None
    assert machine_problem("aarch64\n", "linux/arm64", ["uname", "-m"]) is None
    problem = machine_problem("x86_64 64-bit\n", "linux/arm64", ["archinfo"])
    assert problem and "wrong architecture" in problem and "'x86_64 64-bit'" in problem
    assert machine_problem("", "linux/arm/v7", ["uname", "-m"]) is not None


def test_split_reference_in_the_local_registry() -> None:
    assert split_reference("127.0.0.1:5000/bench-run/x:buildkit-3", "127.0.0.1:5000") == (
        "bench-run/x",
        "buildkit-3",
    )
    assert split_reference("bench-run/x:buildkit-3", "127.0.0.1:5000") is None


def test_archive_slugs_spell_targetarch_and_variant() -> None:
    assert [archive_slug(p) for p in ("linux/amd64", "linux/arm64", "linux/arm/v7")] == [
        "amd64",
        "arm64",
        "armv7",
    ]


def test_find_in_a_debian_index() -> None:
    index = (
        "Package: busybox\nVersion: 1\nFilename: pool/b/busybox_1_arm64.deb\nSHA256: aa\n\n"
        "Package: busybox-static\nVersion: 1\nDescription: x\n more: y\n"
        "Filename: pool/b/busybox-static_1_arm64.deb\nSHA256: bb\n"
    )
    assert find_in_index(index, "busybox-static") == ("pool/b/busybox-static_1_arm64.deb", "bb")
    with pytest.raises(KeyError):
        find_in_index(index, "gcc")


def test_registry_platforms_of_a_list_and_of_a_single_manifest(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.config import EngineConfig

    index = {
        "manifests": [
            {"digest": "a", "platform": {"os": "linux", "architecture": "amd64"}},
            {"digest": "b", "platform": {"os": "linux", "architecture": "arm", "variant": "v7"}},
            {"digest": "c", "platform": {"os": "unknown", "architecture": "unknown"}},
        ]
    }
    monkeypatch.setattr(registry, "_get_json", lambda url, accept=None: index)
    assert registry.platforms(EngineConfig(), "bench/busybox", "latest") == ["linux/amd64", "linux/arm/v7"]
    answers = iter([{"config": {"digest": "sha256:c"}}, {"os": "linux", "architecture": "arm64"}])
    monkeypatch.setattr(registry, "_get_json", lambda url, accept=None: next(answers))
    assert registry.platforms(EngineConfig(), "bench/busybox", "latest") == ["linux/arm64"]


def test_cli_refuses_an_unknown_platform_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from bench.cli import main

    assert main(["doctor", "platform.names=[linux/mips99]"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("bench: unknown platform 'linux/mips99'; known: native")
