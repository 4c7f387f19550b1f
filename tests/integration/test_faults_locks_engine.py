"""Locks under faults (issue 15): a lock file left by a dead run, two runs on one engine at once, two
`bench engine up` of one engine at once. On the faults engine only (conf/engine/faults.yaml)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from fault_leftovers import after_fault, engine_mounts, engine_processes
from fault_support import FAULTS, TINY, next_run_works, one_clear_line, rows, start_bench, start_run

from bench.config import EngineConfig
from bench.engine import daemon
from bench.machine.lock import lock_path

pytestmark = [pytest.mark.engine, pytest.mark.faults]


def _dead_pid() -> int:
    """A pid no process has now (the highest ones are free on any machine that did not wrap around)."""
    pid = int(Path("/proc/sys/kernel/pid_max").read_text()) - 1
    while Path(f"/proc/{pid}").exists():
        pid -= 1
    return pid


def test_a_lock_file_left_by_a_dead_run_does_not_block(faults_engine: EngineConfig, tmp_path: Path) -> None:
    engine = faults_engine
    stale = {"run": "/results/killed-run", "pid": _dead_pid(), "host": socket.gethostname()}
    lock_path().parent.mkdir(parents=True, exist_ok=True)
    lock_path().write_text(json.dumps(stale))
    mounts_before = engine_mounts(engine)
    bench, run_dir = start_run(tmp_path, *TINY, "cache=none", "repetitions=1", "engine.lock_wait_s=0")
    done = bench.finish(300)
    assert done.code == 0, done.said()
    assert "the machine is busy" not in done.stdout + done.stderr
    assert [r["outcome"] for r in rows(run_dir)] == ["ok"]
    after_fault(engine, "stale lock file", bench, run_dir, 0, mounts_before)


def _holder_pid() -> int | None:
    try:
        return json.loads(lock_path().read_text() or "{}").get("pid")
    except (OSError, ValueError):
        return None


def test_a_second_run_on_the_engine_waits_or_refuses_naming_the_first(
    faults_engine: EngineConfig, tmp_path: Path
) -> None:
    engine = faults_engine
    mounts_before = engine_mounts(engine)
    first, first_dir = start_run(tmp_path / "first", *TINY, "cache=none", "repetitions=2")
    first.wait_for(lambda: _holder_pid() == first.pid, 120, "the first run to hold the engine's lock")

    refused, refused_dir = start_run(tmp_path / "refused", *TINY, "cache=none", "engine.lock_wait_s=0")
    done = refused.finish(120)
    assert done.code == 2, done.said()
    one_clear_line(done.stderr, "the machine is busy", f"pid {first.pid}")
    assert not (refused_dir / "builds.jsonl").exists()

    waiting, waiting_dir = start_run(tmp_path / "waiting", *TINY, "cache=none", "repetitions=1")
    waiting.wait_for(
        lambda: f"pid {first.pid}" in waiting.out.read_text() and "waiting" in waiting.out.read_text(),
        60,
        "the second run to say whom it waits for",
    )
    assert first.finish(300).code == 0
    second = waiting.finish(300)
    assert second.code == 0, second.said()
    assert [r["outcome"] for r in rows(waiting_dir)] == ["ok"]
    assert [r["outcome"] for r in rows(first_dir)] == ["ok", "ok"]
    after_fault(engine, "two runs on one engine", first, first_dir, 2, mounts_before, also=(refused, waiting))


def test_two_engine_ups_at_once_start_one_daemon(faults_engine: EngineConfig, tmp_path: Path) -> None:
    engine = faults_engine
    daemon.stop(engine)
    mounts_before = engine_mounts(engine)
    ups = [start_bench(tmp_path / f"up-{n}", "engine", "up", FAULTS) for n in (1, 2)]
    done = [up.finish(300) for up in ups]
    assert [d.code for d in done] == [0, 0], [d.said() for d in done]
    waited = [
        (up, d) for up, d in zip(ups, done, strict=True) if "holds" in d.stdout and "waiting" in d.stdout
    ]
    assert len(waited) == 1, [d.said() for d in done]
    other = next(up for up in ups if up is not waited[0][0])
    assert f"pid {other.pid}" in waited[0][1].stdout, "the one that waited names the one it waited for"
    dockerds = [p for p in engine_processes(engine) if p.name() == "dockerd"]
    assert len(dockerds) == 1, dockerds
    assert daemon.responds(engine)
    after_fault(
        engine, "two engine ups at once", ups[0], tmp_path / "no-run", 0, mounts_before, also=(ups[1],)
    )
    next_run_works(tmp_path / "next")
