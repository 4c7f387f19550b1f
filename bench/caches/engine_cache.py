"""Sources that live in the engine itself: nothing (cold), the engine's own cache, cache mounts, and the
other builder's cache (are the two builders' caches shared?). None of them empties the engine after priming.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from bench.builders.records import BuildRequest
from bench.caches.base import CacheJob, CacheStrategy, Primed, priming_build
from bench.scenario.definition import Scenario
from bench.vocabulary import BuilderName, CacheSource


class Cold(CacheStrategy):
    """`none`: the reset leaves nothing; no priming; the build must take no step from any cache."""

    source = CacheSource.none
    expects_cache_hits = False
    stored_in = None


class EngineCache(CacheStrategy):
    """`local`: reset -> priming build -> change -> measured build, on the same engine."""

    source = CacheSource.local

    def prime(self, job: CacheJob) -> Primed:
        return priming_build(job.builder, self.measured(job, job.request))


class CacheMounts(EngineCache):
    """`mounts`: `local` built from the scenario's Dockerfile whose install step uses
    `RUN --mount=type=cache` for the package manager's download cache; compare it with `local`.
    The legacy builder refuses `RUN --mount` (its supports() says so)."""

    source = CacheSource.mounts

    def supports(self, builder: str, scenario: Scenario) -> str | None:
        if not scenario.mounts_dockerfile:
            return (
                "the scenario has no cache-mount Dockerfile: set mounts_dockerfile in its bench.yaml "
                "or scenario.mounts_dockerfile=FILE"
            )
        return None

    def measured(self, job: CacheJob, request: BuildRequest) -> BuildRequest:
        dockerfile = str(job.request.context_dir) + "/" + str(job.scenario.mounts_dockerfile)
        return replace(request, dockerfile=dockerfile)


class OtherBuilderCache(CacheStrategy):
    """`cross-builder`: prime with the other builder on the same engine, measure with this one.

    The talk says the legacy builder and BuildKit do not share their caches: the measured build's
    cached-step count says whether that holds, so a build with no cache hit is the expected finding.
    """

    source = CacheSource.cross_builder
    expects_cache_hits = False
    _other: ClassVar[dict[str, str]] = {
        BuilderName.legacy.value: BuilderName.buildkit.value,
        BuilderName.buildkit.value: BuilderName.legacy.value,
    }

    def other(self, builder: str) -> str:
        return self._other[builder]

    def prime(self, job: CacheJob) -> Primed:
        other = job.builders.get(self.other(job.builder.name))
        if other is None:
            return Primed(error=f"cross-builder priming needs the {self.other(job.builder.name)} builder")
        reason = other.supports(job.request)
        if reason:
            return Primed(error=f"the {other.name} builder cannot prime this scenario: {reason}")
        return priming_build(other, job.request)
