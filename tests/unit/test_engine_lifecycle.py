"""`bench engine up` on a dockerd that runs outside its own cgroup (started by an older bench) says so."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from bench.config import EngineConfig
from bench.engine import cgroup
from bench.stack import lifecycle

RECORDED = Path(__file__).parents[1] / "fixtures" / "cgroup" / "v1"


@pytest.mark.parametrize(
    ("pid", "has_v1", "outside"),
    [(28356, True, False), (1, True, True), (1, False, False)],  # 28356: the recorded one, in its group
)
def test_outside_its_cgroup(monkeypatch: pytest.MonkeyPatch, pid: int, has_v1: bool, outside: bool) -> None:
    monkeypatch.setattr(lifecycle.daemon, "process", lambda _engine: SimpleNamespace(pid=pid))
    monkeypatch.setattr(cgroup, "hierarchies", lambda root=None: {} if has_v1 else None)
    recorded = cgroup.of_process
    monkeypatch.setattr(
        cgroup, "of_process", lambda engine, pid: recorded(engine, pid, RECORDED / "sys", RECORDED / "proc")
    )
    assert lifecycle._outside_its_cgroup(EngineConfig()) is outside
