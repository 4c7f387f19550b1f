"""Registry collection against an in-memory registry: what is deleted, what is kept, when it refuses."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench.config import EngineConfig
from bench.errors import EngineError
from bench.machine.lock import engine_lock
from bench.services import registry, registry_gc, registry_manifests


@dataclass
class FakeRegistry:
    """repository -> tag -> digest, untagged revisions, and the children of indexes."""

    tags: dict[str, dict[str, str]]
    untagged: dict[str, set[str]] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    deleted: list[tuple[str, str]] = field(default_factory=list)

    def revisions(self, _dir, repository: str) -> list[str]:
        stored = set(self.tags.get(repository, {}).values()) | self.untagged.get(repository, set())
        stored |= {c for d in stored for c in self.children.get(d, [])}
        return sorted(stored)

    def delete(self, _registry, repository: str, digest: str) -> bool:
        """As distribution does: the manifest goes with every tag that points to it."""
        before = self.revisions(None, repository)
        self.tags[repository] = {t: d for t, d in self.tags[repository].items() if d != digest}
        self.untagged.get(repository, set()).discard(digest)
        self.deleted.append((repository, digest))
        return digest in before

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(registry_manifests, "repositories", lambda _r: sorted(self.tags))
        monkeypatch.setattr(registry_manifests, "tags", lambda _r, repo: sorted(self.tags.get(repo, {})))
        monkeypatch.setattr(registry_manifests, "digest", lambda _r, repo, tag: self.tags[repo].get(tag))
        monkeypatch.setattr(registry_manifests, "children", lambda _r, _repo, d: self.children.get(d, []))
        monkeypatch.setattr(registry_manifests, "revisions", self.revisions)
        monkeypatch.setattr(registry_manifests, "delete", self.delete)
        monkeypatch.setattr(registry, "reachable", lambda _e: True)


@pytest.fixture(autouse=True)
def _no_run_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The record of run directories (bench/services/known_runs.py) is the test's own, and empty."""
    known = tmp_path / "known-runs.jsonl"
    known.write_text("")
    monkeypatch.setattr(registry_gc, "KNOWN_RUNS", known)


def _fake() -> FakeRegistry:
    return FakeRegistry(
        tags={
            "bench/busybox": {"latest": "sha256:base", "latest-variant": "sha256:variant"},
            "bench-cache/tiny": {"kept-1": "sha256:k1", "gone-2": "sha256:g2", "alias-3": "sha256:k1"},
            "bench-run/tiny": {"multi-4": "sha256:index", "single-5": "sha256:s5"},
            "someone/app": {"v1": "sha256:app"},
        },
        untagged={"bench-cache/tiny": {"sha256:overwritten"}, "bench/busybox": {"sha256:old-base"}},
        children={"sha256:index": ["sha256:amd64", "sha256:arm64"]},
    )


def _engine(tmp_path: Path, name: str = "dedicated") -> EngineConfig:
    return EngineConfig(
        name=name, run_dir=str(tmp_path / "run" / name), registry_dir=str(tmp_path / "registry")
    )


def _run_dir(path: Path, *refs: str) -> Path:
    path.mkdir(parents=True)
    rows = [{"seq": i, "cache_ref": ref, "argv": []} for i, ref in enumerate(refs)]
    (path / "builds.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_gc_deletes_what_no_kept_run_names_and_never_base_images(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _fake()
    fake.install(monkeypatch)
    kept = {("bench-cache/tiny", "kept-1"), ("bench-run/tiny", "multi-4")}
    doomed = registry_gc.doomed(_engine(tmp_path), "bench-run", kept)
    assert doomed == {
        "bench-cache/tiny": ["sha256:g2", "sha256:overwritten"],  # a tag nobody keeps, and an untagged one
        "bench-run/tiny": ["sha256:s5"],  # the kept index's platform manifests stay with it
    }


def test_gc_collects_from_run_directories_and_runs_the_blob_gc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _fake()
    fake.install(monkeypatch)
    blob_gcs: list[str] = []
    monkeypatch.setattr(registry_gc, "collect_blobs", lambda e, _prefix: blob_gcs.append(e.name) or True)
    results = tmp_path / "results"
    _run_dir(results / "reference" / "a", "127.0.0.1:5000/bench-cache/tiny:kept-1")
    done = registry_gc.collect(_engine(tmp_path), "bench-run", [results], say=lambda _t: None)
    # g2 and the untagged one of bench-cache; all of bench-run (no run keeps it): index, its 2 children, s5
    assert done.manifests == 6 and done.blobs_collected and blob_gcs == ["dedicated"]
    assert fake.tags["bench-cache/tiny"] == {"kept-1": "sha256:k1", "alias-3": "sha256:k1"}
    assert fake.tags["bench-run/tiny"] == {}
    assert fake.tags["bench/busybox"] and fake.tags["someone/app"]
    assert "sha256:old-base" in fake.untagged["bench/busybox"]


def test_gc_refuses_while_a_run_holds_any_engine_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _fake()
    fake.install(monkeypatch)
    monkeypatch.setattr(
        registry_gc, "collect_blobs", lambda e, _prefix: pytest.fail("blob GC under a running run")
    )
    for holder in ("dedicated", "overlay2"):  # the registry is shared by the engines under /run/bench
        with (
            engine_lock(_engine(tmp_path, holder), "results/2026-11-30_tiny", say=lambda _t: None),
            pytest.raises(EngineError, match="while a run uses it: run results/2026-11-30_tiny"),
        ):
            registry_gc.collect(_engine(tmp_path), "bench-run", [tmp_path], say=lambda _t: None)
    assert fake.deleted == []


def test_an_engine_that_does_not_serve_the_registry_does_not_collect_it(tmp_path: Path) -> None:
    engine = EngineConfig(run_dir=str(tmp_path), provisions_services=False)
    with pytest.raises(EngineError, match="does not serve the registry"):
        registry_gc.collect(engine, "bench-run", [tmp_path])


def test_a_run_forgets_its_own_refs_but_not_a_manifest_another_tag_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _fake()
    fake.install(monkeypatch)
    own = {("bench-cache/tiny", "gone-2"), ("bench-cache/tiny", "kept-1"), ("bench/busybox", "latest")}
    assert registry_gc.forget(_engine(tmp_path), "bench-run", own) == 1
    assert fake.deleted == [("bench-cache/tiny", "sha256:g2")]  # k1 is also alias-3, not this run's


def test_after_a_run_its_refs_go_and_blobs_are_collected_unless_another_engine_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blob_gcs: list[str] = []
    monkeypatch.setattr(registry_gc, "collect_blobs", lambda e, _prefix: blob_gcs.append(e.name) or True)
    run = _run_dir(tmp_path / "results" / "r", "127.0.0.1:5000/bench-cache/tiny:gone-2")
    engine, said = _engine(tmp_path), []
    _fake().install(monkeypatch)
    with engine_lock(engine, str(run), say=lambda _t: None):  # the run's own lock does not stop it
        done = registry_gc.after_run(engine, run, "bench-run", say=said.append)
    assert done is not None and done.manifests == 1 and blob_gcs == ["dedicated"]
    assert "deleted 1 manifest(s)" in said[0]

    _fake().install(monkeypatch)
    with engine_lock(_engine(tmp_path, "overlay2"), "other", say=lambda _t: None):
        done = registry_gc.after_run(engine, run, "bench-run", say=said.append)
    assert done is not None and done.manifests == 1 and not done.blobs_collected and blob_gcs == ["dedicated"]


def test_after_a_run_a_registry_error_is_one_line_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake().install(monkeypatch)

    def refused(*_args) -> list[str]:
        raise OSError("connection refused")

    monkeypatch.setattr(registry_manifests, "tags", refused)
    run, said = _run_dir(tmp_path / "r", "127.0.0.1:5000/bench-cache/tiny:gone-2"), []
    assert registry_gc.after_run(_engine(tmp_path), run, "bench-run", say=said.append) is None
    assert said == [
        "registry: the run's cache refs were not all removed (connection refused); `bench engine gc` will"
    ]


def test_a_run_forgets_an_index_it_pushed_with_its_platform_manifests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _fake()
    fake.install(monkeypatch)
    assert registry_gc.forget(_engine(tmp_path), "bench-run", {("bench-run/tiny", "multi-4")}) == 3
    assert sorted(d for _r, d in fake.deleted) == ["sha256:amd64", "sha256:arm64", "sha256:index"]
    assert fake.tags["bench-run/tiny"] == {"single-5": "sha256:s5"}


def test_after_a_run_the_images_it_pushed_stay_with_its_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A multi-platform cell's manifest list is the run's result (its row names it in argv), not a cache:
    only the run's cache refs go when it ends; `bench engine gc` takes the image once the directory goes."""
    monkeypatch.setattr(registry_gc, "collect_blobs", lambda _e, _prefix: True)
    fake = _fake()
    fake.install(monkeypatch)
    run = tmp_path / "results" / "multi"
    run.mkdir(parents=True)
    rows = [
        {"seq": 0, "cache_ref": None, "argv": ["docker", "--tag", "127.0.0.1:5000/bench-run/tiny:multi-4"]},
        {"seq": 1, "cache_ref": "127.0.0.1:5000/bench-cache/tiny:gone-2", "argv": []},
    ]
    (run / "builds.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    done = registry_gc.after_run(_engine(tmp_path), run, "bench-run", say=lambda _t: None)
    assert done is not None and done.manifests == 1
    assert fake.deleted == [("bench-cache/tiny", "sha256:g2")]
