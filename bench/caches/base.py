"""The interface of a cache source: what survives the reset, how it is primed, what the measured build gets.

Every source answers the same four questions, so the runner never asks which source it measures:
- `supports(builder, scenario)`: None, or why this builder cannot take its cache from here (the cell is
  then recorded as unsupported, not failed);
- `prime(job)`: the build (and export) that fills the cache, timed as prime_s, with the export part as
  export_s when the source has one;
- `empties_engine`: whether the engine is emptied again after priming, so the measured build starts with
  none of the cell's layers or cache records and only the exported cache survives (checked, not assumed);
- `measured(job, request)` and `before_build(job)`: the flags the measured build gets, and any work a user
  must do before it (the legacy builder's pull of the previous image), timed as part of the cell's cost.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar, Protocol

from bench.builders.process import ProcessRun, tail
from bench.builders.protocol import Builder
from bench.builders.records import BuildRecord, BuildRequest, Outcome
from bench.scenario.definition import Scenario
from bench.vocabulary import CacheSource

#: Vertex names of BuildKit's cache export (rawjson), whose span is the export's cost inside a build.
EXPORT_VERTEX_PREFIXES = ("exporting cache", "preparing build cache for export", "writing cache")


class ImageTransfer(Protocol):
    """Pushes and pulls images as a user's CLI would; each call is one timed `docker` process."""

    def push(self, ref: str) -> ProcessRun: ...

    def pull(self, ref: str) -> ProcessRun: ...


@dataclass(frozen=True)
class CacheJob:
    """One measurement's cache work: the builders, the unchanged request, and where its cache goes.

    `cache_ref` is unique per measurement ({registry}/bench-cache/<engine>/<run>/<scenario>:<cell>-<seq>),
    so two measurements, runs or engines never share a cache; `workdir` is private to the measurement
    (local cache directories).
    """

    builder: Builder
    builders: Mapping[str, Builder]
    request: BuildRequest
    scenario: Scenario
    cache_ref: str
    workdir: Path
    transfer: ImageTransfer | None = None


@dataclass
class Primed:
    """How priming went: the priming build's record, its time, the export's time, or why it failed."""

    record: BuildRecord | None = None
    prime_s: float | None = None
    export_s: float | None = None
    error: str | None = None


@dataclass
class PreBuild:
    """Work done right before the measured build and counted in its cost (the legacy builder's pull)."""

    pull_s: float
    argv: list[str]
    error: str | None = None


class CacheStrategy:
    """Defaults shared by the sources: nothing to prime, nothing to add, every builder supported."""

    source: ClassVar[CacheSource]
    #: the engine is emptied again after priming: only the exported cache survives to the measured build
    empties_engine: ClassVar[bool] = False
    #: a measured build that takes no step from the cache is flagged (not for the cold and cross sources)
    expects_cache_hits: ClassVar[bool] = True
    #: where the cache lives, for its size: "engine" (build cache), "registry", "directory" or None
    stored_in: ClassVar[str | None] = "engine"

    def supports(self, builder: str, scenario: Scenario) -> str | None:
        return None

    def prime(self, job: CacheJob) -> Primed:
        return Primed()

    def measured(self, job: CacheJob, request: BuildRequest) -> BuildRequest:
        return request

    def before_build(self, job: CacheJob) -> PreBuild | None:
        return None

    def cache_dir(self, job: CacheJob) -> Path | None:
        return None


def with_flags(request: BuildRequest, *flags: str) -> BuildRequest:
    return replace(request, extra_flags=(*request.extra_flags, *flags))


def priming_build(builder: Builder, request: BuildRequest, tag: str | None = None) -> Primed:
    """Run a priming build, timed; a failure fails the row (nothing was measured)."""
    t0 = time.monotonic()
    record = builder.build(replace(request, tag=tag or request.tag + "-prime"))
    prime_s = time.monotonic() - t0
    if record.outcome is not Outcome.OK:
        return Primed(record, None, None, f"priming build failed: {record.error_tail or ''}")
    return Primed(record, prime_s, export_span(record))


def export_span(record: BuildRecord) -> float | None:
    """Seconds from the first cache-export vertex's start to the last one's end, or None without export."""
    spans = [
        (s.started_s, s.completed_s)
        for s in record.steps
        if s.name.startswith(EXPORT_VERTEX_PREFIXES) and s.started_s is not None and s.completed_s is not None
    ]
    if not spans:
        return None
    return max(end for _, end in spans) - min(start for start, _ in spans)


def push_export(primed: Primed, job: CacheJob, ref: str) -> Primed:
    """Push the primed image (its inline cache with it): the push is the export, timed on its own."""
    if primed.error or job.transfer is None:
        return primed if job.transfer else replace(primed, error="no image transfer to push the cache")
    run = job.transfer.push(ref)
    if run.exit_code != 0:
        return replace(primed, error=f"pushing the primed image failed: {tail(run.texts(), 5)}")
    return replace(primed, prime_s=(primed.prime_s or 0.0) + run.wall_s, export_s=run.wall_s)
