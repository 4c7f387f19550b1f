"""Sources that live in the registry: the previous image with inline cache metadata, and BuildKit's
registry cache export (mode=min: the final image's layers; mode=max: every stage's layers).

Order for each: reset -> priming build + export -> reset (the engine holds none of the cell's layers or
cache records again, checked) -> change -> measured build that imports from the registry.
"""

from __future__ import annotations

import time
from typing import ClassVar

from bench.builders.process import tail
from bench.builders.records import BuildRequest
from bench.caches.base import (
    CacheJob,
    CacheStrategy,
    PreBuild,
    Primed,
    priming_build,
    push_export,
    with_flags,
)
from bench.scenario.definition import Scenario
from bench.vocabulary import BuilderName, CacheSource


class InlineCache(CacheStrategy):
    """`inline`: the primed image is pushed with inline cache metadata; the measured build uses
    `--cache-from IMAGE`.

    BuildKit embeds the metadata with `--cache-to type=inline` and pulls only the layers it needs. The
    legacy builder's equivalent is to pull the previous image first and pass it to `--cache-from`: its
    pull is timed before the build and the cell's figure is pull + build, as a user would pay it.
    """

    source = CacheSource.inline
    empties_engine = True
    stored_in = "registry"

    def prime(self, job: CacheJob) -> Primed:
        request = job.request
        if job.builder.name == BuilderName.buildkit.value:
            request = with_flags(request, "--cache-to", "type=inline")
        primed = priming_build(job.builder, request, tag=job.cache_ref)
        return push_export(primed, job, job.cache_ref)

    def measured(self, job: CacheJob, request: BuildRequest) -> BuildRequest:
        return with_flags(request, "--cache-from", job.cache_ref)

    def before_build(self, job: CacheJob) -> PreBuild | None:
        if job.builder.name != BuilderName.legacy.value:
            return None
        if job.transfer is None:
            return PreBuild(0.0, [], error="no image transfer to pull the previous image")
        t0 = time.monotonic()
        run = job.transfer.pull(job.cache_ref)
        pull_s = time.monotonic() - t0
        error = None if run.exit_code == 0 else f"pulling {job.cache_ref} failed: {tail(run.texts(), 5)}"
        return PreBuild(pull_s, run.argv, error)


class RegistryCache(CacheStrategy):
    """`registry-min` / `registry-max`: `--cache-to type=registry,ref=REF,mode=M` when priming,
    `--cache-from type=registry,ref=REF` when measuring. BuildKit only: the legacy builder ignores both."""

    empties_engine = True
    stored_in = "registry"
    mode: ClassVar[str]

    def supports(self, builder: str, scenario: Scenario) -> str | None:
        if builder != BuilderName.buildkit.value:
            return "--cache-to/--cache-from type=registry need BuildKit (the legacy builder ignores them)"
        return None

    def prime(self, job: CacheJob) -> Primed:
        cache_to = f"type=registry,ref={job.cache_ref},mode={self.mode}"
        return priming_build(job.builder, with_flags(job.request, "--cache-to", cache_to))

    def measured(self, job: CacheJob, request: BuildRequest) -> BuildRequest:
        return with_flags(request, "--cache-from", f"type=registry,ref={job.cache_ref}")


class RegistryMinCache(RegistryCache):
    source = CacheSource.registry_min
    mode = "min"


class RegistryMaxCache(RegistryCache):
    source = CacheSource.registry_max
    mode = "max"
