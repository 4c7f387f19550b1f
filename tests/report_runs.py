"""Synthetic run directories for report, compare and publish tests, written with the real RunWriter.

A cold multistage-like build: legacy runs stages a, b, debug one after the other; BuildKit runs a and b at
the same time and skips debug. Times are chosen per test, so every expected number is known exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fakes import run_meta

from bench.store.results import RunWriter
from bench.store.rows import BuildRow, PlanMeta, StepRow

ENVIRONMENT = {"engine_version": "26.1.5", "kernel": "6.1.0", "cpu_model": "Test CPU", "cpu_count": 2}


def legacy_steps(run_id: str, seq: int, cell: str, wall: float) -> list[dict[str, Any]]:
    """Sequential stages a, b, debug: no overlap; debug takes the last fifth."""
    parts = [("a", 0.0, 0.4), ("b", 0.4, 0.8), ("debug", 0.8, 1.0)]
    return [
        _step(run_id, seq, cell, "legacy", i, f"RUN make {stage}", stage, lo * wall, hi * wall)
        for i, (stage, lo, hi) in enumerate(parts)
    ]


def buildkit_steps(run_id: str, seq: int, cell: str, wall: float) -> list[dict[str, Any]]:
    """Stages a and b side by side over the first 60%, then runtime; no debug."""
    parts = [("a", 0.0, 0.6), ("b", 0.1, 0.6), ("runtime", 0.6, 1.0)]
    steps = [_step(run_id, seq, cell, "buildkit", 0, "[internal] load build definition", None, 0.0, 0.01)]
    return steps + [
        _step(run_id, seq, cell, "buildkit", i + 1, f"RUN make {stage}", stage, lo * wall, hi * wall)
        for i, (stage, lo, hi) in enumerate(parts)
    ]


def _step(run_id, seq, cell, builder, index, name, stage, start, end) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "seq": seq,
        "cell": cell,
        "builder": builder,
        "index": index,
        "name": name,
        "stage": stage,
        "platform": None,
        "started_s": start,
        "completed_s": end,
        "duration_s": end - start,
        "cached": False,
        "error": None,
    }


def write_run(
    run_dir: Path,
    times: dict[tuple[str, str], Sequence[float | None]],
    *,
    run_id: str = "run-a",
    scenario: str = "multistage",
    environment: dict[str, Any] | None = None,
    status: str = "complete",
    planned_extra: int = 0,
    link: tuple[str, float | None] = ("loopback", None),
    flags: Mapping[tuple[str, str, int], Sequence[str]] | None = None,
) -> Path:
    """A run whose cells are (builder, cache) -> wall times (None: a failed build); cold cells get steps.

    `planned_extra` adds that many builds per cell to the plan that were never recorded (a partial run);
    `link` is the (name, rate in Mbit/s) its builds went over; `flags` the quality flags of the builds
    (builder, cache, repetition) named (none on the others).
    """
    order = []
    for (builder, cache), walls in times.items():
        change = "none" if cache == "none" else "source"
        order += [f"{scenario}|{builder}|{cache}|{change}"] * (len(walls) + planned_extra)
    meta = run_meta(
        run_id,
        scenario=scenario,
        config_yaml=f"scenario:\n  name: {scenario}\nrepetitions: 5\n",
        plan=PlanMeta(seed=0, repetitions=5, warmup=0, order=tuple(order)),
        environment=environment or dict(ENVIRONMENT),
    )
    writer = RunWriter(run_dir, meta)
    seq = 0
    for (builder, cache), walls in times.items():
        change = "none" if cache == "none" else "source"
        cell = f"{scenario}|{builder}|{cache}|{change}"
        for rep, wall in enumerate(walls):
            ok = wall is not None
            row = {
                "run_id": run_id,
                "seq": seq,
                "round": rep,
                "repetition": rep,
                "warmup": False,
                "cell": cell,
                "scenario": scenario,
                "builder": builder,
                "cache": cache,
                "change": change,
                "platform": "native",
                "engine": "dedicated",
                "link": link[0],
                "link_rate_mbit": link[1],
                "outcome": "ok" if ok else "failed",
                "wall_s": wall,
                "reset_s": 1.0,
                "prime_s": None,
                "steps_total": 3,
                "steps_cached": 0 if cache == "none" else 2,
                "flags": list((flags or {}).get((builder, cache, rep), [])),
                "exit_code": 0 if ok else 1,
                "error_tail": None if ok else "ERROR: failed to solve: exit code: 2",
            }
            steps: list[dict[str, Any]] = []
            if ok and cache == "none":
                make = legacy_steps if builder == "legacy" else buildkit_steps
                steps = make(run_id, seq, cell, wall)
            writer.add_build(BuildRow(**row), [StepRow(**step) for step in steps])
            seq += 1
    if status != "running":
        writer.finish(status)
    return run_dir


COLD_WIN = {
    ("legacy", "none"): [20.0, 20.5, 19.5, 21.0, 20.2],
    ("buildkit", "none"): [10.0, 10.4, 9.8, 10.1, 10.3],
    ("legacy", "local"): [5.0, 5.2, 4.9, 5.1, 5.05],
    ("buildkit", "local"): [2.0, 2.1, 1.9, 2.05, 2.02],
}
