"""`bench doctor`'s machine findings, from recorded or made-up /sys and /proc contents."""

from __future__ import annotations

from pathlib import Path

from bench.config import EngineConfig, QuietConfig
from bench.engine import noise
from bench.machine import lock

STAT = "cpu  1000 0 500 9000 10 0 20 {steal} 0 0\n"


def _governors(root: Path, *names: str) -> Path:
    for i, name in enumerate(names):
        (root / f"cpu{i}" / "cpufreq").mkdir(parents=True)
        (root / f"cpu{i}" / "cpufreq" / "scaling_governor").write_text(f"{name}\n")
    return root


def test_frequency_scaling_and_turbo_as_sysfs_shows_them(tmp_path: Path) -> None:
    bare = tmp_path / "vm"
    bare.mkdir()
    assert noise.frequency_scaling(bare) == noise.Finding("CPU frequency governor", "info", noise.NOT_EXPOSED)
    assert noise.turbo(bare) == noise.Finding("turbo", "info", noise.NOT_EXPOSED)
    steady = _governors(tmp_path / "steady", "performance", "performance")
    assert noise.frequency_scaling(steady).state == "ok"
    varying = _governors(tmp_path / "varying", "powersave", "performance")
    found = noise.frequency_scaling(varying)
    assert found.state == "warn" and found.detail.startswith("performance, powersave: the clock follows")
    (steady / "intel_pstate").mkdir()
    (steady / "intel_pstate" / "no_turbo").write_text("0\n")
    assert noise.turbo(steady).state == "warn"
    (steady / "intel_pstate" / "no_turbo").write_text("1\n")
    assert noise.turbo(steady).detail.startswith("off")
    (varying / "cpufreq").mkdir()
    (varying / "cpufreq" / "boost").write_text("1\n")
    assert noise.turbo(varying).state == "warn"


def test_steal_during_the_sample_and_since_boot() -> None:
    ticks = 100  # USER_HZ on Linux
    found = noise.steal(STAT.format(steal=500), STAT.format(steal=540), seconds=1.0, cores=2)
    assert found == noise.Finding(
        "steal time", "warn", f"20.0% during the sample; {540 / ticks:.0f} s since boot"
    )
    assert noise.steal(STAT.format(steal=5), STAT.format(steal=5), 1.0, 2).state == "ok"


def test_busy_processes_name_the_top_ones_and_warn_above_the_quiet_threshold() -> None:
    sampled = [("idle", 1, 0.0), ("cc1", 42, 90.0), ("pytest", 7, 30.0), ("sshd", 9, 2.0)]
    found = noise.busy_processes(sampled, busy_cpu=0.25)
    assert found == noise.Finding(
        "processes using CPU", "warn", "1.22 cores busy: cc1 (42) 90%, pytest (7) 30%"
    )
    assert noise.busy_processes([("sshd", 9, 2.0)], busy_cpu=0.25) == noise.Finding(
        "processes using CPU", "ok", "0.02 cores busy"
    )


def test_load_swap_and_the_machine_lock() -> None:
    assert noise.load(1.5, 2).state == "warn" and noise.load(0.2, 2).state == "ok"
    assert noise.swap(0).state == "ok"
    assert noise.swap(3 * 2**20) == noise.Finding(
        "swap", "warn", "3 MiB in use: pages may be read back mid-build"
    )
    assert noise.machine_lock(lock.held()).state == "ok"
    with lock.engine_lock(EngineConfig(name="overlay2"), "results/r9", say=lambda _t: None):
        found = noise.machine_lock(lock.held())
    assert found.state == "warn" and found.detail.startswith("run results/r9 (pid ")


def test_an_engine_bench_does_not_start_has_no_cost_to_report() -> None:
    shared = EngineConfig(name="build1", started_by_bench=False)
    assert noise.engine_cgroup(shared) == noise.Finding(
        "build cost", "info", "none: bench does not start this engine"
    )
    assert {f.what for f in noise.findings(shared, QuietConfig(), sample_s=0.05)} == {
        "load average",
        "processes using CPU",
        "CPU frequency governor",
        "turbo",
        "steal time",
        "swap",
        "machine lock",
        "build cost",
    }
