"""Service logs rotate on start: one older generation, the log itself starts empty."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.services import log_rotation, service


def test_a_log_over_the_limit_becomes_the_older_generation(tmp_path: Path) -> None:
    log = tmp_path / "registry.log"
    log.write_bytes(b"a" * 11)
    (tmp_path / "registry.log.1").write_bytes(b"older")
    assert log_rotation.rotate(log, max_bytes=10) is True
    assert not log.exists()
    assert (tmp_path / "registry.log.1").read_bytes() == b"a" * 11  # the generation before it is dropped


def test_a_small_or_missing_log_stays(tmp_path: Path) -> None:
    log = tmp_path / "sshd.log"
    log.write_bytes(b"a" * 10)
    assert log_rotation.rotate(log, max_bytes=10) is False
    assert log.read_bytes() == b"a" * 10 and not (tmp_path / "sshd.log.1").exists()
    assert log_rotation.rotate(tmp_path / "absent.log", max_bytes=0) is False


def test_a_server_starts_with_a_fresh_log_when_its_log_is_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log_rotation, "MAX_BYTES", 100)
    (tmp_path / "index.log").write_bytes(b"x" * 200)
    service.start("index", ["sh", "-c", "echo started; sleep 60"], str(tmp_path), lambda: True, "index")
    try:
        assert (tmp_path / "index.log.1").read_bytes() == b"x" * 200
        assert (tmp_path / "index.log").stat().st_size < 100
    finally:
        service.stop("index", str(tmp_path))
