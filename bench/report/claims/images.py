"""C8 "both builders produce equivalent images" and C9 "`docker inspect` does not show that an image was
built with BuildKit", from the equivalence.json a run writes when it built one configuration with both
builders (bench/audit/run_equivalence.py); C10 "a test step can be a stage of a multi-stage build", from
the step rows of a stage called `test` and from `change=test` cells (a deliberately broken test)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bench.audit.equivalence import verdict_word
from bench.audit.run_equivalence import read_equivalence
from bench.report import cells as tables
from bench.report import formatting as fmt
from bench.report.verdicts import NOT_MEASURED, Claim, ClaimVerdict, Evidence, supported_if

TEST_STAGE = "test"  # the stage name a scenario's test stage has (scenarios/multistage)
TEST_CHANGE = "test"  # change=test: the scenario's failing_test is applied before the measured build


def _pairs(ev: Evidence) -> list[dict[str, Any]]:
    pairs = []
    for run_dir in ev.run_dirs:
        found = read_equivalence(run_dir)
        pairs += (found or {}).get("pairs", [])
    return pairs


def _classes(pair: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in pair["differences_by_class"].items()) or "none"


def _over_pairs(
    claim: Claim,
    ev: Evidence,
    lines: Callable[[dict[str, Any]], list[str]],
    supported: Callable[[list[dict[str, Any]]], bool],
) -> ClaimVerdict:
    """A verdict over every configuration the runs built with both builders (equivalence.json), with the
    lines of each pair as its numbers; not measured when no run compared the two builders' images."""
    pairs = _pairs(ev)
    if not pairs:
        why = f"no run compared the two builders' images (equivalence.json); {claim.measured_by}"
        return ClaimVerdict(claim, NOT_MEASURED, [why])
    numbers = [line for pair in pairs for line in lines(pair)]
    return ClaimVerdict(claim, supported_if(supported(pairs)), numbers)


def _equivalence_lines(pair: dict[str, Any]) -> list[str]:
    files = pair["files"]
    return [
        f"{pair['key']}: legacy (build {pair['a']['seq']}) vs BuildKit (build {pair['b']['seq']}):"
        f" {verdict_word(pair)}; {files['compared']} paths, {files['only_a']} only in legacy,"
        f" {files['only_b']} only in BuildKit,"
        f" {files['changed']} differ, {files['mtime_only']} differ in mtime only; differences by class:"
        f" {_classes(pair)}",
        *[f"  differs: {c['path']} {c['differs']}" for c in files["changed_paths"][:5]],
        *[
            f"  config {f['field']}: {f['a']!r} (legacy) vs {f['b']!r} (BuildKit)"
            for f in pair["fields"]
            if f["class"] == "config"
        ][:5],
    ]


def check_c8(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """Supported when every configuration built by both builders gave images with the same files (type,
    mode, owner, size, content, link target) and config; mtimes, ids, history and metadata may differ."""
    return _over_pairs(claim, ev, _equivalence_lines, lambda pairs: all(p["equivalent"] for p in pairs))


def _inspect_lines(pair: dict[str, Any]) -> list[str]:
    tells = "; ".join(
        f"{t['field']} {t['a']!r} (legacy) vs {t['b']!r} (BuildKit)" for t in pair["inspect_tells"]
    )
    return [f"{pair['key']}: docker inspect fields that tell the builders apart: {tells or 'none'}"]


def check_c9(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """Not supported when a field of `docker image inspect` differs in a way that names BuildKit or that one
    builder fills and the other leaves empty; ids, dates and layer digests differ between any two builds."""
    return _over_pairs(
        claim, ev, _inspect_lines, lambda pairs: not any(p["inspect_reveals_builder"] for p in pairs)
    )


def _test_steps(ev: Evidence, builds) -> Any:
    keys = builds[["run_id", "seq"]].drop_duplicates()
    steps = ev.steps.merge(keys, on=["run_id", "seq"], how="inner")
    return steps[(steps["stage"] == TEST_STAGE) & steps["name"].str.upper().str.startswith("RUN")]


def check_c10(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """Supported when the test stage's RUN is timed as its own step in ok builds and every build of a
    `change=test` cell (one test deliberately broken) failed, at a step of the test stage."""
    meas = tables.measured(ev.builds)
    if ev.steps.empty or meas.empty:
        return ClaimVerdict(claim, NOT_MEASURED, [claim.measured_by])
    numbers: list[str] = []
    timed = False
    for builder, rows in meas[meas["outcome"] == "ok"].groupby("builder", sort=True):
        steps = _test_steps(ev, rows)
        uncached = steps[~steps["cached"].fillna(False).astype(bool) & steps["duration_s"].notna()]
        if uncached.empty:
            continue
        timed = True
        n_builds = len(uncached[["run_id", "seq"]].drop_duplicates())
        numbers.append(
            f"{builder}: the `{TEST_STAGE}` stage's RUN step ran in {n_builds}"
            f" ok builds, median {fmt.seconds(float(np.median(uncached['duration_s'])))} s"
        )
    broken = meas[meas["change"] == TEST_CHANGE]
    failed_at_test = 0
    for builder, rows in broken.groupby("builder", sort=True):
        failing = ev.steps.merge(rows[["run_id", "seq"]], on=["run_id", "seq"], how="inner")
        failing = failing[failing["error"].notna()]
        at_test = failing[failing["stage"] == TEST_STAGE][["run_id", "seq"]].drop_duplicates()
        failed = int((rows["outcome"] == "failed").sum())
        failed_at_test += len(at_test)
        numbers.append(
            f"{builder} change=test (a test broken): {failed} of {len(rows)} builds failed,"
            f" {len(at_test)} at a step of the `{TEST_STAGE}` stage"
        )
    if not timed:
        return ClaimVerdict(claim, NOT_MEASURED, [*numbers, f"no ok build ran a `{TEST_STAGE}` stage"])
    if broken.empty:
        return ClaimVerdict(
            claim,
            NOT_MEASURED,
            [*numbers, "no change=test cells: a failing test was not tried (bench run change=test)"],
        )
    ok = failed_at_test == len(broken) and bool((broken["outcome"] == "failed").all())
    return ClaimVerdict(claim, supported_if(ok), numbers)
