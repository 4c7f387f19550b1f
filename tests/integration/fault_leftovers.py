"""What a fault may leave behind, checked after each one, and the figures tests/benchmarks/fault_figures.py
prints (each fault appends one line to $BENCH_FAULT_FIGURES/faults.jsonl when that is set).

Leftovers are scoped to what the tests own, since others' runs share the machine: the processes of the
`bench` command's session, the faults engine's processes beyond its dockerd, containerd and services,
mounts under its directories, `bench-*` in the command's own TMPDIR, and containers on its daemon.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from fault_support import BenchProcess, rows_on_disk
from python_on_whales import DockerClient

from bench.config import EngineConfig
from bench.engine import daemon
from bench.host.mounts import mounted_under

#: tests/benchmarks/fault_figures.py sets it: each fault's figures are appended to DIR/faults.jsonl
FIGURES_ENV = "BENCH_FAULT_FIGURES"


@dataclass
class Leftovers:
    """What a run left behind that it should not have; `count()` is 0 when it cleaned up after itself."""

    processes: list[str] = field(default_factory=list)
    mounts: list[str] = field(default_factory=list)
    temp_files: list[str] = field(default_factory=list)
    containers: list[str] = field(default_factory=list)

    def count(self) -> int:
        return len(self.processes) + len(self.mounts) + len(self.temp_files) + len(self.containers)


def _describe(process: psutil.Process) -> str:
    try:
        return f"{process.pid} {' '.join(process.cmdline())[:160]}"
    except psutil.Error:
        return str(process.pid)


def engine_helpers(engine: EngineConfig) -> set[int]:
    """The engine's dockerd and its containerd: what is meant to run between builds."""
    found = daemon.process(engine)
    if found is None:
        return set()
    try:
        return {found.pid, *(c.pid for c in found.children(recursive=True) if c.name() == "containerd")}
    except psutil.NoSuchProcess:
        return set()


def engine_processes(engine: EngineConfig) -> list[psutil.Process]:
    """Processes that belong to the faults engine: its daemon's tree, its shims, anything naming its dirs."""
    marks = (engine.run_dir, engine.state_dir, engine.registry_dir, engine.registry, engine.package_index)
    found = {}
    for process in psutil.process_iter():
        try:
            text = " ".join(process.cmdline())
        except psutil.Error:
            continue
        if any(mark in text for mark in marks):
            found[process.pid] = process
    dockerd = daemon.process(engine)
    if dockerd is not None:
        with contextlib.suppress(psutil.NoSuchProcess):
            found.update({c.pid: c for c in dockerd.children(recursive=True)})
    return list(found.values())


def services_of(engine: EngineConfig) -> set[int]:
    """Registry and package index started by `bench engine up` (by their pid files)."""
    from bench.machine import process_identity

    pids = set()
    for name in ("registry", "package-index"):
        found = process_identity.process_of(Path(engine.run_dir) / f"{name}.pid")
        if found is not None:
            pids.add(found.pid)
    return pids


def session_members(sid: int) -> list[psutil.Process]:
    """Live processes of the session a `bench` command led: the docker CLIs and helpers it started."""
    members = []
    for process in psutil.process_iter():
        try:
            if os.getsid(process.pid) == sid and process.status() != psutil.STATUS_ZOMBIE:
                members.append(process)
        except (OSError, psutil.Error):
            continue
    return members


def engine_mounts(engine: EngineConfig) -> list[Path]:
    return [*mounted_under(Path(engine.state_dir)), *mounted_under(Path(engine.run_dir))]


def leftovers(engine: EngineConfig, bench: BenchProcess, mounts_before: list[Path]) -> Leftovers:
    """After `bench` exited: its session's processes, the engine's processes beyond dockerd, containerd
    and the services, mounts that were not there before, `bench-*` in its TMPDIR, containers."""
    found = Leftovers()
    expected = engine_helpers(engine) | services_of(engine)
    strays = {p.pid: p for p in session_members(bench.pid)}
    strays.update({p.pid: p for p in engine_processes(engine) if p.pid not in expected})
    found.processes = [_describe(p) for p in strays.values()]
    running = daemon.responds(engine)
    own = {Path(engine.state_dir) / "data"} if running else set()  # a live dockerd binds its data root
    found.mounts = [str(m) for m in engine_mounts(engine) if m not in mounts_before and m not in own]
    found.temp_files = sorted(str(p) for p in bench.tmpdir.glob("bench-*"))
    if running:
        found.containers = [c.name for c in DockerClient(context=engine.context).container.list(all=True)]
    return found


def record(fault: str, rows_before: int, rows_after: int, left: Leftovers, injected: bool = True) -> None:
    """One fault's figures for tests/benchmarks/fault_figures.py (nothing when it did not ask); `injected`
    is false for the suite's own end (the engine stopped: what it left)."""
    directory = os.environ.get(FIGURES_ENV)
    if not directory:
        return
    entry = {
        "fault": fault,
        "injected": injected,
        "rows_before": rows_before,
        "rows_lost": max(0, rows_before - rows_after),
        "leftovers": left.count(),
        "leftover_items": [*left.processes, *left.mounts, *left.temp_files, *left.containers],
    }
    with (Path(directory) / "faults.jsonl").open("a") as out:
        out.write(json.dumps(entry) + "\n")


def after_fault(
    engine: EngineConfig,
    fault: str,
    bench: BenchProcess,
    run_dir: Path,
    rows_before: int,
    mounts_before: list[Path],
    also: tuple[BenchProcess, ...] = (),
) -> Leftovers:
    """Record the fault's figures, then assert that no row measured before it was lost and that neither
    `bench` nor the other commands of the test (`also`) left anything behind."""
    left = leftovers(engine, bench, mounts_before)
    for other in also:
        more = leftovers(engine, other, mounts_before)
        left.processes += [p for p in more.processes if p not in left.processes]
        left.temp_files += more.temp_files
    after = rows_on_disk(run_dir)
    record(fault, rows_before, after, left)
    assert after >= rows_before, f"{rows_before - after} row(s) measured before the fault were lost"
    assert left.count() == 0, f"left behind: {left}"
    return left
