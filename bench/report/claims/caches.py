"""C4, "the legacy builder and BuildKit do not share their build caches", from cache=cross-builder cells.

A cross-builder cell primes the engine with the other builder and then builds the same project: if the
caches were shared, its RUN/COPY/ADD steps would be taken from that cache. The same builder's `local`
cell is the control: it shows the project's steps are cacheable at all on this engine. The counting is
bench/analysis/shared_caches.py's, which the summary shows too.
"""

from __future__ import annotations

from bench.analysis.shared_caches import shared_cache_evidence, summary_lines
from bench.report import conditions
from bench.report.verdicts import NOT_MEASURED, Claim, ClaimVerdict, ConditionVerdict, Evidence, supported_if


def check_c4(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """Supported when no build warmed by the other builder took a single work step from the cache; a
    verdict per direction (BuildKit warmed by legacy, legacy warmed by BuildKit): mixed when one reuses."""
    found = shared_cache_evidence(ev.builds)
    crossed = [e for e in found if e.primed_by != e.builder]
    if not crossed:
        return ClaimVerdict(
            claim, NOT_MEASURED, [f"the run has no ok cache=cross-builder builds; {claim.measured_by}"]
        )
    numbers = summary_lines(found)
    reused = [e for e in crossed if e.most_cached_work_steps > 0]
    for e in reused:
        numbers.append(
            f"{e.scenario}: a {e.builder} build warmed by {e.primed_by} took {e.most_cached_work_steps}"
            " RUN/COPY/ADD steps from the cache"
        )
    several = len({e.scenario for e in crossed}) > 1
    found = [
        ConditionVerdict(
            f"{e.builder} warmed by {e.primed_by}",
            supported_if(e.most_cached_work_steps == 0),
            f"at most {e.most_cached_work_steps} of {e.work_steps} RUN/COPY/ADD steps cached"
            f" ({e.builds} builds)",
            e.scenario if several else "",
        )
        for e in crossed
    ]
    return ClaimVerdict(claim, conditions.overall(found), numbers, tuple(found), conditions.headline(found))
