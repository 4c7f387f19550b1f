"""What makes build timings noisy on this machine now, for `bench doctor` (as pyperf's `system show`).

Each finding is `ok`, `warn` (timings measured now would be noisier; the run is still possible) or `info`:
the load average, the processes using CPU over a short sample, CPU frequency scaling and turbo (both make
a core's speed depend on load and temperature), steal time (a hypervisor giving the CPUs to other
machines), swap in use, another bench run holding the machine's lock, and whether the engine runs in its
own cgroup (what each build cost: bench/engine/cost.py).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import psutil

from bench.config import EngineConfig, QuietConfig
from bench.machine import cpu

CPU_SYS = Path("/sys/devices/system/cpu")
NOT_EXPOSED = "not exposed (virtual machine?)"
TOP = 5
SHOWN_PERCENT = 5.0  # processes under 5% of a core are not named


@dataclass(frozen=True)
class Finding:
    what: str
    state: str  # ok | warn | info
    detail: str


def load(load_1m: float, cores: int) -> Finding:
    state = "warn" if load_1m >= 1.0 else "ok"
    return Finding("load average", state, f"{load_1m:.2f} over the last minute ({cores} cores)")


def busy_processes(percents: Iterable[tuple[str, int, float]], busy_cpu: float) -> Finding:
    """(name, pid, % of one core) sampled: the top few, and warn when together they exceed the quiet
    threshold (quiet.busy_cpu cores)."""
    ranked = sorted(percents, key=lambda p: -p[2])
    total = sum(p[2] for p in ranked) / 100
    shown = [
        f"{name} ({pid}) {percent:.0f}%" for name, pid, percent in ranked[:TOP] if percent >= SHOWN_PERCENT
    ]
    detail = f"{total:.2f} cores busy: {', '.join(shown)}" if shown else f"{total:.2f} cores busy"
    return Finding("processes using CPU", "warn" if total > busy_cpu else "ok", detail)


def frequency_scaling(cpu_sys: Path = CPU_SYS) -> Finding:
    governors = sorted(
        {f.read_text().strip() for f in cpu_sys.glob("cpu[0-9]*/cpufreq/scaling_governor") if f.is_file()}
    )
    if not governors:
        return Finding("CPU frequency governor", "info", NOT_EXPOSED)
    fixed = governors == ["performance"]
    why = "" if fixed else ": the clock follows the load (set `performance` for steadier timings)"
    return Finding("CPU frequency governor", "ok" if fixed else "warn", ", ".join(governors) + why)


def turbo(cpu_sys: Path = CPU_SYS) -> Finding:
    """intel_pstate's no_turbo (0: turbo on) or cpufreq's boost (1: on)."""
    for path, on_when in ((cpu_sys / "intel_pstate" / "no_turbo", "0"), (cpu_sys / "cpufreq" / "boost", "1")):
        with contextlib.suppress(OSError):
            on = path.read_text().strip() == on_when
            detail = "on: the clock depends on load and temperature" if on else "off"
            return Finding("turbo", "warn" if on else "ok", f"{detail} ({path})")
    return Finding("turbo", "info", NOT_EXPOSED)


def steal(before: str, after: str, seconds: float, cores: int) -> Finding:
    """Steal during the sample (share of the CPUs' time) and since boot."""
    during = (cpu.steal_seconds(after) - cpu.steal_seconds(before)) / max(seconds * cores, 1e-9)
    state = "warn" if during > 0.01 else "ok"
    return Finding(
        "steal time", state, f"{during:.1%} during the sample; {cpu.steal_seconds(after):.0f} s since boot"
    )


def swap(used_bytes: int) -> Finding:
    if used_bytes:
        return Finding(
            "swap", "warn", f"{used_bytes / 2**20:.0f} MiB in use: pages may be read back mid-build"
        )
    return Finding("swap", "ok", "none in use")


def machine_lock(holder: str | None) -> Finding:
    if holder is None:
        return Finding("machine lock", "ok", "free: no bench run builds now")
    return Finding("machine lock", "warn", f"{holder} holds it: a run now would wait for it")


def engine_cgroup(engine: EngineConfig) -> Finding:
    from bench.engine import cgroup, daemon

    if not engine.started_by_bench:
        return Finding("build cost", "info", "none: bench does not start this engine")
    dockerd = daemon.process(engine)
    if dockerd is None:
        return Finding("build cost", "info", "the engine's dockerd does not run")
    if cgroup.of_process(engine, dockerd.pid) is not None:
        return Finding("build cost", "ok", f"from the engine's cgroup /{cgroup.group_name(engine)}")
    return Finding(
        "build cost",
        "warn",
        "per process (a lower bound): the engine runs outside a cgroup of its own; "
        f"bench engine down engine={engine.name} && bench engine up engine={engine.name}",
    )


def _sample(seconds: float) -> tuple[list[tuple[str, int, float]], str, str]:
    """CPU % of every other process, and /proc/stat, over `seconds`."""
    own = os.getpid()
    processes = [p for p in psutil.process_iter(["name"]) if p.pid != own]
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.cpu_percent(None)
    before = cpu.stat_text()
    time.sleep(seconds)
    after = cpu.stat_text()
    percents = []
    for process in processes:
        with contextlib.suppress(psutil.Error):
            percents.append((process.info["name"] or "?", process.pid, process.cpu_percent(None)))
    return percents, before, after


def findings(engine: EngineConfig, quiet: QuietConfig, sample_s: float = 1.0) -> list[Finding]:
    from bench.machine import lock

    cores = os.cpu_count() or 1
    percents, before, after = _sample(sample_s)
    return [
        load(cpu.load_1m(), cores),
        busy_processes(percents, quiet.busy_cpu),
        frequency_scaling(),
        turbo(),
        steal(before, after, sample_s, cores),
        swap(psutil.swap_memory().used),
        machine_lock(lock.held()),
        engine_cgroup(engine),
    ]
