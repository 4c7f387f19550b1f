"""C5 "build secrets mounted into a step are kept in memory and never written to image layers", from the
audited rows of the secrets scenario (scenarios/secrets: `leaked`, `leak_locations` per build).

The check trusts a clean audit only when the same run shows the audit finding the leaks it must find:
the build-arg pattern in the image config's history, the copy-then-delete pattern in a layer. A pattern
that should leak and is not found is a failure of the audit, never a success of the pattern.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from bench.audit.leaks import UNTAGGED
from bench.report import cells as tables
from bench.report.verdicts import NOT_MEASURED, Claim, ClaimVerdict, Evidence, supported_if

SECRET_MOUNT = "buildkit-secret"
#: Legacy patterns that leak by construction, and the kind of location the audit must report for them.
MUST_LEAK: dict[str, str] = {"build-arg": "config history", "copy-delete": "layer"}


def location_kind(location: str) -> str:
    """`... config history[2].created_by [fp enc]` -> `config history[].created_by`;
    `intermediate image (config ...) layer 2/3 sha256:... /tmp/token [..]`
    -> `intermediate image layer: /tmp/token`; `daemon log ...` stays as it is."""
    where = location.rsplit(" [", 1)[0]
    if where.startswith("daemon log"):
        return "daemon log"
    if " config " in where:
        return "config " + re.sub(r"\[\d+\]", "[]", where.split(" config ", 1)[1])
    match = re.search(r" layer \d+/\d+ \S+ (.*)$", where)
    if match:
        owner = "intermediate image" if where.startswith(UNTAGGED) else "image"
        return f"{owner} layer: {match.group(1)}"
    return where


def audited_rows(ev: Evidence) -> pd.DataFrame:
    builds = tables.measured(ev.builds)
    return builds[builds["variant"].notna() & builds["leaked"].notna() & (builds["outcome"] == "ok")]


def _kinds(rows: pd.DataFrame) -> list[str]:
    found: dict[str, None] = {}
    for locations in rows["leak_locations"]:
        for location in locations if isinstance(locations, list) else []:
            found[location_kind(str(location))] = None
    return list(found)


def variant_line(variant: str, builder: str, rows: pd.DataFrame) -> str:
    leaked = int(rows["leaked"].astype(bool).sum())
    kinds = _kinds(rows)
    where = f" in {'; '.join(kinds[:4])}" if kinds else ""
    verb = "leaks" if leaked else "clean"
    line = f"{variant} ({builder}): {verb}, {leaked} of {len(rows)} audited builds{where}"
    if "engine_leak_locations" in rows.columns:
        added = sum(1 for found in rows["engine_leak_locations"] if _new_files(found))
        line += f"; the engine's data root gained files holding it in {added} of them"
    return line


def _new_files(found: object) -> list[str]:
    """Engine files that came to hold the secret in that build (not those that held it already)."""
    return [f for f in found if "(held it before" not in str(f)] if isinstance(found, list) else []


def leaked_with_kind(rows: pd.DataFrame, kind: str) -> bool:
    """Every audited build of the pattern leaked, with a location of the required kind."""
    for _, row in rows.iterrows():
        locations: Any = row["leak_locations"] if isinstance(row["leak_locations"], list) else []
        if not bool(row["leaked"]) or not any(kind in location_kind(str(loc)) for loc in locations):
            return False
    return True


def missed_leaks(controls: pd.DataFrame, must_leak: dict[str, str]) -> list[str]:
    """ "variant (builder)" for each pattern that must leak where the audit found no leak of that kind:
    the audit's clean results cannot be trusted then."""
    return [
        f"{variant} ({builder})"
        for variant, kind in must_leak.items()
        for builder, rows in controls[controls["variant"] == variant].groupby("builder", sort=True)
        if not leaked_with_kind(rows, kind)
    ]


def check_c5(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """Supported when every BuildKit secret-mount build audited clean and the audit found each pattern
    that must leak, where it must; not measured without both kinds of rows."""
    if not {"variant", "leaked", "leak_locations"} <= set(ev.builds.columns):
        return ClaimVerdict(
            claim, NOT_MEASURED, [f"no audited builds; {claim.measured_by} (scenario=secrets)"]
        )
    audited = audited_rows(ev)
    mounted = audited[(audited["variant"] == SECRET_MOUNT) & (audited["builder"] == "buildkit")]
    controls = audited[audited["variant"].isin(list(MUST_LEAK))]
    numbers = [
        variant_line(str(variant), str(builder), rows)
        for (variant, builder), rows in audited.groupby(["variant", "builder"], sort=True)
    ]
    unsupported = tables.measured(ev.builds)
    unsupported = unsupported[unsupported["variant"].notna() & (unsupported["outcome"] == "unsupported")]
    for (variant, builder), rows in unsupported.groupby(["variant", "builder"], sort=True):
        reason = str(rows["error_tail"].dropna().iloc[0]) if rows["error_tail"].notna().any() else ""
        numbers.append(f"{variant} ({builder}): unsupported: {reason[:160]}")
    if mounted.empty or controls.empty:
        missing = "BuildKit secret-mount builds" if mounted.empty else "builds of the leaking legacy patterns"
        return ClaimVerdict(
            claim, NOT_MEASURED, [*numbers, f"no audited {missing}; {claim.measured_by} (scenario=secrets)"]
        )
    missed = missed_leaks(controls, MUST_LEAK)
    if missed:
        return ClaimVerdict(
            claim,
            NOT_MEASURED,
            [
                *numbers,
                f"the audit missed a leak it must find in {', '.join(missed)} (expected: "
                + "; ".join(f"{v} in the {k}" for v, k in MUST_LEAK.items())
                + "): its clean results cannot be trusted",
            ],
        )
    clean = not mounted["leaked"].astype(bool).any()
    return ClaimVerdict(claim, supported_if(clean), numbers)
