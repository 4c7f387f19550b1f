"""The claims of the talk (docs/claims.md) and the one place that assesses them all.

Each check takes the `Evidence` of a report and returns a `ClaimVerdict` (bench/report/verdicts.py):
"supported", "not supported", "mixed" (supported under some conditions of its data, not under others) or
"not measured" (the run has no cells that speak to it), with the numbers it rests on, a verdict per
condition (link, scenario...) and a headline that says where it holds (bench/report/conditions.py).
Checks live by topic in claims/<topic>.py (C1 builders, C2-C3 registry_caches, C4 caches, ...),
importing the types from verdicts.py; each is registered in `CHECKS` here. A claim without a check is
listed as not measured with what would measure it, never given a verdict.
"""

from __future__ import annotations

from bench.report.claims.builders import check_c1
from bench.report.claims.caches import check_c4
from bench.report.claims.compose import check_c11
from bench.report.claims.debug import check_c13
from bench.report.claims.engines import check_c12
from bench.report.claims.images import check_c8, check_c9, check_c10
from bench.report.claims.platforms import check_c7
from bench.report.claims.registry_caches import check_c2, check_c3
from bench.report.claims.secrets import check_c5
from bench.report.claims.ssh import check_c6
from bench.report.verdicts import (
    MIXED,
    NOT_MEASURED,
    NOT_SUPPORTED,
    SUPPORTED,
    Check,
    Claim,
    ClaimVerdict,
    Evidence,
    Verdict,
)

__all__ = [
    "CHECKS",
    "CLAIMS",
    "MIXED",
    "NOT_MEASURED",
    "NOT_SUPPORTED",
    "SUPPORTED",
    "Claim",
    "ClaimVerdict",
    "Evidence",
    "Verdict",
    "assess",
]


CLAIMS: tuple[Claim, ...] = (
    Claim(
        "C1",
        'BuildKit builds faster than the legacy builder "in many cases": stages run concurrently,'
        " unneeded stages are skipped",
        "same project, cold, both builders; per-step overlap; a target that skips a stage",
    ),
    Claim(
        "C2",
        "BuildKit pulls just the layers it needs of a previous image from a registry (cache from registry)",
        "inline and registry cache sources against a cold rebuild, engine truly empty",
    ),
    Claim(
        "C3",
        'Pulling the previous image is "significantly faster than redoing all the work"',
        "the same, over network profiles; where rebuilding wins",
    ),
    Claim(
        "C4",
        "The legacy builder and BuildKit do not share their build caches",
        "warm one builder, build with the other, count cached steps",
    ),
    Claim(
        "C5",
        "Build secrets mounted into a step are kept in memory and never written to image layers",
        "secret mount builds audited layer by layer, against the legacy patterns",
    ),
    Claim(
        "C6",
        "SSH agent forwarding gives a build step access to remote systems without the private key in the"
        " image",
        "a private git clone over SSH, audited",
    ),
    Claim(
        "C7",
        "buildx cross-builds images for other platforms",
        "emulated and cross-compiled builds that run and report the right architecture",
    ),
    Claim(
        "C8",
        "Both builders produce identical, or rather equivalent, images",
        "file-by-file and config comparison of the two final images",
    ),
    Claim(
        "C9",
        "`docker inspect` does not show that an image was built with BuildKit",
        "the image configs of both builders, field by field",
    ),
    Claim(
        "C10",
        "A test step can be a stage of a multi-stage build",
        "a test stage that fails the build when a test fails, timed as its own step",
    ),
    Claim(
        "C11",
        "docker-compose can build with BuildKit",
        "the same compose project built under both builders",
    ),
    Claim(
        "C12",
        "`docker context` manages connections to several engines, including over SSH",
        "one experiment run across engines, one over SSH",
    ),
    Claim(
        "C13",
        "A debug container sharing a container's PID and network namespaces inspects it without changing it",
        "the debug command sees the target's processes and sockets; the target is unchanged",
    ),
)


CHECKS: dict[str, Check] = {
    "C1": check_c1,
    "C2": check_c2,
    "C3": check_c3,
    "C4": check_c4,
    "C5": check_c5,
    "C6": check_c6,
    "C7": check_c7,
    "C8": check_c8,
    "C9": check_c9,
    "C10": check_c10,
    "C11": check_c11,
    "C12": check_c12,
    "C13": check_c13,
}


def assess(evidence: Evidence) -> list[ClaimVerdict]:
    """Every claim in order: checked when a check exists, else not measured with what would measure it."""
    out = []
    for claim in CLAIMS:
        check = CHECKS.get(claim.id)
        if check is None:
            out.append(
                ClaimVerdict(
                    claim,
                    NOT_MEASURED,
                    [f"bench has no check of this claim yet; what would measure it: {claim.measured_by}"],
                )
            )
        else:
            out.append(check(claim, evidence))
    return out
