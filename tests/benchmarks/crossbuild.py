"""What emulation costs and what cross-compilation saves: prints ratios of medians with 95% intervals.

Three cold BuildKit builds of scenarios/crossbuild, interleaved in an order shuffled per round:
  native   Dockerfile.emulate, no --platform: the same compile work on the host's own CPU
  emulate  Dockerfile.emulate --platform TARGET: every RUN of the compile stage under QEMU
  cross    Dockerfile.cross --platform TARGET: the compile stage on the build platform, cross gcc
Each build starts from an empty engine (`bench engine reset`'s make_cold, outside the timed span) and
its image is checked to be for TARGET (or native) afterwards; a build that fails either is reported, not
counted. Three figures per build: the whole build (the build process's wall time); the compile stage
(first start to last end of the stage `compile`'s executed steps, base image pull included); the compile
step (its `RUN ... make` alone: the compile work itself).

    .venv/bin/python tests/benchmarks/crossbuild.py [ROUNDS] [--target linux/arm/v7] [HYDRA OVERRIDES...]

TARGET is linux/arm64 unless --target names another platform.
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
from pathlib import Path

from python_on_whales import DockerClient

from bench.analysis.stats import Interval, median, ratio_of_medians_ci
from bench.builders.buildkit import BuildKitBuilder
from bench.builders.records import BuildRecord, BuildRequest, Outcome
from bench.composition import compose
from bench.engine import reset
from bench.engine.image_platform import check_image
from bench.engine.own_images import RunImages
from bench.scenario.changes import copy_scenario
from bench.scenario.definition import load_scenario

RUN = RunImages("bench-run", "crossbuild-bench")  # this benchmark's images, removed before each build


def cells(target: str) -> dict[str, tuple[str, str]]:
    """name -> (crossbuild strategy, platform)"""
    return {"native": ("emulate", "native"), "emulate": ("emulate", target), "cross": ("cross", target)}


def compile_span(record: BuildRecord) -> float | None:
    work = [s for s in record.steps if s.stage == "compile" and not s.cached and s.started_s is not None]
    if not work:
        return None
    return max(s.completed_s or s.started_s for s in work) - min(s.started_s for s in work)


def compile_run(record: BuildRecord) -> float | None:
    runs = [s.duration_s for s in record.steps if s.stage == "compile" and s.name.startswith("RUN")]
    return sum(d for d in runs if d is not None) if runs else None


def _fmt(i: Interval) -> str:
    return f"{i.estimate:6.2f}x  [95% CI {i.low:.2f}, {i.high:.2f}]  (n={i.n[0]}/{i.n[1]})"


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    overrides = sys.argv[2:]
    target = "linux/arm64"
    if overrides[:1] == ["--target"] and len(overrides) > 1:
        target, overrides = overrides[1], overrides[2:]
    plan_cells = cells(target)
    configs = {
        strategy: compose(["scenario=crossbuild", f"crossbuild={strategy}", *overrides])
        for strategy in ("emulate", "cross")
    }
    engine = configs["emulate"].engine
    docker = DockerClient(context=engine.context)
    builder = BuildKitBuilder(docker)
    totals: dict[str, list[float]] = {c: [] for c in plan_cells}
    compiles: dict[str, list[float]] = {c: [] for c in plan_cells}
    makes: dict[str, list[float]] = {c: [] for c in plan_cells}
    rng = random.Random(0)
    workdir = Path(tempfile.mkdtemp(prefix="bench-crossbuild-"))  # the build contexts
    for round_ in range(rounds):
        order = list(plan_cells)
        rng.shuffle(order)
        for cell in order:
            strategy, platform = plan_cells[cell]
            scenario = load_scenario(configs[strategy].scenario)
            tag = f"{RUN.repository}/crossbuild-bench:{cell}"
            context = copy_scenario(scenario.directory, parent=workdir)  # with multistage's crc/
            request = BuildRequest(
                context_dir=str(context),
                dockerfile=str(context / scenario.dockerfile),
                tag=tag,
                build_args=dict(scenario.build_args),
                network="none",
                extra_flags=() if platform == "native" else ("--platform", platform),
            )
            before = reset.make_cold(docker, engine, RUN)
            record = builder.build(request)
            problem = record.error_tail if record.outcome is not Outcome.OK else None
            problem = problem or check_image(
                docker, engine, platform, record.image_id, tag, scenario.arch_probe
            )
            span = compile_span(record)
            note = "" if before.empty else "  (engine was not empty before the build)"
            if problem:
                print(f"round {round_ + 1} {cell:<8} FAILED: {problem.splitlines()[-1]}", flush=True)
                continue
            totals[cell].append(record.wall_s or float("nan"))
            compiles[cell].append(span if span is not None else float("nan"))
            make = compile_run(record)
            makes[cell].append(make if make is not None else float("nan"))
            print(
                f"round {round_ + 1}/{rounds} {cell:<8} build {record.wall_s:7.2f} s   "
                f"compile stage {span or float('nan'):7.2f} s   compile step {make or float('nan'):7.2f} s   "
                f"cached {record.steps_cached}{note}",
                flush=True,
            )
    reset.remove_own_images(docker, RUN)
    shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"\nscenarios/crossbuild for {target}, cold BuildKit builds, {rounds} rounds, engine {engine.name!r}"
    )
    for cell in plan_cells:
        print(
            f"{cell:<8} median build {median(totals[cell]):7.2f} s   "
            f"median compile stage {median(compiles[cell]):7.2f} s   "
            f"median compile step {median(makes[cell]):7.2f} s   (n={len(totals[cell])})"
        )
    print("\nratios of medians (bootstrap 95% intervals):")
    for label, a, b in (
        ("emulated / cross-compiled", "emulate", "cross"),
        ("emulated / native", "emulate", "native"),
    ):
        print(f"{label:<26} compile step  {_fmt(ratio_of_medians_ci(makes[a], makes[b]))}")
        print(f"{'':<26} compile stage {_fmt(ratio_of_medians_ci(compiles[a], compiles[b]))}")
        print(f"{'':<26} whole build   {_fmt(ratio_of_medians_ci(totals[a], totals[b]))}")


if __name__ == "__main__":
    main()
