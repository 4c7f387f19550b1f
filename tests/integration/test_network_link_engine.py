"""The shaped link is really slower, at the profile's rate; its shaping goes away, even after a kill.

Bytes/second are measured by fetching a 16 MB blob from the engine's registry through the shaped port.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
import urllib.request
from pathlib import Path

import pytest
from engine_setup import compose_config

from bench.network import link
from bench.network.link import LinkProfile

pytestmark = pytest.mark.engine
BLOB = random.Random(0).randbytes(16 * 1024 * 1024)  # the same blob every run: stored once


def _push_blob(registry: str) -> str:
    digest = "sha256:" + hashlib.sha256(BLOB).hexdigest()
    start = urllib.request.Request(
        f"http://{registry}/v2/bench-cache/link-test/blobs/uploads/", method="POST"
    )
    with urllib.request.urlopen(start, timeout=30) as response:
        location = response.headers["Location"]
    if location.startswith("/"):
        location = f"http://{registry}{location}"
    separator = "&" if "?" in location else "?"
    put = urllib.request.Request(f"{location}{separator}digest={digest}", data=BLOB, method="PUT")
    put.add_header("Content-Type", "application/octet-stream")
    with urllib.request.urlopen(put, timeout=60):
        pass
    return digest


def _fetch_rate_bits(registry: str, digest: str) -> float:
    t0 = time.monotonic()
    with urllib.request.urlopen(
        f"http://{registry}/v2/bench-cache/link-test/blobs/{digest}", timeout=120
    ) as r:
        size = len(r.read())
    assert size == len(BLOB)
    return 8 * size / (time.monotonic() - t0)


@pytest.fixture(scope="module")
def engine_and_blob():
    engine = compose_config().engine
    return engine, _push_blob(engine.registry)


def test_a_shaped_link_delivers_the_profiles_rate(engine_and_blob) -> None:
    engine, digest = engine_and_blob
    port = int(engine.registry.rpartition(":")[2])
    loopback = _fetch_rate_bits(engine.registry, digest)
    with link.shaped(LinkProfile("cloud", 200, 0), [port], engine.run_dir, say=lambda _: None):
        assert link.is_ours(link.root_qdisc())
        shaped = _fetch_rate_bits(engine.registry, digest)
    assert not link.is_ours(link.root_qdisc()), "the shaping must be removed on exit"
    assert loopback > 2 * 200e6, f"loopback {loopback / 1e6:.0f} Mbit/s"
    assert shaped == pytest.approx(200e6, rel=0.2), f"shaped {shaped / 1e6:.0f} Mbit/s, profile 200"


def test_shaping_left_by_a_killed_run_is_found_and_removed(engine_and_blob, tmp_path: Path) -> None:
    engine, _ = engine_and_blob
    port = int(engine.registry.rpartition(":")[2])
    for command in link.shaping_commands(LinkProfile("wan", 50, 0), [port]):
        link._tc(*command)
    (tmp_path / "link.json").write_text(json.dumps({"pid": 2**22 + 12345, "profile": "wan"}))  # no such pid
    said: list[str] = []
    assert link.clear_leftover(tmp_path, say=said.append)
    assert not link.is_ours(link.root_qdisc()) and "killed" in said[0]
