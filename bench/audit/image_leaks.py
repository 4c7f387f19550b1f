"""The secret audit of images on an engine: `docker save` them and search every layer and config.

Besides the image a build tagged, the audit reaches the images the build left behind: the legacy
builder's intermediate images (one per step, untagged, also those of earlier stages of a multi-stage
build), found as the engine's images created since the build began. BuildKit's build cache is not an
image: `docker save` cannot reach it, and the audit says so rather than claiming it clean.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bench.audit.leaks import Finding, Matcher, scan_saved
from bench.errors import BenchError

if TYPE_CHECKING:
    from python_on_whales import DockerClient

#: Said with every image audit: where a secret could still be that `docker save` does not show.
NOT_REACHED = (
    "BuildKit's build cache (not an image; docker save cannot reach it: on an engine you own, audit its"
    " data root with --dir)"
)


class NoSuchImageError(BenchError):
    """An image to audit is not on the engine; the message names it."""


@dataclass
class ImageAudit:
    """The findings of one audit, and what it read: the images, the archive's bytes and the time taken."""

    images: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    archive_bytes: int = 0
    seconds: float = 0.0

    @property
    def leaked(self) -> bool:
        return bool(self.findings)

    def locations(self) -> list[str]:
        """Where, with the fingerprint and encoding, without duplicates, in the order found."""
        return list(dict.fromkeys(f"{f.where} [{f.fingerprint} {f.encoding}]" for f in self.findings))


def _save(docker: DockerClient, images: list[str], archive: Path) -> int:
    from python_on_whales.exceptions import NoSuchImage

    try:
        docker.image.save(images, output=archive)
    except NoSuchImage as error:
        first = (str(error.stderr or error).strip().splitlines() or ["no such image"])[-1]
        raise NoSuchImageError(f"{first}; build or pull it first") from None
    return archive.stat().st_size


def audit_images(
    docker: DockerClient, images: list[str], matcher: Matcher, left_behind: list[str] | None = None
) -> ImageAudit:
    """Save and search `images` (one is named `image`, several by their tags), then the images a build
    left behind (named `intermediate image (config ...)`); a layer already read is not read again."""
    started = time.monotonic()
    audit = ImageAudit(images=[*images, *(left_behind or [])])
    seen: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as scratch:
        for number, group in enumerate([images, left_behind or []]):
            if not group:
                continue
            archive = Path(scratch) / f"images-{number}.tar"
            audit.archive_bytes += _save(docker, group, archive)
            label = "image" if number == 0 and len(group) == 1 else None  # else tags or config digests
            audit.findings += scan_saved(matcher, archive, label=label, seen_layers=seen)
            archive.unlink()
    audit.seconds = time.monotonic() - started
    return audit


def require_images(docker: DockerClient, images: list[str]) -> None:
    """Raise NoSuchImageError naming the first image the engine does not have."""
    for image in images:
        if not docker.image.exists(image):
            raise NoSuchImageError(f"no such image {image} on this engine; build or pull it first")


def images_created_since(docker: DockerClient, since: float, exclude: set[str] | None = None) -> list[str]:
    """Ids of every image (tagged, untagged, intermediate) created at or after `since` (epoch seconds).

    A second of slack: image timestamps and this clock may round differently.
    """
    found = []
    for image in docker.image.list(all=True):
        created = image.created
        if created is None:
            continue
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        if created >= datetime.fromtimestamp(since - 1.0, UTC) and image.id not in (exclude or set()):
            found.append(image.id)
    return sorted(set(found))
