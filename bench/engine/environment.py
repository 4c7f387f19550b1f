"""The environment a run measured on, recorded with its rows so runs from different machines differ."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from typing import Any

from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException

from bench.composition import PROJECT_ROOT
from bench.host import binfmt


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return None


def project_git_sha() -> str:
    """The bench checkout's commit, with `-dirty` when it has uncommitted changes."""
    try:
        sha = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return sha + ("-dirty" if dirty else "")


def capture(docker: DockerClient) -> dict[str, Any]:
    """Engine, buildx, BuildKit, storage, kernel, CPU and tool versions; never secrets, never the environ."""
    env: dict[str, Any] = {
        "kernel": platform.release(),
        "os": platform.platform(),
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "memory_bytes": _memory_bytes(),
        "python": platform.python_version(),
        "python_on_whales": metadata.version("python-on-whales"),
        "bench_git_sha": project_git_sha(),
        "emulators": binfmt.emulators(),
    }
    try:
        info = docker.system.info()
        env.update(
            engine_version=info.server_version,
            storage_driver=info.driver,
            driver_status=[list(x) for x in (info.driver_status or [])],
            containerd_image_store=any("snapshotter" in str(x) for x in (info.driver_status or [])),
            engine_name=info.name,
            engine_id=info.id,
        )
        env["buildx_version"] = docker.buildx.version()
        nodes = docker.buildx.inspect().nodes or []
        env["buildkit_version"] = nodes[0].version if nodes else None
        env["buildkit_platforms"] = nodes[0].platforms if nodes else []
    except DockerException as error:
        env["engine_error"] = str(error).splitlines()[0]
    return env
