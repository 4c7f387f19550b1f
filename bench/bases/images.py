"""Base images made on this machine and served from the local registry (there is no Docker Hub here).

- busybox: `FROM scratch` + Debian's static busybox: a 3 MB base with a shell, for runtime stages.
  For amd64, arm64 and arm/v7 (busybox-static of that architecture, read from the mirror, not installed).
- debian-gcc: a debootstrapped bookworm minbase with gcc, libc6-dev and make, for compile stages.
  For amd64, arm64 and arm/v7 (the foreign ones debootstrapped under QEMU: minutes each, done once).
- debian-python: a debootstrapped bookworm minbase with python3, venv and pip, for scenarios that install
  Python dependencies (from the harness's own package index, bench/services/package_index.py).
- debian-git: a debootstrapped bookworm minbase with git and the OpenSSH client, for steps that clone a
  repository over SSH (scenarios/ssh).
- debian-cross: debian-gcc plus Debian's cross-compilers for arm64 and armhf, for compile stages that
  run on the build platform (`FROM --platform=$BUILDPLATFORM`), amd64 only.
An image for several platforms is one manifest list, so `FROM` resolves per platform. Each root file
system is made once (kept under the engine's state dir); an image is pushed only when the registry
lacks its tag or one of the platforms a run needs (bench/bases/provision.py), or all of them with
`bench engine up --all`.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from python_on_whales import DockerClient

from bench.config import EngineConfig
from bench.host import foreign_debs, multiplatform
from bench.host.host_packages import debian_mirror
from bench.platforms import host_platform
from bench.services import registry

CROSS_COMPILERS = "gcc-aarch64-linux-gnu,libc6-dev-arm64-cross,gcc-arm-linux-gnueabihf,libc6-dev-armhf-cross"


@dataclass(frozen=True)
class BaseImage:
    repository: str
    tag: str
    make_rootfs: Callable[[Path, str], None]  # (empty root directory, OCI platform)
    cmd: str
    platforms: tuple[str, ...] = ()  # empty: the host's platform only

    def ref(self, engine: EngineConfig) -> str:
        return f"{engine.registry}/{self.repository}:{self.tag}"

    def wanted_platforms(self) -> tuple[str, ...]:
        return self.platforms or (host_platform(),)


def _busybox_rootfs(root: Path, platform: str) -> None:
    binary = root / "bin" / "busybox"
    foreign_debs.unpack(
        "busybox-static", platform, root
    )  # its own bin/busybox: nothing installed on the host
    shutil.rmtree(root / "usr" / "share", ignore_errors=True)
    # The applet list of the image's own busybox (a foreign one runs under QEMU through binfmt_misc).
    applets = subprocess.run([str(binary), "--list"], capture_output=True, text=True, check=True).stdout
    for applet in applets.split():
        if applet != "busybox" and not (root / "bin" / applet).exists():
            (root / "bin" / applet).symlink_to("busybox")
    for directory in ("tmp", "etc", "root"):
        (root / directory).mkdir(exist_ok=True)
    (root / "tmp").chmod(0o1777)


def _debootstrap(root: Path, platform: str, include: str) -> None:
    """A bookworm minbase; for a foreign platform dpkg runs under QEMU (binfmt_misc with the F flag)."""
    subprocess.run(
        [
            "debootstrap",
            f"--arch={foreign_debs.debian_arch(platform)}",
            "--variant=minbase",
            f"--include={include}",
            "bookworm",
            str(root),
            debian_mirror(),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shutil.rmtree(root / "var" / "cache" / "apt" / "archives", ignore_errors=True)


def _debian_gcc_rootfs(root: Path, platform: str) -> None:
    _debootstrap(root, platform, "gcc,libc6-dev,make")


def _debian_python_rootfs(root: Path, platform: str) -> None:
    _debootstrap(root, platform, "python3,python3-venv,python3-pip")


def _debian_git_rootfs(root: Path, platform: str) -> None:
    _debootstrap(root, platform, "git,openssh-client")


def _debian_cross_rootfs(root: Path, platform: str) -> None:
    _debootstrap(root, platform, f"gcc,libc6-dev,make,{CROSS_COMPILERS}")


BASE_IMAGES = (
    BaseImage(
        "bench/busybox", "latest", _busybox_rootfs, "sh", ("linux/amd64", "linux/arm64", "linux/arm/v7")
    ),
    BaseImage(
        "bench/debian-gcc",
        "bookworm",
        _debian_gcc_rootfs,
        "bash",
        ("linux/amd64", "linux/arm64", "linux/arm/v7"),
    ),
    BaseImage("bench/debian-cross", "bookworm", _debian_cross_rootfs, "bash"),
    BaseImage("bench/debian-python", "bookworm", _debian_python_rootfs, "python3"),
    BaseImage("bench/debian-git", "bookworm", _debian_git_rootfs, "bash"),
)


def missing_platforms(engine: EngineConfig, image: BaseImage) -> list[str]:
    """The platforms of `image` the registry does not serve under its tag (all of them when it is absent)."""
    served = registry.platforms(engine, image.repository, image.tag)
    return [p for p in image.wanted_platforms() if p not in served]


def _archive(cache_dir: Path, image: BaseImage, platform: str, say: Callable[[str], object]) -> Path:
    """The image's root file system for `platform` as a tar, made once and kept."""
    name = f"{image.repository.replace('/', '_')}_{image.tag}"
    if platform != host_platform():  # the host's keeps the name it had before images were multi-platform
        name += f"_{multiplatform.archive_slug(platform)}"
    archive = cache_dir / f"{name}.tar"
    if archive.exists():
        return archive
    say(f"  root file system of {image.repository}:{image.tag} for {platform} (made once, kept)")
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        root = Path(tmp) / "rootfs"
        root.mkdir()
        image.make_rootfs(root, platform)
        partial = Path(tmp) / "rootfs.tar"  # inside the private mkdtemp directory: no name to plant a link on
        with tarfile.open(partial, "w") as tar:
            tar.add(root, arcname=".")
        partial.rename(archive)
    return archive


def seed(
    engine: EngineConfig,
    docker: DockerClient,
    say: Callable[[str], object] = print,
    wanted: dict[BaseImage, set[str]] | None = None,
    why: str = "",
) -> list[str]:
    """Make and push the base images (and platforms) in `wanted` that the registry lacks; every image and
    platform when `wanted` is None (`bench engine up --all`). Returns the refs pushed.

    A platform the registry already serves is pushed again with the new one, so an image's manifest list
    only ever grows."""
    pushed = []
    cache_dir = Path(engine.state_dir) / "base-images"
    cache_dir.mkdir(parents=True, exist_ok=True)
    wanted = wanted if wanted is not None else {i: set(i.wanted_platforms()) for i in BASE_IMAGES}
    for image, platforms in wanted.items():
        served = set(registry.platforms(engine, image.repository, image.tag))
        if platforms <= served:
            continue
        say(
            f"making base image {image.repository}:{image.tag} for {', '.join(sorted(platforms - served))}"
            + (f" ({why})" if why else "")
        )
        ref = image.ref(engine)
        keep = [p for p in image.wanted_platforms() if p in platforms | served]
        archives = {p: _archive(cache_dir, image, p, say) for p in keep}
        if keep == [host_platform()]:
            docker.image.import_(archives[keep[0]], tag=ref, changes=[f'CMD ["{image.cmd}"]'])
            docker.image.push(ref, quiet=True)
        else:
            multiplatform.push_index(docker, engine.context, ref, archives, image.cmd, cache_dir)
        pushed.append(ref)
    return pushed
