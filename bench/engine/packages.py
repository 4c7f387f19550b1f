"""Installs the engine's Debian packages: dockerd/buildx/containerd from trixie, the rest from bookworm.

Bookworm's docker.io (20.10) has no buildx; trixie's packages install cleanly when trixie is a second suite
pinned low (ENGINE.md), so nothing else on the machine upgrades.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

TRIXIE_SOURCES = Path("/etc/apt/sources.list.d/bench-trixie.sources")
TRIXIE_PIN = Path("/etc/apt/preferences.d/bench-trixie")
# docker-compose from trixie is Compose v2 (2.26, the `docker compose` plugin; bookworm has v1, 1.29)
FROM_TRIXIE = ("docker.io", "docker-buildx", "containerd", "docker-compose")
FROM_BOOKWORM = (
    "docker-registry",
    "qemu-user-static",
    "binfmt-support",
    "busybox-static",
    "debootstrap",
    "goss",
    "hyperfine",
    "iproute2",
    "chromium",  # the report's browser test opens report.html headless
    "git",  # the ssh scenario's private repository and git daemon (scenarios/ssh)
    "openssh-client",  # ssh-keygen, ssh-agent, ssh-add (the server: bench/engine/ssh_server.install)
)
# Each package's command, to tell whether it is already there without asking apt.
COMMANDS = {
    "docker.io": "dockerd",
    "docker-buildx": "/usr/libexec/docker/cli-plugins/docker-buildx",
    "containerd": "ctr",
    "docker-compose": "/usr/libexec/docker/cli-plugins/docker-compose",
    "docker-registry": "docker-registry",
    "qemu-user-static": "qemu-aarch64-static",
    "binfmt-support": "update-binfmts",
    "busybox-static": "busybox",
    "debootstrap": "debootstrap",
    "goss": "goss",
    "hyperfine": "hyperfine",
    "iproute2": "tc",
    "chromium": "chromium",
    "git": "git",
    "openssh-client": "ssh-agent",
}


def debian_mirror() -> str:
    """The mirror the machine already uses, so set-up reaches only archives the machine is allowed to."""
    for path in [Path("/etc/apt/sources.list.d/debian.sources"), Path("/etc/apt/sources.list")]:
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            line = line.strip()
            if line.startswith("URIs:") and "security" not in line:
                return line.split()[1]
            if line.startswith("deb ") and "security" not in line:
                return next(p for p in line.split()[1:] if p.startswith("http"))
    return "http://deb.debian.org/debian"


def _present(package: str) -> bool:
    cmd = COMMANDS[package]
    return Path(cmd).exists() if cmd.startswith("/") else shutil.which(cmd) is not None


def missing_packages() -> list[str]:
    return [p for p in (*FROM_TRIXIE, *FROM_BOOKWORM) if not _present(p)]


def _apt(args: list[str]) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "-q", "-y", *args], check=True, env=env, stdout=subprocess.DEVNULL)


def install_packages(say=print) -> list[str]:
    """Install what is missing; returns what was installed. Idempotent and quick when all is there."""
    missing = missing_packages()
    if not missing:
        return []
    if os.geteuid() != 0:
        raise PermissionError(f"installing {', '.join(missing)} needs root: run `sudo bench engine up`")
    if not TRIXIE_SOURCES.exists():
        TRIXIE_SOURCES.write_text(
            "Types: deb\n"
            f"URIs: {debian_mirror()}\n"
            "Suites: trixie\nComponents: main\n"
            "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
        )
        TRIXIE_PIN.write_text("Package: *\nPin: release n=trixie\nPin-Priority: 100\n")
    say(f"installing {' '.join(missing)} (Debian packages)")
    _apt(["update", "-qq"])
    trixie = [p for p in missing if p in FROM_TRIXIE]
    if trixie:
        _apt(["install", "-t", "trixie", *trixie])
    bookworm = [p for p in missing if p in FROM_BOOKWORM]
    if bookworm:
        _apt(["install", *bookworm])
    return missing
