"""Docker that is already on the machine: Docker's own packages (Engine >= 25, buildx >= 0.11) serve as the
dedicated daemon's binaries, and nothing of the engine is downloaded."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

MIN_ENGINE = (25, 0)
MIN_BUILDX = (0, 11)
# where Docker's packages (docker-buildx-plugin) and Debian's put CLI plugins
PLUGIN_DIRS = (
    Path("/usr/libexec/docker/cli-plugins"),
    Path("/usr/lib/docker/cli-plugins"),
    Path("/usr/local/libexec/docker/cli-plugins"),
    Path("/usr/local/lib/docker/cli-plugins"),
)


@dataclass(frozen=True)
class ExistingDocker:
    dockerd: str
    engine_version: tuple[int, int]
    plugin_dir: Path
    buildx_version: tuple[int, int]


def version(text: str) -> tuple[int, int] | None:
    """The first `MAJOR.MINOR` in a version line (`Docker version 27.3.1, build ...`, `... v0.17.1 ...`)."""
    found = re.search(r"(\d+)\.(\d+)", text)
    return (int(found[1]), int(found[2])) if found else None


def _output(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def find(exclude: Path | None = None) -> ExistingDocker | None:
    """Docker Engine and buildx new enough for every cell bench measures, or None (bench's prefix then)."""
    dockerd = shutil.which("dockerd")
    if dockerd is None or (exclude is not None and Path(dockerd).is_relative_to(exclude)):
        return None
    engine = version(_output([dockerd, "--version"]))
    if engine is None or engine < MIN_ENGINE:
        return None
    for plugin_dir in PLUGIN_DIRS:
        buildx = plugin_dir / "docker-buildx"
        if buildx.exists():
            found = version(_output([str(buildx), "version"]).replace("github.com/docker/buildx", ""))
            if found is not None and found >= MIN_BUILDX:
                return ExistingDocker(dockerd, engine, plugin_dir, found)
    return None
