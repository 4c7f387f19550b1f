"""Does the live progress bar slow the builds it shows? Prints bar-on/bar-off ratios per builder.

Each round times every builder's cold build twice through the harness (`Runner.measure`, as `bench run`
does): once under the live bar (bench/run/progress.py, forced onto stderr as on a terminal, at its own
REFRESH_HZ) and once with plain progress lines; the order of builders and of on/off is shuffled per
round. Besides wall seconds it reports the CPU seconds the bench process itself spent per build (all its
threads: output readers, the bar's refresh thread, the cost meter), which is what the bar could add.
Target: the on/off ratio of median wall times within 1.00 +/- 0.03, its interval containing 1.

    .venv/bin/python tests/benchmarks/progress_bar_cost.py [ROUNDS] [HYDRA OVERRIDES...] 2>/dev/null
"""

from __future__ import annotations

import io
import random
import resource
import statistics
import sys

from cold_harness import cold_harness
from rich.console import Console

from bench.analysis.stats import ratio_of_medians_ci
from bench.plan import Cell, Measurement
from bench.run.progress import REFRESH_HZ, run_progress
from bench.vocabulary import BuilderName, CacheSource, ChangeKind

MODES = ("on", "off")


def own_cpu_s() -> float:
    """User + system CPU seconds of this process, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    harness = cold_harness(sys.argv[2:], "bar-check")
    scenario, builders, runner = harness.scenario, harness.builders, harness.runner
    wall = {(b, mode): [] for b in builders for mode in MODES}
    cpu = {(b, mode): [] for b in builders for mode in MODES}
    rng = random.Random(0)
    for round_ in range(rounds):
        for name in rng.sample(list(builders), len(builders)):
            for mode in rng.sample(MODES, len(MODES)):
                display = (
                    Console(stderr=True, force_terminal=True) if mode == "on" else Console(file=io.StringIO())
                )
                cell = Cell(scenario.name, BuilderName(name), CacheSource.none, ChangeKind.none)
                m = Measurement(round_, round_, round_, False, cell)
                with run_progress(display, 2 * rounds * len(builders)) as progress:
                    assert progress.on_start and progress.on_row
                    progress.on_start(m)
                    before = own_cpu_s()
                    row, _ = runner.measure(m)
                    cpu[name, mode].append(own_cpu_s() - before)
                    progress.on_row(m, row)
                wall[name, mode].append(row.wall_s)
                print(
                    f"round {round_ + 1}/{rounds} {name:<8} bar {mode:<3} {row.outcome:<6} "
                    f"{row.wall_s:6.2f} s (bench process {cpu[name, mode][-1]:.3f} CPU s)",
                    flush=True,
                )
    print(f"\nscenario {scenario.name}, cold builds, {rounds} rounds, bar at {REFRESH_HZ} Hz")
    for name in builders:
        ratio = ratio_of_medians_ci(wall[name, "on"], wall[name, "off"])
        on, off = (statistics.median(wall[name, mode]) for mode in MODES)
        cpu_on, cpu_off = (statistics.median(cpu[name, mode]) for mode in MODES)
        print(
            f"{name:<8} bar on/off median wall ratio {ratio.estimate:.3f} "
            f"[95% CI {ratio.low:.3f}, {ratio.high:.3f}]  medians {on:.2f} / {off:.2f} s  "
            f"bench process CPU per build {cpu_on:.3f} / {cpu_off:.3f} s"
        )


if __name__ == "__main__":
    main()
