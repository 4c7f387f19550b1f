"""When a cell is measured no more: its planned repetitions are done, its figures are precise enough
(`repetitions=auto`), or it failed twice with the same error and more builds would only repeat it.

`repetitions=auto` stops on precision, which hyperfine, pyperf and asv do not: a cell stops once the 95%
bootstrap interval of its median, and of every speedup it takes part in (the other builder on the same
cache; the cold build of the same builder), is within +-target of the estimate, after at least `min` and
at most `max` measured builds. The plan (bench/plan.py) holds `max` rounds; the runner skips the builds of
stopped cells, so the order stays shuffled and interleaved across the cells still running. The reason is
written on the cell's last row (`stop_reason`), so a resumed run knows which cells are done.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bench.analysis import stats
from bench.builders.records import Outcome
from bench.config import BenchConfig
from bench.plan import Cell, Measurement
from bench.store.rows import BuildRow
from bench.vocabulary import CacheSource

_NUMBERS = re.compile(r"\b[0-9a-f]{12,}\b|\d+(\.\d+)?")


@dataclass(frozen=True)
class StopRule:
    """What stops a cell: `auto` precision (target, min, max) or the fixed repetitions; `keep_going`
    measures a cell that fails the same way again anyway."""

    repetitions: int  # the most measured builds of a cell (fixed: all of them)
    auto: bool = False
    target: float = 0.05
    min_builds: int = 3
    keep_going: bool = False

    @classmethod
    def of(cls, config: BenchConfig) -> StopRule:
        precision = config.precision
        return cls(config.rounds, config.auto, precision.target, precision.min, config.keep_going)


def error_signature(error_tail: str | None) -> str:
    """The last line of a build's error with numbers and ids blanked: two runs of one failing step give
    the same signature even when durations, exit codes' surroundings or container ids differ."""
    lines = [line.strip() for line in (error_tail or "").splitlines() if line.strip()]
    return _NUMBERS.sub("#", lines[-1]) if lines else ""


def relative_half_width(interval: stats.Interval) -> float:
    """Half the interval's width over its estimate; inf when there is no interval yet."""
    if not interval.defined or not interval.estimate:
        return math.inf
    return (interval.high - interval.low) / 2 / abs(interval.estimate)


def _speedup_partners(cells: Sequence[Cell]) -> dict[str, list[str]]:
    """Cell id -> ids of the cells it is compared with: the other builder on the same cache, change,
    platform and variant; the cold cell of the same builder (and, for a cold cell, its warm ones)."""
    partners: dict[str, list[str]] = defaultdict(list)
    for a in cells:
        for b in cells:
            if a == b or (a.scenario, a.platform, a.variant) != (b.scenario, b.platform, b.variant):
                continue
            other_builder = a.builder != b.builder and (a.cache, a.change) == (b.cache, b.change)
            cold_of = a.builder == b.builder and CacheSource.none in (a.cache, b.cache)
            if other_builder or cold_of:
                partners[a.id].append(b.id)
    return partners


def _fmt(width: float) -> str:
    return "no interval" if not math.isfinite(width) else f"+-{width:.1%}"


class Stopping:
    """Decides, row by row, which cells are done; `reasons` says why each stopped."""

    def __init__(self, rule: StopRule, cells: Sequence[Cell]) -> None:
        self.rule = rule
        self.partners = _speedup_partners(cells)
        self.times: dict[str, list[float]] = defaultdict(list)  # measured (not warmup) ok wall_s
        self.measured: dict[str, int] = defaultdict(int)  # measured (not warmup) builds, any outcome
        self.ok: dict[str, int] = defaultdict(int)  # builds that succeeded, warmups included
        self.last_error: dict[str, str | None] = {}
        self.reasons: dict[str, str] = {}

    def stopped(self, cell_id: str) -> bool:
        return cell_id in self.reasons

    def seed(self, rows: Iterable[BuildRow]) -> None:
        """The rows of a run being resumed, in seq order: their times, failures and stop reasons."""
        for row in sorted(rows, key=lambda r: r.seq):
            self._count(row.cell, row.warmup, row.outcome, row.wall_s, row.error_tail)
            if row.stop_reason:
                self.reasons[row.cell] = row.stop_reason

    def _count(self, cell: str, warmup: bool, outcome: str, wall_s: float | None, error: str | None) -> None:
        if not warmup:
            self.measured[cell] += 1
        if outcome == Outcome.OK.value:
            self.ok[cell] += 1
            self.last_error[cell] = None
            if not warmup and wall_s is not None:
                self.times[cell].append(float(wall_s))
        elif outcome == Outcome.FAILED.value:
            self.last_error[cell] = error_signature(error)

    def record(self, m: Measurement, outcome: str, wall_s: float | None, error: str | None) -> str | None:
        """Count one build of `m`'s cell; the reason the cell stops with it, or None to go on."""
        cell = m.cell.id
        repeated = self.last_error.get(cell)
        self._count(cell, m.warmup, outcome, wall_s, error)
        reason = self._reason(cell, outcome, repeated, error)
        if reason is not None:
            self.reasons[cell] = reason
        return reason

    def _reason(self, cell: str, outcome: str, repeated: str | None, error: str | None) -> str | None:
        failed_again = (
            outcome == Outcome.FAILED.value and repeated is not None and repeated == error_signature(error)
        )
        if failed_again and not self.ok[cell] and not self.rule.keep_going:
            return (
                f"failed twice with the same error ({error_signature(error)[:100]}); not repeated "
                "(keep_going=true measures every planned build)"
            )
        if outcome == Outcome.UNSUPPORTED.value and self.rule.auto:
            return "unsupported: nothing to measure"
        if self.measured[cell] >= self.rule.repetitions:
            kind = "maximum" if self.rule.auto else "planned"
            return f"{kind} {self.rule.repetitions} builds done ({self.precision_text(cell)})"
        if self.rule.auto and len(self.times[cell]) >= self.rule.min_builds:
            median, speedups = self.median_width(cell), self.speedup_widths(cell)
            if max([median, *speedups.values()]) <= self.rule.target:  # each interval bootstrapped once
                text = self._precision_text(median, speedups)
                return f"precise after {self.measured[cell]} builds ({text})"
        return None

    def median_width(self, cell: str) -> float:
        return relative_half_width(stats.median_ci(self.times[cell]))

    def speedup_widths(self, cell: str) -> dict[str, float]:
        """Relative half-width of each speedup with a partner that has times of its own."""
        return {
            other: relative_half_width(stats.ratio_of_medians_ci(self.times[other], self.times[cell]))
            for other in self.partners.get(cell, [])
            if self.times.get(other)
        }

    def precision_text(self, cell: str) -> str:
        """`median +-2.1%, speedups up to +-3.4%, target +-5.0%` (the target only for auto)."""
        return self._precision_text(self.median_width(cell), self.speedup_widths(cell))

    def _precision_text(self, median: float, speedups: Mapping[str, float]) -> str:
        text = f"median {_fmt(median)}"
        if speedups:
            text += f", speedups up to {_fmt(max(speedups.values()))}"
        return text + (f", target +-{self.rule.target:.1%}" if self.rule.auto else "")


def remaining(plan: Sequence[Measurement], stopping: Stopping, done: Iterable[int] = ()) -> int:
    """Builds still planned: not on disk, of cells not stopped (for the progress display's total)."""
    finished = set(done)
    return sum(1 for m in plan if m.seq not in finished and not stopping.stopped(m.cell.id))
