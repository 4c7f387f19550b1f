"""C11, "docker-compose can build with BuildKit", from builds of a compose scenario (builders/compose.py).

Compose builds are the rows whose builder evidence starts with `compose:`: the output showed BuildKit's
progress lines (BuildKit) or the legacy builder's `Step N/M` lines. Supported when `docker compose build`
built the project under BuildKit; the legacy builder's builds of the same project are the comparison.
"""

from __future__ import annotations

import numpy as np

from bench.report import cells as tables
from bench.report import formatting as fmt
from bench.report.verdicts import NOT_MEASURED, Claim, ClaimVerdict, Evidence, supported_if

COMPOSE_EVIDENCE = "compose:"


def check_c11(claim: Claim, ev: Evidence) -> ClaimVerdict:
    meas = tables.measured(ev.builds)
    if meas.empty or "builder_evidence" not in meas.columns:
        return ClaimVerdict(claim, NOT_MEASURED, [claim.measured_by])
    evidence = meas["builder_evidence"].astype("object").fillna("").astype(str)
    compose = meas[evidence.str.startswith(COMPOSE_EVIDENCE)]
    if compose.empty:
        return ClaimVerdict(
            claim, NOT_MEASURED, [f"the run has no compose builds (scenario=compose); {claim.measured_by}"]
        )
    numbers = []
    for (scenario, cache, builder), rows in compose.groupby(["scenario", "cache", "builder"], sort=True):
        ok = rows[rows["outcome"] == "ok"]
        median = fmt.seconds(float(np.median(ok["wall_s"]))) if len(ok) else "-"
        steps = int(ok["steps_total"].max()) if len(ok) else 0
        detail = f"per-step data: {steps} steps" if steps else "whole build only"
        numbers.append(
            f"{scenario} cache={cache}: `docker compose build` with {builder}: {len(ok)} of {len(rows)}"
            f" builds ok, median {median} s ({detail})"
        )
    buildkit_ok = compose[(compose["builder"] == "buildkit") & (compose["outcome"] == "ok")]
    buildkit_all = compose[compose["builder"] == "buildkit"]
    if buildkit_all.empty:
        return ClaimVerdict(claim, NOT_MEASURED, [*numbers, "no compose build with BuildKit"])
    return ClaimVerdict(claim, supported_if(not buildkit_ok.empty), numbers)
