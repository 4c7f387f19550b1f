"""`local-dir`: BuildKit's cache exported to a directory (`type=local`), as CI systems that save and
restore a directory between jobs use it. Primed, exported, engine emptied again, then imported."""

from __future__ import annotations

from pathlib import Path

from bench.builders.records import BuildRequest
from bench.caches.base import CacheJob, CacheStrategy, Primed, priming_build, with_flags
from bench.scenario.definition import Scenario
from bench.vocabulary import BuilderName, CacheSource


class LocalDirCache(CacheStrategy):
    source = CacheSource.local_dir
    empties_engine = True
    stored_in = "directory"

    def supports(self, builder: str, scenario: Scenario) -> str | None:
        if builder != BuilderName.buildkit.value:
            return "--cache-to/--cache-from type=local need BuildKit (the legacy builder ignores them)"
        return None

    def cache_dir(self, job: CacheJob) -> Path:
        return job.workdir / "cache"

    def prime(self, job: CacheJob) -> Primed:
        cache_to = f"type=local,dest={self.cache_dir(job)},mode=max"
        return priming_build(job.builder, with_flags(job.request, "--cache-to", cache_to))

    def measured(self, job: CacheJob, request: BuildRequest) -> BuildRequest:
        return with_flags(request, "--cache-from", f"type=local,src={self.cache_dir(job)}")
