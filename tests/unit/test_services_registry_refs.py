"""What the registry keeps: refs named by existing run directories; base images are never collectable."""

from __future__ import annotations

import json
from pathlib import Path

from bench.services import registry_refs


def _run(directory: Path, *rows: dict, torn: str = "") -> Path:
    directory.mkdir(parents=True)
    lines = [json.dumps(r) for r in rows]
    (directory / "builds.jsonl").write_text("\n".join(lines) + "\n" + torn)
    return directory


def test_refs_are_read_from_the_cache_ref_and_the_command_line() -> None:
    row = {
        "cache_ref": "127.0.0.1:5000/bench-cache/tiny:buildkit-registry-max-source-1",
        "argv": [
            "docker",
            "--cache-to",
            "type=registry,ref=127.0.0.1:5000/bench-cache/tiny:buildkit-registry-min-source-2,mode=min",
            "--build-arg",
            "BASE_IMAGE=127.0.0.1:5000/bench/busybox:latest",
            "--tag",
            "127.0.0.1:41234/bench-run/tiny:buildkit-3",  # through the latency relay's port
            "--tag",
            "bench-run/tiny:legacy-4",  # a local tag: not in the registry
        ],
    }
    assert registry_refs.row_refs(row) == {
        ("bench-cache/tiny", "buildkit-registry-max-source-1"),
        ("bench-cache/tiny", "buildkit-registry-min-source-2"),
        ("bench/busybox", "latest"),
        ("bench-run/tiny", "buildkit-3"),
    }


def test_kept_refs_come_from_every_run_directory_at_any_depth(tmp_path: Path) -> None:
    _run(tmp_path / "2026-11-30_tiny", {"cache_ref": "127.0.0.1:5000/bench-cache/tiny:a-1", "argv": []})
    _run(
        tmp_path / "reference" / "links" / "wan",
        {"cache_ref": None, "argv": ["--cache-from", "type=registry,ref=127.0.0.1:5000/bench-cache/m:b-2"]},
        torn='{"cache_ref": "127.0.0.1:5000/bench-cache/m:torn-3"',
    )
    assert registry_refs.kept_refs([tmp_path]) == {("bench-cache/tiny", "a-1"), ("bench-cache/m", "b-2")}
    assert registry_refs.kept_refs([tmp_path / "absent"]) == set()


def test_only_the_repositories_runs_write_are_collectable() -> None:
    assert registry_refs.collectable("bench-cache/tiny", "bench-run")
    assert registry_refs.collectable("bench-run/tiny", "bench-run")
    assert registry_refs.collectable("mine/tiny", "mine/")
    assert not registry_refs.collectable("bench/busybox", "bench-run")
    assert not registry_refs.collectable("bench/busybox", "bench")  # a prefix can never reach base images
    assert not registry_refs.collectable("someone/app", "bench-run")
    assert not registry_refs.collectable("bench-runner/app", "bench-run")
