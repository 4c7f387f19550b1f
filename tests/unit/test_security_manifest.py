"""bench's manifest and docker client config (issue 21, items 2, 9, 11): a damaged manifest is one error that
changes nothing, and no fixed temporary name is written through a planted link."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.errors import EngineError
from bench.host import client, manifest

pytestmark = pytest.mark.security


@pytest.mark.parametrize(
    "damage", [b"", b'{"host_packages": ["runc"', b"\x00" * 64, b'["runc"]', b'{"paths": 3}']
)
def test_a_damaged_manifest_is_one_error_and_stays_as_it_is(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "manifest.json"
    path.write_bytes(damage)
    with pytest.raises(EngineError) as error:
        manifest.read(path)
    assert str(path) in str(error.value) and "mv " in error.value.fix
    with pytest.raises(EngineError):
        manifest.add("paths", ["/var/lib/bench/sshd"], path)
    assert path.read_bytes() == damage


def test_the_client_config_is_not_written_through_a_planted_partial(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.write_text("theirs\n")
    config_dir = tmp_path / "docker-config"
    config_dir.mkdir()
    (config_dir / "config.partial").symlink_to(outside)
    path = client.write_config(Path("/plugins"), config_dir)
    assert outside.read_text() == "theirs\n"
    assert json.loads(path.read_text())["cliPluginsExtraDirs"] == ["/plugins"]
    assert sorted(p.name for p in config_dir.iterdir()) == ["config.json", "config.partial"]
