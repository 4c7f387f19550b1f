"""The plan of a run: cells (one build configuration each) times rounds, in a seeded shuffled order.

Every round measures each cell once, in an order shuffled per round, so that drift on a noisy machine (a
neighbour's job, a warming page cache) falls on every cell alike instead of on whichever ran last.
Warmup rounds come first and are recorded but kept out of the statistics.

A paired plan (the default) saves the priming build of a warm cell: in each round a builder's cold build
(cache=none) is followed at once by its warm build (cache=local, same platform and variant), which starts
from the state the cold build left, exactly what its own reset and priming build would have made. The pair
moves as one block when the round is shuffled. `paired_with` names the cold build; the runner uses its
state only when that build ran just before and succeeded, and primes on its own otherwise.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from bench.config import BenchConfig
from bench.platforms import NATIVE
from bench.vocabulary import BuilderName, CacheSource, ChangeKind


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
    paired_with: int | None = None  # seq of the cold build whose end state primes this warm build


def _pairs_with(cold: Cell, warm: Cell) -> bool:
    """A cold cell whose build leaves exactly the state `warm`'s priming build would make."""
    return (
        cold.cache is CacheSource.none
        and warm.cache is CacheSource.local
        and (cold.scenario, cold.builder, cold.platform, cold.variant)
        == (warm.scenario, warm.builder, warm.platform, warm.variant)
    )


def blocks(plan_cells: Sequence[Cell], paired: bool) -> list[tuple[Cell, ...]]:
    """The units a round shuffles: (cold, warm) pairs when `paired`, every other cell alone."""
    if not paired:
        return [(cell,) for cell in plan_cells]
    found: list[tuple[Cell, ...]] = []
    taken: set[Cell] = set()
    for cell in plan_cells:
        if cell in taken:
            continue
        warm = next((w for w in plan_cells if w not in taken and _pairs_with(cell, w)), None)
        taken.update((cell,) if warm is None else (cell, warm))
        found.append((cell,) if warm is None else (cell, warm))
    return found


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


def make_plan(
    plan_cells: list[Cell], repetitions: int, warmup: int, seed: int, *, paired: bool = False
) -> list[Measurement]:
    """All measurements in execution order; the same arguments always give the same order. With
    `repetitions=auto` this is the most the run may measure (bench/run/stopping.py skips what it need not)."""
    plan: list[Measurement] = []
    units = blocks(plan_cells, paired)
    for round_ in range(warmup + repetitions):
        order = list(units)
        random.Random(f"{seed}:{round_}").shuffle(order)
        is_warmup = round_ < warmup
        repetition = round_ if is_warmup else round_ - warmup
        for block in order:
            cold_seq = len(plan)
            for position, cell in enumerate(block):
                paired_with = cold_seq if position else None
                plan.append(Measurement(len(plan), round_, repetition, is_warmup, cell, paired_with))
    return plan


def pairs(plan: Sequence[Measurement]) -> list[tuple[int, int]]:
    """(cold seq, warm seq) of every planned pair: what run.json records."""
    return [(m.paired_with, m.seq) for m in plan if m.paired_with is not None]
