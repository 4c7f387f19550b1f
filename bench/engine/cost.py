"""What each build cost the engine, and what else the machine did meanwhile (the runner's BuildMeter).

Cost (cpu_user_s, cpu_system_s, peak_memory_bytes, io_read_bytes, io_write_bytes): from the engine's own
cgroup when its dockerd runs in one (bench/engine/cgroup.py; `cost_source: cgroup`), else per process
(bench/engine/process_usage.py; `process`, a lower bound). An engine bench does not start gets none.

The machine (load_1m, outside_cpu_s): the 1-minute load average as the build ended, and the CPU seconds
that processes *outside* used during the build: all CPUs' busy time (/proc/stat: user, nice, system, irq,
softirq; not idle, iowait or steal) minus the engine's (its cgroup, containers included, or its processes)
minus bench's own process and descendants (the docker CLI of the build) minus the servers bench starts
beside engines (registry, package index...: the `*.pid` files of /run/bench/*/ but dockerd's). What is
left: other programs, other engines, and kernel threads (writeback, kswapd) working for anyone, the build
included, so a build that writes much shows a little outside CPU of its own. A build is `machine-busy`
when outside_cpu_s / wall_s exceeds `quiet.busy_cpu` cores. Only with the cgroup: per process, a legacy
build's RUN steps escape (their shim exits with them, and its parent is init) and would count as outside
(measured: 0.25 of 2.28 CPU s seen, 2.0 s called outside), so such rows have load_1m alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from bench.config import EngineConfig, QuietConfig
from bench.engine import cgroup, cgroup_usage, daemon, process_usage
from bench.engine.cgroup_usage import CgroupUsage
from bench.engine.process_usage import ProcessSnapshot
from bench.machine import cpu, process_identity

SERVER_PIDS = "*/*.pid"  # beside the engine's run dir: /run/bench/<engine>/<server>.pid


@dataclass(frozen=True)
class Mark:
    """The counters right before a build."""

    busy_s: float
    own_s: float
    servers_s: float
    cgroup: Mapping[str, Path] | None = None
    cgroup_usage: CgroupUsage | None = None
    processes: list[psutil.Process] | None = None
    snapshot: ProcessSnapshot | None = None


def _servers(engine: EngineConfig) -> list[psutil.Process]:
    """The servers bench started beside engines (registry, package index, token server...), not dockerd."""
    found = []
    for pidfile in sorted(Path(engine.run_dir).parent.glob(SERVER_PIDS)):
        if pidfile.name != "dockerd.pid" and (process := process_identity.process_of(pidfile)) is not None:
            found.append(process)
    return found


class EngineMeter:
    """The BuildMeter of an engine bench starts (bench/run/context.py): read right before and after the
    timed build, outside its span."""

    def __init__(
        self, engine: EngineConfig, quiet: QuietConfig, root: Path = cgroup.ROOT, proc: Path = cgroup.PROC
    ) -> None:
        self.engine = engine
        self.quiet = quiet
        self.root, self.proc = root, proc  # where cgroups and processes are seen (a recorded tree in tests)

    def mark(self) -> Mark:
        dockerd = daemon.process(self.engine)
        dirs = None if dockerd is None else cgroup.of_process(self.engine, dockerd.pid, self.root, self.proc)
        usage = processes = snapshot = None
        if dirs is not None:
            try:
                cgroup_usage.reset_peak(dirs)
                usage = cgroup_usage.read(dirs)
            except (OSError, ValueError, KeyError):  # a cgroup gone with its dockerd: measured per process
                dirs = None
        if dirs is None and dockerd is not None:
            processes = process_usage.engine_processes(dockerd, daemon.containerd_socket(self.engine))
            snapshot = process_usage.snapshot(processes)
        return Mark(
            busy_s=cpu.busy_seconds(cpu.stat_text()),
            own_s=cpu.own_seconds(),
            servers_s=cpu.tree_seconds(_servers(self.engine)),
            cgroup=dirs,
            cgroup_usage=usage,
            processes=processes,
            snapshot=snapshot,
        )

    def since(self, start: Mark, wall_s: float | None) -> dict[str, Any]:
        cost = self._cost(start)
        busy_s = cpu.busy_seconds(cpu.stat_text())
        own_s, servers_s = cpu.own_seconds(), cpu.tree_seconds(_servers(self.engine))
        fields: dict[str, Any] = {**cost, "load_1m": round(cpu.load_1m(), 2)}
        if cost.get("cost_source") == "cgroup":  # per process, a legacy RUN step would count as outside
            engine_s = cost["cpu_user_s"] + cost["cpu_system_s"]
            ours = engine_s + (own_s - start.own_s) + (servers_s - start.servers_s)
            others = (busy_s - start.busy_s) - ours
            fields["outside_cpu_s"] = round(max(others, 0.0), 3)
        return fields

    def _cost(self, start: Mark) -> dict[str, Any]:
        """The build's cost; nothing when the engine's counters could not be read after it (a dockerd that
        died with the build): a row says nothing rather than something wrong."""
        try:
            return self._counted(start)
        except (OSError, ValueError, KeyError, psutil.Error):
            return {}

    def _counted(self, start: Mark) -> dict[str, Any]:
        if start.cgroup is not None and start.cgroup_usage is not None:
            end, before = cgroup_usage.read(start.cgroup), start.cgroup_usage
            return {
                "cpu_user_s": round(end.cpu_user_s - before.cpu_user_s, 3),
                "cpu_system_s": round(end.cpu_system_s - before.cpu_system_s, 3),
                "peak_memory_bytes": end.memory_peak_bytes,
                "io_read_bytes": _delta(before.io_read_bytes, end.io_read_bytes),
                "io_write_bytes": _delta(before.io_write_bytes, end.io_write_bytes),
                "cost_source": "cgroup",
            }
        if start.processes is not None and start.snapshot is not None:
            now = process_usage.snapshot(self._processes(start.processes))
            used = process_usage.used(start.snapshot, now)
            return {
                **used,
                "cpu_user_s": round(used["cpu_user_s"], 3),
                "cpu_system_s": round(used["cpu_system_s"], 3),
                "cost_source": "process",
            }
        return {}

    def _processes(self, before: list[psutil.Process]) -> list[psutil.Process]:
        """The engine's processes now: those still there and any started since (RUN steps, shims)."""
        dockerd = daemon.process(self.engine)
        if dockerd is None:
            return before
        return process_usage.engine_processes(dockerd, daemon.containerd_socket(self.engine))

    def busy(self, fields: Mapping[str, Any], wall_s: float | None) -> bool:
        outside = fields.get("outside_cpu_s")
        if outside is None or not wall_s:
            return False
        return outside / wall_s > self.quiet.busy_cpu


def _delta(before: int | None, end: int | None) -> int | None:
    return None if before is None or end is None else end - before
