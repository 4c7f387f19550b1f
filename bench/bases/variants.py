"""Variants of the base images, for `change=base`: the same root file system plus one file, pushed under
`<tag>-variant`. A new digest invalidates every step built on the base and must be pulled in full, as
after a base image update. Host platform only; made once from the base image's kept archive.
"""

from __future__ import annotations

import io
import shutil
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

from python_on_whales import DockerClient

from bench.config import EngineConfig
from bench.scenario.changes import variant_ref
from bench.services import registry

VARIANT_FILE = "etc/bench-base-variant"


def _repository_and_tag(ref: str, engine: EngineConfig) -> tuple[str, str]:
    path = ref.removeprefix(f"{engine.registry}/")
    repository, _, tag = path.rpartition(":")
    return repository, tag


def variant_archive(archive: Path, target: Path) -> Path:
    """A copy of a base image's root file system tar with one extra file appended."""
    shutil.copyfile(archive, target)
    data = b"bench base image variant: same files plus this one\n"
    member = tarfile.TarInfo(VARIANT_FILE)
    member.size = len(data)
    member.mode = 0o644
    with tarfile.open(target, "a") as tar:
        tar.addfile(member, io.BytesIO(data))
    return target


def seed_variants(
    engine: EngineConfig,
    docker: DockerClient,
    archives: dict[str, tuple[Path, str]],
    say: Callable[[str], object] = print,
) -> list[str]:
    """Push `<tag>-variant` of each base image the registry lacks it for.

    `archives` maps a base image ref to (its root file system tar, its CMD)."""
    pushed = []
    for ref, (archive, cmd) in archives.items():
        variant = variant_ref(ref)
        if registry.has_tag(engine, *_repository_and_tag(variant, engine)):
            continue
        if not archive.is_file():
            say(f"no archive {archive} to make {variant} from; change=base will fail for it")
            continue
        with tempfile.TemporaryDirectory(dir=archive.parent) as tmp:
            copy = variant_archive(archive, Path(tmp) / "variant.tar")
            docker.image.import_(copy, tag=variant, changes=[f'CMD ["{cmd}"]'])
        docker.image.push(variant, quiet=True)
        docker.image.remove(variant, force=True)
        pushed.append(variant)
    return pushed


#: The base images the shipped scenarios build on; each gets a variant for `change=base`.
VARIANT_BASES = ("bench/busybox", "bench/debian-gcc")


def seed(
    engine: EngineConfig, docker: DockerClient, say: Callable[[str], object] = print, images=None
) -> list[str]:
    """Variants of `images` (default: every base image in VARIANT_BASES) from the archives
    `base_images.seed` keeps (it runs first)."""
    from bench.bases import images as base_images
    from bench.platforms import host_platform

    cache_dir = Path(engine.state_dir) / "base-images"
    chosen = images if images is not None else base_images.BASE_IMAGES
    archives = {
        image.ref(engine): (base_images._archive(cache_dir, image, host_platform(), say), image.cmd)
        for image in chosen
        if image.repository in VARIANT_BASES
    }
    return seed_variants(engine, docker, archives, say)
