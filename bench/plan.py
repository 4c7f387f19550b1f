"""The plan of a run: cells (one build configuration each) times rounds, in a seeded shuffled order.

Every round measures each cell once, in an order shuffled per round, so that drift on a noisy machine (a
neighbour's job, a warming page cache) falls on every cell alike instead of on whichever ran last.
Warmup rounds come first and are recorded but kept out of the statistics.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from bench.config import BenchConfig, BuilderName, CacheSource, ChangeKind
from bench.platforms import NATIVE


@dataclass(frozen=True)
class Cell:
    """One build configuration: what is compared against what."""

    scenario: str
    builder: BuilderName
    cache: CacheSource
    change: ChangeKind
    platform: str = NATIVE
    variant: str | None = None  # one of the scenario's Dockerfile variants (bench.yaml `variants`)

    @property
    def native(self) -> bool:
        """Built for the engine's own platform (no --platform flag)."""
        return self.platform == NATIVE

    @property
    def id(self) -> str:
        base = f"{self.scenario}|{self.builder.value}|{self.cache.value}|{self.change.value}"
        base = base if self.native else f"{base}|{self.platform}"
        return base if self.variant is None else f"{base}|{self.variant}"


@dataclass(frozen=True)
class Measurement:
    """One build to measure: a cell in a round, at a position of the run's order."""

    seq: int
    round: int
    repetition: int
    warmup: bool
    cell: Cell


def cells(config: BenchConfig, scenario_name: str, variants: Sequence[str] = ()) -> list[Cell]:
    """Variants x platforms x builders x cache sources; a cold build has nothing to change against
    (change `none`). A scenario without variants has one cell per combination, with `variant` None."""
    found = []
    for variant in list(variants) or [None]:
        for platform in config.platform.names:
            for builder in config.builder.names:
                for cache in config.cache.sources:
                    change = ChangeKind.none if cache is CacheSource.none else config.change.kind
                    builder_name, source = BuilderName(builder), CacheSource(cache)
                    found.append(Cell(scenario_name, builder_name, source, change, platform, variant))
    return found


def make_plan(plan_cells: list[Cell], repetitions: int, warmup: int, seed: int) -> list[Measurement]:
    """All measurements in execution order; the same arguments always give the same order."""
    plan: list[Measurement] = []
    for round_ in range(warmup + repetitions):
        order = list(plan_cells)
        random.Random(f"{seed}:{round_}").shuffle(order)
        is_warmup = round_ < warmup
        repetition = round_ if is_warmup else round_ - warmup
        for cell in order:
            plan.append(Measurement(len(plan), round_, repetition, is_warmup, cell))
    return plan
