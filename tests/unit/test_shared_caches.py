"""The separate-caches evidence from build rows."""

from __future__ import annotations

import pandas as pd

from bench.analysis.shared_caches import shared_cache_evidence, summary_lines


def test_cached_work_steps_are_counted_per_priming_builder() -> None:
    base = {"scenario": "s", "builder": "buildkit", "outcome": "ok", "warmup": False, "work_steps_total": 2}
    builds = pd.DataFrame(
        [
            {**base, "seq": 0, "cache": "local", "work_steps_cached": 2},
            {**base, "seq": 1, "cache": "cross-builder", "work_steps_cached": 0},
            {**base, "seq": 2, "cache": "none", "work_steps_cached": 0},
        ]
    )
    other, local = shared_cache_evidence(builds)  # sorted by cache: cross-builder, local
    assert (local.primed_by, local.work_steps, local.cached_work_steps, local.verdict) == (
        "buildkit", 2, 2, "reused"
    )  # fmt: skip
    assert (other.primed_by, other.cached_work_steps, other.verdict) == ("legacy", 0, "not reused")
    assert "warmed by legacy: 0 of 2" in summary_lines([other])[0]
