"""The registry's manifest API as bench speaks it, against a small HTTP server that answers like
distribution 2.8 (pages of the catalog, 404s for what is gone, the digest in a header)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.services import registry_manifests

INDEX = {
    "mediaType": "application/vnd.oci.image.index.v1+json",
    "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:amd64"},
        {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:layer"},
        {"mediaType": "application/vnd.buildkit.cacheconfig.v0", "digest": "sha256:cacheconfig"},
    ],
}


class Registry(BaseHTTPRequestHandler):
    deleted: list[str] = []

    def _answer(self, status: int, body: dict | None = None, headers: dict | None = None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/v2/_catalog?n=1000":
            link = '</v2/_catalog?last=b&n=1000>; rel="next"'
            self._answer(200, {"repositories": ["a", "b"]}, {"Link": link})
        elif self.path == "/v2/_catalog?last=b&n=1000":
            self._answer(200, {"repositories": ["bench-cache/tiny"]})
        elif self.path == "/v2/bench-cache/tiny/tags/list":
            self._answer(200, {"name": "bench-cache/tiny", "tags": ["t1"]})
        elif self.path == "/v2/bench-cache/tiny/manifests/sha256:index":
            self._answer(200, INDEX)
        else:
            self._answer(404, {"errors": [{"code": "NAME_UNKNOWN"}]})

    def do_HEAD(self) -> None:
        if self.path == "/v2/bench-cache/tiny/manifests/t1":
            self._answer(200, headers={"Docker-Content-Digest": "sha256:index"})
        else:
            self._answer(404)

    def do_DELETE(self) -> None:
        if self.path == "/v2/bench-cache/tiny/manifests/sha256:index":
            Registry.deleted.append(self.path)
            self._answer(202)
        else:
            self._answer(404)

    def log_message(self, *_args) -> None:
        pass


@pytest.fixture
def registry() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Registry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_catalog_is_read_page_by_page(registry: str) -> None:
    assert registry_manifests.repositories(registry) == ["a", "b", "bench-cache/tiny"]


def test_tags_and_digests_and_what_is_gone(registry: str) -> None:
    assert registry_manifests.tags(registry, "bench-cache/tiny") == ["t1"]
    assert registry_manifests.tags(registry, "emptied") == []
    assert registry_manifests.digest(registry, "bench-cache/tiny", "t1") == "sha256:index"
    assert registry_manifests.digest(registry, "bench-cache/tiny", "gone") is None


def test_an_index_keeps_its_manifests_not_its_cache_blobs(registry: str) -> None:
    assert registry_manifests.children(registry, "bench-cache/tiny", "sha256:index") == ["sha256:amd64"]


def test_delete_says_whether_there_was_something(registry: str) -> None:
    assert registry_manifests.delete(registry, "bench-cache/tiny", "sha256:index") is True
    assert registry_manifests.delete(registry, "bench-cache/tiny", "sha256:other") is False


def test_revisions_are_every_stored_manifest_tagged_or_not(tmp_path: Path) -> None:
    revisions = tmp_path / "docker/registry/v2/repositories/bench-cache/tiny/_manifests/revisions/sha256"
    for name in ("aaa", "bbb"):
        (revisions / name).mkdir(parents=True)
        (revisions / name / "link").write_text(f"sha256:{name}")
    (revisions / "deleted").mkdir()  # a deleted manifest leaves its folder without a link
    assert registry_manifests.revisions(tmp_path, "bench-cache/tiny") == ["sha256:aaa", "sha256:bbb"]
    assert registry_manifests.revisions(tmp_path, "absent") == []


def test_what_garbage_collect_leaves_is_pruned_and_what_lives_stays(tmp_path: Path) -> None:
    v2 = tmp_path / "docker/registry/v2"
    repo = v2 / "repositories/bench-cache/tiny"
    for hex_digest in ("live", "gone"):
        (repo / "_layers/sha256" / hex_digest).mkdir(parents=True)
        (repo / "_layers/sha256" / hex_digest / "link").write_text(f"sha256:{hex_digest}")
    (v2 / "blobs/sha256/li/live").mkdir(parents=True)
    (v2 / "blobs/sha256/li/live/data").write_text("layer")
    (repo / "_manifests/revisions/sha256/deleted").mkdir(parents=True)
    (repo / "_manifests/revisions/sha256/kept").mkdir(parents=True)
    (repo / "_manifests/revisions/sha256/kept/link").write_text("sha256:kept")
    (repo / "_manifests/tags/untagged/index").mkdir(parents=True)
    (repo / "_manifests/tags/t1/current").mkdir(parents=True)
    (repo / "_manifests/tags/t1/current/link").write_text("sha256:kept")
    assert registry_manifests.stored_repositories(tmp_path) == ["bench-cache/tiny"]
    assert registry_manifests.prune_links(tmp_path, "bench-cache/tiny") == 3
    left = sorted(str(p.relative_to(repo)) for p in repo.rglob("link"))
    assert left == [
        "_layers/sha256/live/link",
        "_manifests/revisions/sha256/kept/link",
        "_manifests/tags/t1/current/link",
    ]
