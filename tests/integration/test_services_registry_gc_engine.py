"""Registry collection on the real registry (distribution's API and garbage-collect): what no kept run
names goes and its bytes are freed, what a run directory names and the base images stay. Images are
pushed through the registry's API (no engine build needed); the registry is restarted by the collection.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_setup import registry_engine

from bench.config import EngineConfig
from bench.machine.disk import tree_bytes
from bench.services import registry, registry_gc

pytestmark = pytest.mark.engine
REPOSITORY = "bench-cache/test-registry-gc"
MB = 1 << 20


@pytest.fixture(scope="module")
def engine() -> EngineConfig:
    return registry_engine()


@pytest.fixture(scope="module", autouse=True)
def _forget_test_tags(engine: EngineConfig) -> Iterator[None]:
    yield
    tags = {(REPOSITORY, t) for t in ("kept-1", "gone-2", "run-3")}
    registry_gc.forget(engine, "bench-run", tags)  # their blobs go at the next collection


def _blob(address: str, data: bytes) -> str:
    digest = f"sha256:{hashlib.sha256(data).hexdigest()}"
    start = urllib.request.Request(f"http://{address}/v2/{REPOSITORY}/blobs/uploads/", method="POST")
    with urllib.request.urlopen(start, timeout=30) as response:
        location = response.headers["Location"]
    url = location if location.startswith("http") else f"http://{address}{location}"
    url += ("&" if "?" in url else "?") + f"digest={digest}"
    put = urllib.request.Request(url, data=data, method="PUT")
    put.add_header("Content-Type", "application/octet-stream")
    urllib.request.urlopen(put, timeout=30).close()
    return digest


def _push(address: str, tag: str, size: int) -> str:
    """An image of one random layer of `size` bytes as REPOSITORY:tag; returns the manifest digest."""
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers"}}).encode()
    layer = os.urandom(size)
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": _blob(address, config),
                "size": len(config),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": _blob(address, layer),
                    "size": size,
                }
            ],
        }
    ).encode()
    put = urllib.request.Request(
        f"http://{address}/v2/{REPOSITORY}/manifests/{tag}", data=manifest, method="PUT"
    )
    put.add_header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
    with urllib.request.urlopen(put, timeout=30) as response:
        return response.headers["Docker-Content-Digest"]


def _rows(run_dir: Path, engine: EngineConfig, *tags: str) -> Path:
    run_dir.mkdir(parents=True)
    rows = [
        {"seq": i, "cache_ref": f"{engine.registry}/{REPOSITORY}:{t}", "argv": []} for i, t in enumerate(tags)
    ]
    (run_dir / "builds.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return run_dir


def test_gc_frees_what_no_kept_run_names(engine: EngineConfig, tmp_path: Path) -> None:
    _push(engine.registry, "kept-1", MB)
    _push(engine.registry, "gone-2", 4 * MB)
    _push(engine.registry, "gone-2", 4 * MB)  # pushed again: the first one is stored but untagged
    results = tmp_path / "results"
    _rows(results / "2026-11-30_kept", engine, "kept-1")
    known = tmp_path / "known-runs.jsonl"  # the record of run directories: this test's own, and empty
    known.write_text("")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(registry_gc, "KNOWN_RUNS", known)
        done = registry_gc.collect(engine, "bench-run", [results], say=lambda _t: None)
    assert done.blobs_collected and done.manifests >= 2
    assert done.bytes_before - done.bytes_after >= 8 * MB
    assert registry.has_tag(engine, REPOSITORY, "kept-1")
    assert not registry.has_tag(engine, REPOSITORY, "gone-2")
    assert registry.reachable(engine)
    assert registry.has_tag(engine, "bench/busybox", "latest")  # base images are never collected


def test_a_run_deletes_its_own_refs_when_it_ends(engine: EngineConfig, tmp_path: Path) -> None:
    _push(engine.registry, "run-3", 4 * MB)
    run_dir = _rows(tmp_path / "run", engine, "run-3")
    before = tree_bytes(engine.registry_dir)
    said: list[str] = []
    done = registry_gc.after_run(engine, run_dir, "bench-run", say=said.append)
    assert done is not None and done.manifests == 1 and done.blobs_collected, said
    assert not registry.has_tag(engine, REPOSITORY, "run-3")
    assert before - tree_bytes(engine.registry_dir) >= 4 * MB
    assert said and said[0].startswith("registry: deleted 1 manifest(s), freed")
