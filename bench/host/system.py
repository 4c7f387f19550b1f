"""Whether this machine can run the engine bench sets up, said in one line before anything is changed.

The engine's binaries come from Debian 13 and need glibc >= 2.34 (Debian 12 has 2.36, Ubuntu 22.04 2.35);
the packages are fetched with apt, so the machine must be Debian-like; Debian must build for its
architecture.
"""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

from bench.errors import EngineError

MIN_GLIBC = (2, 34)
# Debian 13's architectures that have docker.io, containerd and docker-buildx
DEBIAN_ARCHES = ("amd64", "arm64", "armhf", "ppc64el", "s390x", "riscv64")


def os_release(path: Path = Path("/etc/os-release")) -> dict[str, str]:
    fields = {}
    for line in path.read_text().splitlines() if path.exists() else []:
        key, _, value = line.partition("=")
        if value:
            fields[key.strip()] = value.strip().strip('"')
    return fields


def debian_like(release: dict[str, str]) -> bool:
    return release.get("ID") == "debian" or "debian" in release.get("ID_LIKE", "").split()


def glibc_version() -> tuple[int, int]:
    name, version = platform.libc_ver()
    if name != "glibc" or not version:
        return (0, 0)
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def debian_arch() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def require_root(
    needs: str = "setting up the engine needs root (it starts a dockerd and installs packages)",
    fix: str = "sudo .venv/bin/bench engine up",
) -> None:
    """Raise one EngineError saying why root is needed (`needs`) and the command to run as root (`fix`)."""
    if os.geteuid() != 0:
        raise EngineError(needs, fix=fix)


def require_supported(release: dict[str, str] | None = None) -> None:
    """Raise one EngineError naming what this machine lacks, before anything is downloaded or changed."""
    release = os_release() if release is None else release
    if not debian_like(release):
        raise EngineError(
            f"bench sets up its engine on Debian-like systems only; this is {release.get('ID', 'unknown')!r}",
            fix="use a Debian 12 (or newer) or Ubuntu 22.04 (or newer) machine, or an engine you have: "
            "bench run engine=context engine.context=NAME",
        )
    glibc = glibc_version()
    if glibc < MIN_GLIBC:
        raise EngineError(
            f"the engine's binaries need glibc >= {MIN_GLIBC[0]}.{MIN_GLIBC[1]}; this machine has "
            f"{glibc[0]}.{glibc[1]}",
            fix="use Debian 12 / Ubuntu 22.04 or newer, or an engine you have (engine=context)",
        )
    arch = debian_arch()
    if arch not in DEBIAN_ARCHES:
        raise EngineError(
            f"Debian has no engine packages for architecture {arch!r} (it has {', '.join(DEBIAN_ARCHES)})",
            fix="use an engine you have: bench run engine=context engine.context=NAME",
        )
