"""Base images made on this machine and served from the local registry (there is no Docker Hub here).

- busybox: `FROM scratch` + Debian's static busybox: a 3 MB base with a shell, for runtime stages.
- debian-gcc: a debootstrapped bookworm minbase with gcc, libc6-dev and make, for compile stages.
Each is made once (kept under the engine's state dir) and pushed only when the registry lacks its tag.
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
from bench.engine import registry
from bench.engine.packages import debian_mirror


@dataclass(frozen=True)
class BaseImage:
    repository: str
    tag: str
    make_rootfs: Callable[[Path], None]
    cmd: str

    def ref(self, engine: EngineConfig) -> str:
        return f"{engine.registry}/{self.repository}:{self.tag}"


def _busybox_rootfs(root: Path) -> None:
    (root / "bin").mkdir(parents=True)
    shutil.copy2("/bin/busybox", root / "bin" / "busybox")
    applets = subprocess.run(["/bin/busybox", "--list"], capture_output=True, text=True, check=True).stdout
    for applet in applets.split():
        if applet != "busybox":
            (root / "bin" / applet).symlink_to("busybox")
    for directory in ("tmp", "etc", "root"):
        (root / directory).mkdir()
    (root / "tmp").chmod(0o1777)


def _debian_gcc_rootfs(root: Path) -> None:
    subprocess.run(
        [
            "debootstrap",
            "--variant=minbase",
            "--include=gcc,libc6-dev,make",
            "bookworm",
            str(root),
            debian_mirror(),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shutil.rmtree(root / "var" / "cache" / "apt" / "archives", ignore_errors=True)


BASE_IMAGES = (
    BaseImage("bench/busybox", "latest", _busybox_rootfs, "sh"),
    BaseImage("bench/debian-gcc", "bookworm", _debian_gcc_rootfs, "bash"),
)


def seed(engine: EngineConfig, docker: DockerClient, say=print) -> list[str]:
    """Make and push every base image the registry lacks; returns the references pushed now."""
    pushed = []
    cache_dir = Path(engine.state_dir) / "base-images"
    cache_dir.mkdir(parents=True, exist_ok=True)
    for image in BASE_IMAGES:
        if registry.has_tag(engine, image.repository, image.tag):
            continue
        ref = image.ref(engine)
        archive = cache_dir / f"{image.repository.replace('/', '_')}_{image.tag}.tar"
        if not archive.exists():
            say(f"making base image {ref}")
            with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
                root = Path(tmp) / "rootfs"
                root.mkdir()
                image.make_rootfs(root)
                partial = archive.with_suffix(".partial")
                with tarfile.open(partial, "w") as tar:
                    tar.add(root, arcname=".")
                partial.rename(archive)
        docker.image.import_(archive, tag=ref, changes=[f'CMD ["{image.cmd}"]'])
        docker.image.push(ref, quiet=True)
        pushed.append(ref)
    return pushed
