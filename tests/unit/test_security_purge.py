"""`bench engine purge` deletes only what bench's manifest recorded as created by bench (issue 21, item 9):
a BENCH_STATE_ROOT that names a directory of the user's (`/data`) loses only bench's own parts, a path the
manifest does not record stays, a recorded path swapped for a symlink is not followed, and a manifest that
another user could have written is not obeyed at all.

Purge runs in a child process with BENCH_STATE_ROOT on a temporary directory (the layout is read at import),
with every step but the deletion of paths stubbed out: no daemon, cluster, package or binfmt entry of this
machine is touched, and the run root it once deleted is a temporary directory too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.host import manifest

pytestmark = pytest.mark.security

#: purge's own functions that delete paths: every other private step of bench/stack/purge.py is stubbed
DELETES = {"_remove_recorded", "_recorded_paths", "_remove_path", "_trusted_manifest", "_unrecorded"}
DELETES |= {"_roots"}  # the deletion step of purge before the manifest's record
DRIVER = f"""
import json, sys
from pathlib import Path
from bench.host import binfmt, host_packages
from bench.stack import purge
purge.RUN_ROOT = Path(sys.argv[1])
for name, value in list(vars(purge).items()):
    if name.startswith("_") and callable(value) and name not in {DELETES!r} and not isinstance(value, type):
        setattr(purge, name, lambda *args, **kwargs: None)
binfmt.unregister = lambda entries: []
host_packages.remove = lambda packages, say: []
report = purge.purge([], say=lambda _t: None)
print(json.dumps({{"removed": report.removed, "left": report.left}}))
"""


def _purge(state_root: Path, run_root: Path) -> dict[str, list[str]]:
    run_root.mkdir(exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(run_root)],
        env={**os.environ, "BENCH_STATE_ROOT": str(state_root)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def _users_data(tmp_path: Path) -> Path:
    """A directory of the user's, then set up by bench under BENCH_STATE_ROOT=it: bench recorded only the
    directories it made there."""
    data = tmp_path / "data"
    (data / "photos").mkdir(parents=True)
    (data / "photos" / "1.jpg").write_text("the user's")
    (data / "registry").mkdir()  # there before bench, so not recorded (bench's default name, though)
    (data / "registry" / "notes.txt").write_text("the user's too")
    for made in ("prefix/usr/bin", "engine/data"):
        (data / made).mkdir(parents=True)
        (data / made / "file").write_text("bench's")
    manifest.add("paths", [str(data / "prefix"), str(data / "engine")], data / "manifest.json")
    os.chmod(data / "manifest.json", 0o644)
    return data


def test_a_state_root_of_the_user_s_loses_only_what_bench_recorded(tmp_path: Path) -> None:
    data = _users_data(tmp_path)
    report = _purge(data, tmp_path / "run")
    assert (data / "photos" / "1.jpg").read_text() == "the user's"
    assert (data / "registry" / "notes.txt").read_text() == "the user's too"
    assert not (data / "prefix").exists() and not (data / "engine").exists()
    assert f"deleted {data / 'engine'}" in report["removed"]
    assert f"deleted {data / 'prefix'}" in report["removed"]
    assert (tmp_path / "run").is_dir()  # the run root was never recorded


def test_a_recorded_path_swapped_for_a_symlink_is_not_followed(tmp_path: Path) -> None:
    data = _users_data(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not bench's")
    (data / "engine" / "data" / "file").unlink()
    (data / "engine" / "data").rmdir()
    (data / "engine").rmdir()
    (data / "engine").symlink_to(elsewhere)
    _purge(data, tmp_path / "run")
    assert (elsewhere / "keep.txt").read_text() == "not bench's"
    assert not (data / "engine").is_symlink() or (elsewhere / "keep.txt").exists()


def test_a_manifest_others_may_write_is_not_obeyed(tmp_path: Path) -> None:
    data = _users_data(tmp_path)
    (data / "manifest.json").chmod(0o666)
    report = _purge(data, tmp_path / "run")
    assert (data / "prefix" / "usr" / "bin" / "file").exists() and (data / "photos" / "1.jpg").exists()
    said = [line for line in report["left"] if str(data / "manifest.json") in line]
    assert said and "writable by others" in said[0]


def test_set_up_records_only_the_paths_it_created(tmp_path: Path) -> None:
    from bench.host import created

    record = tmp_path / "state" / "manifest.json"
    there = tmp_path / "there"
    there.mkdir()
    made, never = tmp_path / "made", tmp_path / "never"
    with created.recording(there, made, never, record.parent, record, manifest_path=record):
        made.mkdir()
        record.parent.mkdir()
    assert manifest.read(record)["paths"] == sorted([str(made), str(record.parent), str(record)])
