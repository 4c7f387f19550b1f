"""What a killed dockerd leaves mounted is told apart from what a person mounted (bench/host/mounts.py)."""

from __future__ import annotations

from pathlib import Path

from bench.host.mounts import bound_onto_itself

DATA = Path("/var/lib/bench/faults/data")
ROOT = "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw"


def _info(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "mountinfo"
    path.write_text("\n".join([ROOT, *lines]) + "\n")
    return path


def test_the_data_root_bound_onto_itself_is_dockerds(tmp_path: Path) -> None:
    info = _info(tmp_path, f"44 22 254:0 {DATA} {DATA} rw,relatime shared:1 - ext4 /dev/vda rw")
    assert bound_onto_itself(DATA, info)


def test_a_file_system_of_its_own_at_the_data_root_is_not(tmp_path: Path) -> None:
    info = _info(tmp_path, f"50 22 7:0 / {DATA} rw,relatime - ext4 /dev/loop0 rw")
    assert not bound_onto_itself(DATA, info)


def test_another_directory_bound_onto_the_data_root_is_not(tmp_path: Path) -> None:
    info = _info(tmp_path, f"44 22 254:0 /srv/docker {DATA} rw,relatime - ext4 /dev/vda rw")
    assert not bound_onto_itself(DATA, info)


def test_a_bind_on_top_of_its_own_file_system_is_seen(tmp_path: Path) -> None:
    info = _info(
        tmp_path,
        f"50 22 7:0 / {DATA} rw,relatime - ext4 /dev/loop0 rw",
        f"51 50 7:0 / {DATA} rw,relatime - ext4 /dev/loop0 rw",
    )
    assert bound_onto_itself(DATA, info)


def test_a_bind_inside_a_mounted_parent_is_seen(tmp_path: Path) -> None:
    info = _info(
        tmp_path,
        "30 22 8:1 / /var/lib rw - ext4 /dev/sdb1 rw",
        f"44 30 8:1 /bench/faults/data {DATA} rw - ext4 /dev/sdb1 rw",
    )
    assert bound_onto_itself(DATA, info)


def test_nothing_mounted_there(tmp_path: Path) -> None:
    assert not bound_onto_itself(DATA, _info(tmp_path))
