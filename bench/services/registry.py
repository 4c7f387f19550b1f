"""The local registry (Debian's docker-registry) on 127.0.0.1: base images and registry caches live here.

No Docker Hub on this kind of machine: every base image a scenario uses is served from this registry.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from bench.config import EngineConfig
from bench.services import service


def _config(engine: EngineConfig) -> str:
    return (
        "version: 0.1\n"
        "log:\n  level: warn\n"
        f"storage:\n  filesystem:\n    rootdirectory: {engine.registry_dir}\n  delete:\n    enabled: true\n"
        f"http:\n  addr: {engine.registry}\n"
    )


def write_config(engine: EngineConfig) -> Path:
    """RUN_DIR/registry.yml, read by `serve` and by `garbage-collect` (bench/services/registry_gc.py)."""
    Path(engine.run_dir).mkdir(parents=True, exist_ok=True)
    config = Path(engine.run_dir) / "registry.yml"
    config.write_text(_config(engine))
    return config


def reachable(engine: EngineConfig, timeout_s: float = 2.0) -> bool:
    return service.answers_http(f"http://{engine.registry}/v2/", timeout_s)


def has_tag(engine: EngineConfig, repository: str, tag: str) -> bool:
    """Whether the registry serves repository:tag (repository without the registry host)."""
    try:
        url = f"http://{engine.registry}/v2/{repository}/tags/list"
        with urllib.request.urlopen(url, timeout=5) as response:
            return tag in (json.load(response).get("tags") or [])
    except (urllib.error.URLError, OSError, ValueError):
        return False


def start(engine: EngineConfig, timeout_s: float = 20.0) -> bool:
    """Start the registry unless it already answers; returns True when it was started now."""
    if reachable(engine):
        return False
    Path(engine.registry_dir).mkdir(parents=True, exist_ok=True)
    config = write_config(engine)
    argv, what = ["docker-registry", "serve", str(config)], f"the registry on {engine.registry}"
    service.start("registry", argv, engine.run_dir, lambda: reachable(engine), what, timeout_s)
    return True


def stop(engine: EngineConfig) -> bool:
    return service.stop("registry", engine.run_dir)


_MANIFEST_TYPES = ", ".join(
    (
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    )
)


def _get_json(url: str, accept: str | None = None) -> dict:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def platforms(engine: EngineConfig, repository: str, reference: str) -> list[str]:
    """The OCI platforms repository:reference serves, e.g. ['linux/amd64', 'linux/arm64']; [] when absent.

    A manifest list gives its entries' platforms (attestation entries, `unknown/unknown`, are left out);
    a single manifest gives the platform its image config names.
    """
    from bench.platforms import config_platform

    base = f"http://{engine.registry}/v2/{repository}"
    try:
        manifest = _get_json(f"{base}/manifests/{reference}", _MANIFEST_TYPES)
        if "manifests" in manifest:
            found = []
            for entry in manifest["manifests"]:
                p = entry.get("platform") or {}
                if p.get("os") in (None, "unknown"):
                    continue
                found.append(config_platform(p.get("os"), p.get("architecture"), p.get("variant")))
            return found
        config = _get_json(f"{base}/blobs/{manifest['config']['digest']}")
    except (urllib.error.URLError, OSError, ValueError, KeyError):
        return []
    return [config_platform(config.get("os"), config.get("architecture"), config.get("variant"))]
