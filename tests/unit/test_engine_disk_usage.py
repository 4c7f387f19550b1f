"""Disk used by the engine's places: blocks as du counts them, hard links once, links not followed."""

from __future__ import annotations

import os
from pathlib import Path

from bench.config import EngineConfig
from bench.engine import disk_usage
from bench.machine import disk


def test_a_tree_counts_each_file_once_and_does_not_follow_links(tmp_path: Path) -> None:
    root = tmp_path / "registry"
    (root / "blobs").mkdir(parents=True)
    (root / "blobs" / "data").write_bytes(os.urandom(64 * 1024))
    os.link(root / "blobs" / "data", root / "hardlink")
    big = tmp_path / "elsewhere"
    big.write_bytes(os.urandom(1024 * 1024))
    (root / "link").symlink_to(big)
    used = disk.tree_bytes(root)
    assert 64 * 1024 <= used < 2 * 64 * 1024 + 3 * 4096 * 4  # data once; the 1 MB file behind the link not
    assert disk.tree_bytes(tmp_path / "absent") == 0


def test_the_engine_lists_its_data_root_registry_prefix_and_each_log(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "registry.log").write_bytes(b"x" * 10_000)
    (run / "registry.log.1").write_bytes(b"x" * 10_000)
    (run / "registry.yml").write_text("not a log")
    engine = EngineConfig(
        state_dir=str(tmp_path / "engine"), registry_dir=str(tmp_path / "reg"), run_dir=str(run)
    )
    found = {d.what: d for d in disk_usage.engine_disk(engine, prefix=tmp_path / "prefix")}
    assert set(found) == {
        "engine data root",
        "registry",
        "engine prefix",
        "log registry.log",
        "log registry.log.1",
    }
    assert found["log registry.log"].bytes >= 10_000 and found["registry"].bytes == 0


def test_sizes_read_as_people_write_them() -> None:
    assert disk.human(512) == "512 B"
    assert disk.human(7 * 1024 * 1024) == "7.0 MB"
    assert disk.human(3 * 1024**4) == "3072.0 GB"
