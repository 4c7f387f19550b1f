"""C12, "`docker context` manages connections to several engines, including over SSH", from a sweep.

Each run records the engine it measured on (run.json: name, context, endpoint) and the daemon that
answered (environment: engine_id, the daemon's own ID). The claim is supported when one report's rows
come from two or more distinct daemons, each reached through its docker context, one of them over SSH
(an ssh:// endpoint), and every one of them produced measured builds. Two names for one daemon count once.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bench.report import cells as tables
from bench.report import formatting as fmt
from bench.report.verdicts import NOT_MEASURED, NOT_SUPPORTED, SUPPORTED, Claim, ClaimVerdict, Evidence
from bench.store.results import ResultsError, read_meta


def _engines_by_run(run_dirs: tuple[Path, ...]) -> dict[str, dict[str, str]]:
    """run_id -> the engine's name, context, endpoint and daemon ID, from each run's run.json."""
    found = {}
    for run_dir in run_dirs:
        try:
            meta = read_meta(run_dir)
        except ResultsError:
            continue
        engine = meta.engine
        found[meta.run_id] = {
            "name": engine.name,
            "context": engine.context,
            "endpoint": engine.host or "",
            "daemon": str(meta.environment.get("engine_id") or f"unknown ({engine.context})"),
        }
    return found


def check_c12(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """Supported: >=2 distinct daemons with ok measured builds, one over SSH; per engine its endpoint,
    daemon ID and builds ok."""
    engines = _engines_by_run(ev.run_dirs)
    meas = tables.measured(ev.builds)
    if meas.empty or not engines:
        return ClaimVerdict(
            claim, NOT_MEASURED, [f"no measured builds with an engine record; {claim.measured_by}"]
        )
    keys = pd.DataFrame([{"run_id": run_id, **info} for run_id, info in engines.items()])
    rows = meas.merge(keys, on="run_id", how="inner")
    numbers, ok_daemons, ssh_ok, ssh_seen = [], set(), False, False
    for (name, context, endpoint, daemon), group in rows.groupby(["name", "context", "endpoint", "daemon"]):
        ok = group[group["outcome"] == "ok"]
        over_ssh = endpoint.startswith("ssh://")
        ssh_seen |= over_ssh
        where = f"context {context}, {endpoint or 'local socket'}, daemon {daemon[:12]}"
        line = f"engine {name} ({where}): {len(ok)} of {len(group)} builds ok"
        if len(ok):
            ok_daemons.add(daemon)
            ssh_ok |= over_ssh
            line += f", median {fmt.seconds(float(ok['wall_s'].median()))} s"
        numbers.append(line)
    if rows["daemon"].nunique() < 2:
        return ClaimVerdict(claim, NOT_MEASURED, [*numbers, f"one engine only; {claim.measured_by}"])
    if not ssh_seen:
        return ClaimVerdict(claim, NOT_MEASURED, [*numbers, "no engine reached over SSH (an ssh:// context)"])
    if len(ok_daemons) >= 2 and ssh_ok and len(ok_daemons) == rows["daemon"].nunique():
        return ClaimVerdict(claim, SUPPORTED, numbers)
    return ClaimVerdict(claim, NOT_SUPPORTED, [*numbers, "an engine of the sweep produced no ok build"])
