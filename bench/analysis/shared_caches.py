"""Do the legacy builder and BuildKit share their build caches? (claim C4, experiment separate-caches)

Each builder is warmed by itself (`cache=local`) and by the other builder (`cache=cross-builder`) on the
same engine, identical input. The evidence is the count of cached Dockerfile steps that do work
(RUN, COPY, ADD: a cached FROM only says the base image was already there): if the caches were shared,
a build warmed by the other builder would reuse about as many steps as one warmed by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class SharedCacheEvidence:
    scenario: str
    builder: str  # the measured builder
    primed_by: str  # the builder that warmed the engine
    builds: int
    work_steps: int  # RUN/COPY/ADD steps of one measured build (median)
    cached_work_steps: int  # of which cached (median)
    most_cached_work_steps: int  # of which cached, in the build that reused most

    @property
    def verdict(self) -> str:
        if self.work_steps == 0:
            return "no work steps"
        return "reused" if self.cached_work_steps else "not reused"


def shared_cache_evidence(builds: pd.DataFrame) -> list[SharedCacheEvidence]:
    """One entry per (scenario, measured builder, priming builder) from `local` and `cross-builder` rows
    (their work_steps_total / work_steps_cached columns: RUN, COPY and ADD steps)."""
    import numpy as np

    if "work_steps_cached" not in builds:
        return []

    other = {"legacy": "buildkit", "buildkit": "legacy"}
    rows = builds[(builds["outcome"] == "ok") & ~builds["warmup"].astype(bool)]
    rows = rows[rows["cache"].isin(["local", "cross-builder"])]
    rows = rows[rows["work_steps_total"].notna() & rows["work_steps_cached"].notna()]  # v1 rows lack them
    found = []
    for (scenario, builder, cache), group in rows.groupby(["scenario", "builder", "cache"], sort=True):
        counts = list(zip(group["work_steps_total"], group["work_steps_cached"], strict=True))
        found.append(
            SharedCacheEvidence(
                scenario=str(scenario),
                builder=str(builder),
                primed_by=str(builder) if cache == "local" else other.get(str(builder), "?"),
                builds=len(counts),
                work_steps=int(np.median([c[0] for c in counts])),
                cached_work_steps=int(np.median([c[1] for c in counts])),
                most_cached_work_steps=int(max(c[1] for c in counts)),
            )
        )
    return found


def summary_lines(found: list[SharedCacheEvidence]) -> list[str]:
    """Plain sentences, one per measured builder and priming builder."""
    return [
        f"{e.scenario}: {e.builder} warmed by {e.primed_by}: {e.cached_work_steps} of {e.work_steps} "
        f"RUN/COPY/ADD steps cached (median of {e.builds}) -> {e.verdict}"
        for e in found
    ]
