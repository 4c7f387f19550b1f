"""run.json and manifest.json are replaced whole through a temporary file of a unique name, fsynced with
their directory (bench/safe/atomic_file.py); an empty or unreadable run.json, what a power cut leaves, is a
ResultsError naming the file and what to do. Issue 21, item 11."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import run_meta

from bench.host import manifest
from bench.safe import atomic_file
from bench.store.results import META_FILE, ResultsError, RunWriter, load, read_meta

pytestmark = pytest.mark.security
BENCH = Path(sys.executable).with_name("bench")
VICTIM = b"a file bench must not write\n"


def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "victim"
    victim.write_bytes(VICTIM)
    victim.chmod(0o600)
    return victim


def test_run_json_is_never_written_through_a_planted_temporary_name(tmp_path: Path) -> None:
    """Today's fixed `run.json.tmp`, made a symlink, had the run's metadata written into its target."""
    run_dir, victim = tmp_path / "run", _victim(tmp_path)
    run_dir.mkdir()
    (run_dir / f"{META_FILE}.tmp").symlink_to(victim)
    writer = RunWriter(run_dir, run_meta("r1"))
    writer.finish("complete")
    assert victim.read_bytes() == VICTIM and (victim.stat().st_mode & 0o777) == 0o600
    assert not (run_dir / META_FILE).is_symlink()
    assert json.loads((run_dir / META_FILE).read_text())["status"] == "complete"
    assert sorted(p.name for p in run_dir.iterdir()) == [META_FILE, f"{META_FILE}.tmp"]  # no temp left


def test_the_manifest_is_never_written_through_a_planted_temporary_name(tmp_path: Path) -> None:
    record, victim = tmp_path / "state" / "manifest.json", _victim(tmp_path)
    record.parent.mkdir()
    record.with_suffix(".partial").symlink_to(victim)
    manifest.add("paths", ["/var/lib/bench/prefix"], record)
    manifest.add("host_packages", ["runc"], record)
    assert victim.read_bytes() == VICTIM
    assert manifest.read(record) == {
        "host_packages": ["runc"],
        "binfmt_entries": [],
        "paths": ["/var/lib/bench/prefix"],
    }
    assert sorted(p.name for p in record.parent.iterdir()) == ["manifest.json", "manifest.partial"]


def test_the_file_and_its_directory_are_fsynced_before_and_after_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What was fsynced is read from /proc/self/fd at the moment of the call: the new file under its
    temporary name (before the rename), then the directory (the rename itself)."""
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    RunWriter(tmp_path, run_meta("r2"))
    assert len(synced) == 2, synced
    temporary, directory = Path(synced[0]), Path(synced[1])
    assert temporary.parent == tmp_path and temporary.name.startswith(f".{META_FILE}.")
    assert temporary.name != f".{META_FILE}.tmp"  # mkstemp's unique name
    assert directory == tmp_path


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text("old\n")
    path.chmod(0o640)
    atomic_file.write(path, "new\n")
    assert path.read_text() == "new\n" and (path.stat().st_mode & 0o777) == 0o640


@pytest.mark.parametrize("content", [b"", b'{"schema_version": 5, "run_id": "20', b"\x00\x00\x00\x00"])
def test_an_empty_or_cut_run_json_is_a_results_error_naming_it(tmp_path: Path, content: bytes) -> None:
    """A power cut before today's unsynced rename left run.json empty (or holes of zeros): a traceback."""
    (tmp_path / META_FILE).write_bytes(content)
    with pytest.raises(ResultsError) as raised:
        read_meta(tmp_path)
    assert str(tmp_path / META_FILE) in str(raised.value)
    assert "cannot be read" in str(raised.value) and "measure the run again" in raised.value.fix
    with pytest.raises(ResultsError):
        load(tmp_path)


def test_bench_summary_of_an_empty_run_json_says_one_line_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / META_FILE).write_bytes(b"")
    done = subprocess.run([str(BENCH), "summary", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    said = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(said) == 1 and said[0].startswith("bench: ") and str(tmp_path / META_FILE) in said[0], said
    assert "Traceback" not in done.stderr
