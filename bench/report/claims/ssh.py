"""C6 "SSH agent forwarding gives a build step access to remote systems without the private key in the
image", from the audited rows of the ssh scenario (scenarios/ssh: `leaked`, `leak_locations`,
`clone_verified` per build).

Both halves are measured: access (the BuildKit SSH-mount builds' images hold the run's private repository)
and absence (their audit is clean). A clean audit counts only when the same run shows the audit finding
the key where the copy-key pattern must leave it (a layer); otherwise it cannot be trusted.
"""

from __future__ import annotations

import pandas as pd

from bench.report import cells as tables
from bench.report.claims.secrets import audited_rows, missed_leaks, variant_line
from bench.report.verdicts import NOT_MEASURED, Claim, ClaimVerdict, Evidence, supported_if

SSH_MOUNT = "buildkit-ssh"
#: the legacy pattern that leaks by construction, and the kind of location the audit must report for it
MUST_LEAK: dict[str, str] = {"copy-key": "layer"}
VARIANTS = (SSH_MOUNT, "no-ssh", *MUST_LEAK, "copy-key-earlier-stage")
HOW = "(scenario=ssh: bench run experiment=ssh)"


def _cloned(rows: pd.DataFrame) -> int:
    if "clone_verified" not in rows.columns:
        return 0
    return int(rows["clone_verified"].map(lambda v: v is True or v == True).sum())  # noqa: E712


def check_c6(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """Supported when every BuildKit SSH-mount build cloned (the repository is in its image) and audited
    clean, and the audit found the copied key in a layer for every copy-key build."""
    if not {"variant", "leaked", "leak_locations"} <= set(ev.builds.columns):
        return ClaimVerdict(claim, NOT_MEASURED, [f"no audited builds; {claim.measured_by} {HOW}"])
    audited = audited_rows(ev)
    audited = audited[audited["variant"].isin(VARIANTS)]
    numbers = [
        f"{variant_line(str(variant), str(builder), rows)}; clone in the image in {_cloned(rows)}"
        for (variant, builder), rows in audited.groupby(["variant", "builder"], sort=True)
    ]
    measured = tables.measured(ev.builds)
    unsupported = measured[measured["variant"].isin(VARIANTS) & (measured["outcome"] == "unsupported")]
    for (variant, builder), rows in unsupported.groupby(["variant", "builder"], sort=True):
        reason = str(rows["error_tail"].dropna().iloc[0]) if rows["error_tail"].notna().any() else ""
        numbers.append(f"{variant} ({builder}): unsupported: {reason[:160]}")
    mounted = audited[(audited["variant"] == SSH_MOUNT) & (audited["builder"] == "buildkit")]
    controls = audited[audited["variant"].isin(list(MUST_LEAK))]
    if mounted.empty or controls.empty:
        missing = "BuildKit SSH-mount builds" if mounted.empty else "builds of the copy-key pattern"
        return ClaimVerdict(
            claim, NOT_MEASURED, [*numbers, f"no audited {missing}; {claim.measured_by} {HOW}"]
        )
    if _cloned(mounted) < len(mounted):
        return ClaimVerdict(
            claim,
            NOT_MEASURED,
            [*numbers, "the run's repository is missing from some SSH-mount images: access is not shown"],
        )
    missed = missed_leaks(controls, MUST_LEAK)
    if missed:
        return ClaimVerdict(
            claim,
            NOT_MEASURED,
            [
                *numbers,
                f"the audit missed the copied key in a layer of {', '.join(missed)}: its clean results cannot"
                " be trusted",
            ],
        )
    clean = not mounted["leaked"].astype(bool).any()
    return ClaimVerdict(claim, supported_if(clean), numbers)
