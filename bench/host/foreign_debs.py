"""Debian packages of another architecture, fetched from the machine's own mirror and unpacked.

Used for foreign base images (static busybox for arm64, armhf). It reads the mirror's package index for
that architecture directly instead of `dpkg --add-architecture`: the machine's dpkg and apt state stay
as they were, and every later `apt-get update` does not start fetching foreign indexes.
"""

from __future__ import annotations

import hashlib
import lzma
import subprocess
import urllib.request
from pathlib import Path

from bench.host.host_packages import debian_mirror

SUITE = "bookworm"
# OCI platform -> Debian architecture
DEBIAN_ARCH = {"linux/amd64": "amd64", "linux/arm64": "arm64", "linux/arm/v7": "armhf", "linux/386": "i386"}


def debian_arch(oci_platform: str) -> str:
    try:
        return DEBIAN_ARCH[oci_platform]
    except KeyError:
        raise ValueError(
            f"no Debian architecture for platform {oci_platform!r}; known: {', '.join(DEBIAN_ARCH)}"
        ) from None


def find_in_index(index: str, package: str) -> tuple[str, str]:
    """(Filename, SHA256) of `package` in a Debian `Packages` index; KeyError when it is not there."""
    for stanza in index.split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in stanza.splitlines() if ": " in line and not line.startswith(" ")
        )
        if fields.get("Package") == package:
            return fields["Filename"], fields["SHA256"]
    raise KeyError(f"{package} is not in the index")


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read()


def unpack(package: str, oci_platform: str, dest: Path, mirror: str | None = None) -> None:
    """Download `package` for the platform's Debian architecture, check its SHA256, `dpkg-deb -x` it."""
    mirror = (mirror or debian_mirror()).rstrip("/")
    arch = debian_arch(oci_platform)
    index = lzma.decompress(_fetch(f"{mirror}/dists/{SUITE}/main/binary-{arch}/Packages.xz")).decode()
    filename, sha256 = find_in_index(index, package)
    deb = _fetch(f"{mirror}/{filename}")
    if hashlib.sha256(deb).hexdigest() != sha256:
        raise OSError(f"{filename}: SHA256 does not match the mirror's index")
    path = dest.parent / Path(filename).name
    path.write_bytes(deb)
    try:
        subprocess.run(["dpkg-deb", "-x", str(path), str(dest)], check=True)
    finally:
        path.unlink(missing_ok=True)
