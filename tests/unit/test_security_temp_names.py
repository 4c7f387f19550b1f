"""Files bench replaces whole are written through a temporary file of a unique name (mkstemp), never a
fixed one: a fixed `history.json.tmp`, `slurm.conf.partial` or `sacct.partial` made a symlink had bench
write through it into the file it points at. Issue 21, item 2 (run.json and manifest.json: item 11,
tests/unit/test_security_atomic_files.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from bench.cluster import sacct_shim, slurm_conf
from bench.cluster.layout import ClusterPaths
from bench.cluster.machine import MachineFacts
from bench.store import columnar
from bench.store.history_index import HistoryIndex
from bench.store.results import STEPS_FILE

pytestmark = pytest.mark.security
VICTIM = b"a file bench must not write\n"


def _history(tmp_path: Path) -> Path:
    return HistoryIndex("/r", "app", "A..B", [], "2026-01-01T00:00:00+00:00").write(tmp_path)


def _slurm_conf(tmp_path: Path) -> Path:
    return slurm_conf.write(
        MachineFacts("node7", 2, 1000), ClusterPaths(tmp_path / "state", tmp_path / "run")
    )


def _sacct(tmp_path: Path) -> Path:
    return sacct_shim.write(ClusterPaths(tmp_path / "state", tmp_path / "run"))


def _parquet(tmp_path: Path) -> Path:
    assert columnar.write(tmp_path / STEPS_FILE, "k", pd.DataFrame({"seq": [1, 2]}))
    return tmp_path / columnar.DIRECTORY / "steps.parquet"


#: each writer (returning the file it wrote), and the fixed temporary name it used, planted as a symlink
WRITERS: dict[str, tuple[Callable[[Path], Path], Callable[[Path], Path]]] = {
    "history.json": (_history, lambda d: d / "history.json.tmp"),
    "slurm.conf": (_slurm_conf, lambda d: d / "state" / "slurm.conf.partial"),
    "sacct": (_sacct, lambda d: d / "state" / "bin" / "sacct.partial"),
    "parquet copy": (_parquet, lambda d: d / columnar.DIRECTORY / f"steps.{os.getpid()}.tmp"),
}


@pytest.mark.parametrize("what", list(WRITERS))
def test_a_planted_fixed_temporary_name_is_never_written_through(tmp_path: Path, what: str) -> None:
    write, planted_at = WRITERS[what]
    victim = tmp_path / "victim"
    victim.write_bytes(VICTIM)
    victim.chmod(0o600)
    planted = planted_at(tmp_path)
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.symlink_to(victim)
    written = write(tmp_path)
    assert victim.read_bytes() == VICTIM and (victim.stat().st_mode & 0o777) == 0o600
    assert written.is_file() and not written.is_symlink() and written.stat().st_size > 0
    assert sorted(p.name for p in written.parent.iterdir() if p.name.endswith((".tmp", ".partial"))) == [
        planted.name
    ]  # the planted link is left as it was, and no temporary file of bench's
