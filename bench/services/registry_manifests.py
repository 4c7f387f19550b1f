"""The local registry's manifests, through its HTTP API (and its storage for untagged ones): list,
resolve, delete. Deleting a manifest frees no disk by itself: the registry's blob GC does
(bench/services/registry_gc.py).
"""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path

MANIFEST_TYPES = ", ".join(
    (
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    )
)
TIMEOUT_S = 10
CATALOG_PAGE = 1000


def _request(url: str, method: str = "GET") -> urllib.request.Request:
    return urllib.request.Request(url, method=method, headers={"Accept": MANIFEST_TYPES})


def repositories(registry: str) -> list[str]:
    """Every repository the registry knows (one emptied by deletions is still listed), page by page:
    distribution refuses a page larger than its `catalog.maxentries` (1000 by default)."""
    found: list[str] = []
    path: str | None = f"/v2/_catalog?n={CATALOG_PAGE}"
    while path:
        with urllib.request.urlopen(_request(f"http://{registry}{path}"), timeout=TIMEOUT_S) as response:
            found += json.load(response).get("repositories") or []
            following = response.headers.get("Link") or ""  # </v2/_catalog?last=X&n=1000>; rel="next"
        path = following.partition("<")[2].partition(">")[0] if 'rel="next"' in following else None
    return found


def tags(registry: str, repository: str) -> list[str]:
    """The repository's tags; [] when it has none left (the registry then answers 404)."""
    try:
        url = f"http://{registry}/v2/{repository}/tags/list"
        with urllib.request.urlopen(_request(url), timeout=TIMEOUT_S) as response:
            return list(json.load(response).get("tags") or [])
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return []
        raise


def digest(registry: str, repository: str, reference: str) -> str | None:
    """The manifest digest repository:reference resolves to; None when absent."""
    try:
        url = f"http://{registry}/v2/{repository}/manifests/{reference}"
        with urllib.request.urlopen(_request(url, "HEAD"), timeout=TIMEOUT_S) as response:
            return response.headers.get("Docker-Content-Digest")
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def children(registry: str, repository: str, manifest_digest: str) -> list[str]:
    """The manifests an index (manifest list) names, which must live as long as it; [] for an image.

    A BuildKit cache index names blobs, not manifests: those are not listed (their media type says so).
    """
    url = f"http://{registry}/v2/{repository}/manifests/{manifest_digest}"
    with urllib.request.urlopen(_request(url), timeout=TIMEOUT_S) as response:
        manifest = json.load(response)
    return [
        entry["digest"]
        for entry in manifest.get("manifests") or []
        if "manifest" in entry.get("mediaType", "") or "image.index" in entry.get("mediaType", "")
    ]


def delete(registry: str, repository: str, manifest_digest: str) -> bool:
    """Delete the manifest and every tag that points to it; False when it was already gone."""
    url = f"http://{registry}/v2/{repository}/manifests/{manifest_digest}"
    try:
        with urllib.request.urlopen(_request(url, "DELETE"), timeout=TIMEOUT_S):
            return True
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return False
        raise


def revisions(registry_dir: str | Path, repository: str) -> list[str]:
    """Every manifest the repository stores, tagged or not, from the registry's own storage layout
    (distribution 2.x filesystem driver): the API lists tags only, and a tag pushed again leaves its
    previous manifest untagged but stored."""
    root = Path(registry_dir, "docker/registry/v2/repositories", repository, "_manifests/revisions")
    found = []
    for algorithm in sorted(p for p in root.glob("*") if p.is_dir()):
        found += [f"{algorithm.name}:{d.name}" for d in sorted(algorithm.iterdir()) if (d / "link").exists()]
    return found


def _repositories_root(registry_dir: str | Path) -> Path:
    return Path(registry_dir, "docker/registry/v2/repositories")


def stored_repositories(registry_dir: str | Path) -> list[str]:
    """The repositories the storage holds (a folder with `_manifests`), whatever the API lists."""
    root = _repositories_root(registry_dir)
    return sorted(str(p.parent.relative_to(root)) for p in root.rglob("_manifests")) if root.is_dir() else []


def prune_links(registry_dir: str | Path, repository: str) -> int:
    """Remove what distribution 2.x's garbage-collect leaves in a repository after its blobs went: layer
    links to blobs no longer stored, revision and tag folders without a link. Only while the registry is
    stopped. Each is a few KB of folders and files; runs that each push a new cache add dozens of them."""
    root = _repositories_root(registry_dir) / repository
    blobs = Path(registry_dir, "docker/registry/v2/blobs")
    removed = 0
    for link in sorted(root.glob("_layers/*/*/link")):
        algorithm, hex_digest = link.parent.parent.name, link.parent.name
        if not (blobs / algorithm / hex_digest[:2] / hex_digest / "data").exists():
            shutil.rmtree(link.parent)
            removed += 1
    for folder in [*root.glob("_manifests/revisions/*/*"), *root.glob("_manifests/tags/*")]:
        if folder.is_dir() and not (folder / "link").exists() and not (folder / "current" / "link").exists():
            shutil.rmtree(folder)
            removed += 1
    return removed
