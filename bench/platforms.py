"""Target platforms: the names bench knows, which QEMU emulator each needs, and what its binaries report.

Pure (no engine): a platform cell is validated before anything is built, and an image's claimed platform
is compared with what it reports here. A cell's platform is `native`, one OCI platform string
(`linux/arm64`) or several joined by commas (`linux/amd64,linux/arm64`, one multi-platform build).
"""

from __future__ import annotations

import platform as host
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bench.errors import BenchError

NATIVE = "native"


@dataclass(frozen=True)
class PlatformInfo:
    """What bench knows of one OCI platform: its QEMU user emulator and its `uname -m` under Linux."""

    name: str
    emulator: str  # binfmt_misc entry of Debian's qemu-user-static, e.g. qemu-aarch64
    machine: str  # what `uname -m` prints on it (under QEMU too)


KNOWN: dict[str, PlatformInfo] = {
    p.name: p
    for p in (
        PlatformInfo("linux/amd64", "qemu-x86_64", "x86_64"),
        PlatformInfo("linux/arm64", "qemu-aarch64", "aarch64"),
        PlatformInfo("linux/arm/v7", "qemu-arm", "armv7l"),
        PlatformInfo("linux/arm/v6", "qemu-arm", "armv6l"),
        PlatformInfo("linux/riscv64", "qemu-riscv64", "riscv64"),
        PlatformInfo("linux/ppc64le", "qemu-ppc64le", "ppc64le"),
        PlatformInfo("linux/s390x", "qemu-s390x", "s390x"),
    )
}
_MACHINE_TO_PLATFORM = {"x86_64": "linux/amd64", "aarch64": "linux/arm64", "armv7l": "linux/arm/v7"}
# Aliases users type; normalised before anything else sees them.
_ALIASES = {"linux/arm64/v8": "linux/arm64", "linux/arm": "linux/arm/v7", "linux/x86_64": "linux/amd64"}


class PlatformError(BenchError):
    """A platform name bench does not know, or one this machine cannot emulate; the text says what to do."""


def host_platform() -> str:
    """The OCI platform of this machine (what `native` builds for)."""
    machine = host.machine()
    return _MACHINE_TO_PLATFORM.get(machine, f"linux/{machine}")


def known_names() -> list[str]:
    return [NATIVE, *KNOWN]


def split(cell_platform: str) -> list[str]:
    """The OCI platforms one cell builds for: `native` -> the host's, `a,b` -> [a, b]."""
    if cell_platform == NATIVE:
        return [host_platform()]
    return [_ALIASES.get(p.strip(), p.strip()) for p in cell_platform.split(",") if p.strip()]


def is_multi(cell_platform: str) -> bool:
    """Several platforms in one build: the result is a manifest list, pushed to a registry."""
    return len(split(cell_platform)) > 1


def unknown(cell_platforms: Sequence[str]) -> str | None:
    """None when every name is known, else one line naming the first unknown one and the known ones."""
    for cell_platform in cell_platforms:
        parts = split(cell_platform)
        if not parts:
            return f"platform {cell_platform!r} is empty; known: {', '.join(known_names())}"
        for part in parts:
            if part not in KNOWN:
                return (
                    f"unknown platform {part!r}; known: {', '.join(known_names())} "
                    "(several in one build: platform.names='[\"linux/amd64,linux/arm64\"]')"
                )
    return None


def missing_emulators(cell_platforms: Sequence[str], emulators: Mapping[str, str]) -> list[tuple[str, str]]:
    """(platform, emulator) pairs that need QEMU but whose binfmt_misc entry is not registered.

    `emulators` is what binfmt_misc holds (name -> flags), as bench.host.binfmt.emulators() reads it.
    The host's own platform needs no emulator.
    """
    native = host_platform()
    missing: list[tuple[str, str]] = []
    for cell_platform in cell_platforms:
        for part in split(cell_platform):
            info = KNOWN.get(part)
            if info is None or part == native or info.emulator in emulators:
                continue
            if (part, info.emulator) not in missing:
                missing.append((part, info.emulator))
    return missing


def expected_machine(oci_platform: str) -> str:
    """What `uname -m` prints on `oci_platform`, e.g. aarch64 for linux/arm64."""
    info = KNOWN.get(oci_platform)
    return info.machine if info else oci_platform.split("/")[1]


def config_platform(os_: str | None, architecture: str | None, variant: str | None) -> str:
    """An image config's os/architecture/variant as one OCI platform string (arm64's v8 dropped)."""
    name = f"{os_ or '?'}/{architecture or '?'}"
    if variant and not (architecture == "arm64" and variant == "v8"):
        name += f"/{variant}"
    return name


def same_platform(claimed: str, wanted: str) -> bool:
    """Whether an image's platform is the requested one (aliases such as linux/arm64/v8 count as equal)."""
    return _ALIASES.get(claimed, claimed) == _ALIASES.get(wanted, wanted)
