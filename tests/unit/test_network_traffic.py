"""Registry bytes from the registry's access log and blob store; base image variants; schema 2 migration."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

from fakes import run_meta

from bench.bases.variants import VARIANT_FILE, variant_archive
from bench.config import EngineConfig
from bench.network import traffic
from bench.store.results import BUILDS_FILE, META_FILE, load

AGENT = '"" "docker/26.1.5 containerd-client/1.7.24"'
WHO, AT = "127.0.0.1 - -", "26/Nov/2026:16:41:25 +0000"
LOG = [
    f'{WHO} [{AT}] "GET /v2/bench/busybox/blobs/sha256:49 HTTP/1.1" 200 1071305 {AGENT}',
    f'{WHO} [{AT}] "HEAD /v2/bench/busybox/manifests/latest HTTP/1.1" 200 407 {AGENT}',
    f'{WHO} [{AT}] "GET /v2/bench/busybox/manifests/sha256:be HTTP/1.1" 200 407 {AGENT}',
    f'{WHO} [{AT}] "GET /v2/bench-cache/x/manifests/nope HTTP/1.1" 404 96 {AGENT}',
    'time="2026-11-26T16:41:27Z" level=warning msg="something"',
]


def test_pulled_bytes_count_successful_gets_only() -> None:
    assert traffic.pulled_bytes(LOG) == 1071305 + 407


def test_marks_measure_what_happened_since(tmp_path: Path) -> None:
    engine = EngineConfig(run_dir=str(tmp_path / "run"), registry_dir=str(tmp_path / "reg"))
    (tmp_path / "run").mkdir()
    blobs = tmp_path / "reg" / "docker" / "registry" / "v2" / "blobs" / "sha256" / "ab" / "abc"
    blobs.mkdir(parents=True)
    (blobs / "data").write_bytes(b"x" * 100)
    (tmp_path / "run" / "registry.log").write_text(LOG[0] + "\n")
    start = traffic.mark(engine)
    with open(tmp_path / "run" / "registry.log", "a") as log:
        log.write("\n".join(LOG[1:]) + "\n")
    other = blobs.parent / "abd"
    other.mkdir()
    (other / "data").write_bytes(b"y" * 250)
    assert traffic.since(engine, start) == (407, 250)


def test_no_registry_records_means_no_figures(tmp_path: Path) -> None:
    engine = EngineConfig(run_dir=str(tmp_path / "none"), registry_dir=str(tmp_path / "none"))
    assert traffic.since(engine, traffic.mark(engine)) == (None, None)


def test_a_variant_is_the_base_plus_one_file(tmp_path: Path) -> None:
    base = tmp_path / "base.tar"
    (tmp_path / "root" / "bin").mkdir(parents=True)
    (tmp_path / "root" / "bin" / "sh").write_text("#!")
    with tarfile.open(base, "w") as tar:
        tar.add(tmp_path / "root", arcname=".")
    variant = variant_archive(base, tmp_path / "variant.tar")
    with tarfile.open(base) as a, tarfile.open(variant) as b:
        assert set(b.getnames()) - set(a.getnames()) == {VARIANT_FILE}


def test_v1_rows_load_with_the_new_columns_null(tmp_path: Path) -> None:
    (tmp_path / META_FILE).write_text(json.dumps(run_meta("old", schema_version=1).to_json()))
    row = {"run_id": "old", "seq": 0, "cell": "x|legacy|none|none", "wall_s": 4.5, "outcome": "ok"}
    (tmp_path / BUILDS_FILE).write_text(json.dumps(row) + "\n")
    builds = load(tmp_path).builds
    assert builds["build_s"].iloc[0] == 4.5
    assert builds["registry_pulled_bytes"].isna().all() and builds["image_layers"].isna().all()


def test_wheel_downloads_count_served_wheels_only() -> None:
    lines = [
        '127.0.0.1 - - [26/Nov/2026 16:41:25] "GET /simple/numpy/ HTTP/1.1" 200 -',
        '127.0.0.1 - - [26/Nov/2026 16:41:25] "GET /files/numpy-1.26.4-cp311-cp311-x.whl HTTP/1.1" 200 -',
        '127.0.0.1 - - [26/Nov/2026 16:41:25] "GET /files/six-1.16.0-py2.py3-none-any.whl HTTP/1.1" 200 -',
        '127.0.0.1 - - [26/Nov/2026 16:41:25] "GET /files/gone-1.0-py3-none-any.whl HTTP/1.1" 404 -',
    ]
    assert traffic.wheel_downloads(lines) == 2


def test_index_bytes_come_from_the_served_files_sizes(tmp_path: Path) -> None:
    (tmp_path / "six-1.16.0-py2.py3-none-any.whl").write_bytes(b"x" * 1234)
    lines = [
        '127.0.0.1 - - [26/Nov/2026 16:41:25] "GET /files/six-1.16.0-py2.py3-none-any.whl HTTP/1.1" 200 -',
        '127.0.0.1 - - [26/Nov/2026 16:41:25] "GET /files/six-1.16.0-py2.py3-none-any.whl HTTP/1.1" 304 -',
        '127.0.0.1 - - [26/Nov/2026 16:41:25] "GET /simple/six/ HTTP/1.1" 200 -',
    ]
    assert traffic.served_file_bytes(lines, tmp_path) == 1234
