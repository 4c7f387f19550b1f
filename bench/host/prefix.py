"""The engine in a private prefix: Debian 13's docker.io, docker-cli, buildx, compose, containerd, tini,
docker-registry and goss, downloaded with apt pointed at a private configuration and state (no apt source
or pin of the machine is written) and unpacked with `dpkg-deb -x` under the prefix (docs/install.md).

Unpacked into a temporary directory beside the prefix and renamed into place, so an interrupted download
or unpack never leaves a half prefix; a second `bench engine up` starts again from what was downloaded.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.errors import EngineError
from bench.host.host_packages import debian_mirror
from bench.host.layout import APT_DIR, PREFIX

SUITE = "trixie"
ENGINE_DEBS = ("docker.io", "docker-cli", "docker-buildx", "docker-compose", "containerd", "tini")
TOOL_DEBS = ("docker-registry", "goss")  # the local registry; image tests (neither is in Debian 12)
# Left out of the prefix: the dynamic tini needs glibc 2.38 (docker-init -> tini-static is static);
# init scripts and systemd units would only mislead.
DROPPED = ("usr/bin/tini", "etc", "lib", "usr/lib/systemd", "usr/share/doc", "usr/share/man")
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"


def apt_options(apt_dir: Path = APT_DIR) -> list[str]:
    """apt-get options that read and write only bench's own directory: the machine's sources, pins, lists
    and package cache are neither read nor changed."""
    return [
        "-o", f"Dir::Etc::SourceList={apt_dir}/sources.list",
        "-o", "Dir::Etc::SourceParts=/dev/null",
        "-o", "Dir::Etc::Preferences=/dev/null",
        "-o", "Dir::Etc::PreferencesParts=/dev/null",
        "-o", f"Dir::State::Lists={apt_dir}/lists",
        "-o", f"Dir::Cache={apt_dir}/cache",
        "-o", "APT::Sandbox::User=root",
    ]  # fmt: skip


def sources_line(mirror: str) -> str:
    return f"deb [signed-by={KEYRING}] {mirror} {SUITE} main\n"


def installed(prefix: Path = PREFIX) -> bool:
    return (prefix / ".complete").exists()


def _apt_get(args: list[str], apt_dir: Path, cwd: Path | None = None) -> None:
    result = subprocess.run(
        ["apt-get", "-q", *apt_options(apt_dir), *args], capture_output=True, text=True, cwd=cwd, check=False
    )
    if result.returncode != 0:
        lines = [line.strip() for line in (result.stdout + result.stderr).splitlines() if line.strip()]
        # apt's own reason (e.g. "Could not connect to ...") says more than its closing "E: Some index files"
        lines = [line for line in lines if line.startswith(("Could not", "Failed to fetch"))][-1:] or lines
        raise EngineError(
            f"apt-get {args[0]} of Debian {SUITE}'s engine packages failed: "
            f"{lines[-1] if lines else f'exit {result.returncode}'}",
            fix="check the network to the Debian archive, then run `bench engine up` again "
            "(nothing was installed)",
        )


def download(packages: tuple[str, ...], apt_dir: Path = APT_DIR, mirror: str | None = None) -> list[Path]:
    """The packages' .debs (without dependencies: the host provides glibc and friends), in apt_dir/debs."""
    (apt_dir / "lists" / "partial").mkdir(parents=True, exist_ok=True)
    (apt_dir / "cache" / "archives" / "partial").mkdir(parents=True, exist_ok=True)
    (apt_dir / "sources.list").write_text(sources_line(mirror or debian_mirror()))
    _apt_get(["update", "--error-on=any"], apt_dir)  # a list it cannot fetch is an error, not a warning
    debs = apt_dir / "debs"
    debs.mkdir(exist_ok=True)
    for stale in debs.glob("*.deb"):  # a cut-off earlier download; apt fetches complete files only
        stale.unlink()
    _apt_get(["download", *packages], apt_dir, cwd=debs)
    return sorted(debs.glob("*.deb"))


def unpack(debs: list[Path], prefix: Path = PREFIX, dropped: tuple[str, ...] = DROPPED) -> Path:
    """`dpkg-deb -x` every .deb into a fresh directory beside `prefix`, leave out `dropped`, then rename
    it into place."""
    prefix.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{prefix.name}-", dir=prefix.parent))
    try:
        for deb in debs:
            subprocess.run(["dpkg-deb", "-x", str(deb), str(staging)], check=True, capture_output=True)
        for path in dropped:
            target = staging / path
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
        (staging / ".complete").write_text("".join(f"{deb.name}\n" for deb in debs))
        if prefix.exists():
            shutil.rmtree(prefix)
        staging.rename(prefix)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return prefix


def install(packages: tuple[str, ...], say: Callable[[str], object] = print, prefix: Path = PREFIX) -> bool:
    """Download and unpack `packages` into the prefix unless it is complete; True when done now."""
    if installed(prefix):
        return False
    for leftover in prefix.parent.glob(f".{prefix.name}-*"):  # a staging directory of a killed set-up
        shutil.rmtree(leftover, ignore_errors=True)
    say(
        f"downloading Debian {SUITE}'s {', '.join(packages)} into {prefix} (nothing is installed on the host)"
    )
    unpack(download(packages), prefix)
    return True
