"""One image for several platforms from one root filesystem archive each, pushed as a manifest list.

`FROM scratch` + `ADD rootfs-${TARGETARCH}${TARGETVARIANT}.tar /` built by BuildKit for every platform at
once: nothing is pulled and no RUN executes (so nothing runs under QEMU here), and `--push` writes the
per-platform manifests and the list in one go, so a `FROM` of the tag resolves per platform.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from python_on_whales import DockerClient

DOCKERFILE = """FROM scratch
ARG TARGETARCH
ARG TARGETVARIANT
ADD rootfs-${{TARGETARCH}}${{TARGETVARIANT}}.tar /
CMD ["{cmd}"]
"""


def archive_slug(oci_platform: str) -> str:
    """linux/amd64 -> amd64, linux/arm/v7 -> armv7: what TARGETARCH + TARGETVARIANT spell."""
    return "".join(oci_platform.split("/")[1:])


def push_index(
    docker: DockerClient, builder: str, ref: str, archives: Mapping[str, Path], cmd: str, workdir: Path
) -> None:
    """Build `ref` for every platform of `archives` (platform -> rootfs tar) and push the manifest list.

    Provenance attestations are off: the list holds exactly one manifest per platform.
    """
    with tempfile.TemporaryDirectory(dir=workdir, prefix="index-") as tmp:
        context = Path(tmp)
        for platform, archive in archives.items():
            os.link(archive, context / f"rootfs-{archive_slug(platform)}.tar")  # same file system: no copy
        (context / "Dockerfile").write_text(DOCKERFILE.format(cmd=cmd))
        docker.buildx.build(
            context,
            builder=builder,
            platforms=list(archives),
            provenance=False,
            push=True,
            tags=[ref],
            progress=False,
        )
