"""Checks that what a row claims is what happened (docs/architecture.md, "Verify what you claim"): the
quality flags (bench/store/quality.py) a measured build gets from its record and the engine's state before
it."""

from __future__ import annotations

from bench.builders.records import BuildRecord, Outcome
from bench.caches import strategy_for
from bench.engine.contents import EngineContents
from bench.plan import Measurement
from bench.run.build_rows import cached_work
from bench.store.quality import (
    CACHE_IMPORT_MISSED,
    COLD_HAD_CACHED_STEPS,
    ENGINE_NOT_EMPTY,
    ENGINE_NOT_OWNED,
    WARM_NO_CACHED_STEPS,
)
from bench.vocabulary import CacheSource, ChangeKind


def quality_flags(
    m: Measurement, record: BuildRecord, before: EngineContents | None, owned: bool
) -> tuple[str, ...]:
    """The flags of one measured build, in a fixed order."""
    flags = []
    if not owned:
        flags.append(ENGINE_NOT_OWNED)
    if record.outcome is not Outcome.OK:
        return tuple(flags)
    strategy = strategy_for(m.cell.cache)
    # cached steps: from a cache that was there before the build; reuse within it (Step.reused_in_build,
    # the legacy builder's stages that begin alike) flags nothing
    if m.cell.cache is CacheSource.none and record.steps_cached:
        flags.append(COLD_HAD_CACHED_STEPS)
    starts_empty = m.cell.cache is CacheSource.none or strategy.empties_engine
    if starts_empty and before is not None and not before.empty:
        flags.append(ENGINE_NOT_EMPTY)
    rebuilds_all = m.cell.change is ChangeKind.base  # a new base image invalidates every step
    judged = bool(record.steps)  # a build with no step data (legacy compose) cannot be judged on its steps
    if strategy.expects_cache_hits and not rebuilds_all and judged and record.steps_cached == 0:
        flags.append(WARM_NO_CACHED_STEPS)
    if strategy.empties_engine and not rebuilds_all and judged and not cached_work(record.steps):
        flags.append(CACHE_IMPORT_MISSED)
    return tuple(flags)
