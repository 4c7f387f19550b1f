"""Does the harness time a build as an outside tool would? Prints harness/hyperfine ratios per builder.

For each round and builder (order shuffled per round), the same cold build is timed twice: once by the
harness (`Runner.measure`, monotonic clock around the docker subprocess) and once by hyperfine running
the identical argv (`-N`, no shell) after `bench engine reset` as its --prepare step. Target: the ratio of
medians within 1.00 +/- 0.03.

The harness's builds run under the live progress bar `bench run` shows on a terminal (bench/run/progress.py,
drawn to stderr, forced on even when stderr is not a terminal), and hyperfine's without it, so the ratio
also says whether the bar disturbs timing. BENCH_HF_PROGRESS=none leaves the bar out.

    .venv/bin/python tests/benchmarks/harness_vs_hyperfine.py [ROUNDS] [HYDRA OVERRIDES...]
"""

from __future__ import annotations

import io
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from cold_harness import cold_harness
from rich.console import Console

from bench.analysis.stats import ratio_of_medians_ci
from bench.builders.records import BuildRequest
from bench.plan import Cell, Measurement
from bench.run.progress import run_progress
from bench.scenario.changes import copy_scenario
from bench.vocabulary import BuilderName, CacheSource, ChangeKind

BENCH = str(Path(sys.executable).with_name("bench"))


def hyperfine_once(argv: list[str], env: dict[str, str], overrides: list[str]) -> float:
    """One hyperfine run of argv after a cold reset; returns its measured seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "h.json"
        prepare = shlex.join([BENCH, "engine", "reset", *overrides])
        subprocess.run(
            [
                "hyperfine",
                "-N",
                "--runs",
                "1",
                "--style",
                "none",
                "--prepare",
                prepare,
                "--export-json",
                str(export),
                shlex.join(argv),
            ],
            check=True,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
        )
        return json.loads(export.read_text())["results"][0]["times"][0]


def replayed_command(builder, request: BuildRequest, workdir: Path) -> tuple[list[str], dict[str, str]]:
    """The argv and environment the harness's own build used (its --iidfile, and BuildKit's
    --metadata-file with the variable that goes with it), with scratch files of the benchmark's own."""
    iidfile = str(workdir / f"{builder.name}.iid")
    if builder.name == BuilderName.buildkit.value:
        return builder.command(request, iidfile, str(workdir / "metadata.json"))
    return builder.command(request, iidfile)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    overrides = sys.argv[2:]
    cold = cold_harness(overrides, "hyperfine-check")
    config, scenario, builders, runner, workdir = (
        cold.config,
        cold.scenario,
        cold.builders,
        cold.runner,
        cold.workdir,
    )
    harness: dict[str, list[float]] = {b: [] for b in builders}
    outside: dict[str, list[float]] = {b: [] for b in builders}
    context = copy_scenario(scenario.directory, parent=workdir)
    rng = random.Random(0)
    live = os.environ.get("BENCH_HF_PROGRESS", "live") != "none"
    display = Console(stderr=True, force_terminal=True) if live else Console(file=io.StringIO())
    for round_ in range(rounds):
        order = list(builders)
        rng.shuffle(order)
        for name in order:
            cell = Cell(scenario.name, BuilderName(name), CacheSource.none, ChangeKind.none)
            m = Measurement(round_, round_, round_, False, cell)
            done = sum(len(times) for times in harness.values())
            with run_progress(display, rounds * len(builders), already=done) as progress:
                assert progress.on_start and progress.on_row
                progress.on_start(m)
                row, _ = runner.measure(m)
                progress.on_row(m, row)
            harness[name].append(row.wall_s)
            request = BuildRequest(
                str(context),
                str(context / scenario.dockerfile),
                f"bench-run/hf:{name}",
                dict(scenario.build_args),
                scenario.target,
                config.network,
            )
            argv, env = replayed_command(builders[name], request, workdir)
            outside[name].append(hyperfine_once(argv, env, overrides))
            print(
                f"round {round_ + 1}/{rounds} {name:<8} harness {harness[name][-1]:6.2f} s   "
                f"hyperfine {outside[name][-1]:6.2f} s",
                flush=True,
            )
    print(f"\nscenario {scenario.name}, cold builds, {rounds} rounds, engine {config.engine.name!r}")
    for name in builders:
        ratio = ratio_of_medians_ci(harness[name], outside[name])
        print(
            f"{name:<8} harness/hyperfine median ratio {ratio.estimate:.3f} "
            f"[95% CI {ratio.low:.3f}, {ratio.high:.3f}]  "
            f"(harness median {sorted(harness[name])[len(harness[name]) // 2]:.2f} s)"
        )


if __name__ == "__main__":
    main()
