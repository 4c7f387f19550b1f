"""C5 from audited rows: supported only when the secret mount is clean AND the audit found the leaks it
must find; a known leak the audit missed makes the run's clean results untrustworthy (not measured)."""

from __future__ import annotations

import pandas as pd

from bench.report.claims.registry import CHECKS, CLAIMS
from bench.report.claims.secrets import check_c5, location_kind
from bench.report.verdicts import NOT_MEASURED, NOT_SUPPORTED, SUPPORTED, Evidence

C5 = next(c for c in CLAIMS if c.id == "C5")
HISTORY = "bench-run/secrets:legacy-1 config history[2].created_by [abcd1234 plain]"
LAYER = "bench-run/secrets:legacy-2 layer 2/4 sha256:0123456789ab /tmp/token [abcd1234 plain]"
INTERMEDIATE = (
    "intermediate image (config sha256:aaaaaaaaaaaa) layer 2/2 sha256:0123456789ab /tmp/token [x plain]"
)


def _row(variant: str, builder: str, leaked: bool | None, locations=(), outcome: str = "ok") -> dict:
    return {
        "scenario": "secrets",
        "variant": variant,
        "builder": builder,
        "outcome": outcome,
        "warmup": False,
        "leaked": leaked,
        "leak_locations": list(locations) if leaked is not None else None,
        "error_tail": "--secret needs BuildKit" if outcome == "unsupported" else None,
    }


def _evidence(rows: list[dict]) -> Evidence:
    empty = pd.DataFrame()
    return Evidence(pd.DataFrame(rows), empty, empty, empty)


def _good_rows() -> list[dict]:
    return [
        _row("buildkit-secret", "buildkit", False),
        _row("buildkit-secret", "buildkit", False),
        _row("buildkit-secret", "legacy", None, outcome="unsupported"),
        _row("build-arg", "legacy", True, [HISTORY]),
        _row("build-arg", "buildkit", True, [HISTORY]),
        _row("copy-delete", "legacy", True, [LAYER]),
        _row("earlier-stage", "legacy", True, [INTERMEDIATE]),
        _row("earlier-stage", "buildkit", False),
    ]


def test_c5_is_registered() -> None:
    assert CHECKS["C5"] is check_c5


def test_supported_when_the_mount_is_clean_and_the_known_leaks_are_found() -> None:
    verdict = check_c5(C5, _evidence(_good_rows()))
    assert verdict.verdict == SUPPORTED
    text = "\n".join(verdict.numbers)
    assert "build-arg (legacy): leaks, 1 of 1 audited builds in config history[].created_by" in text
    assert "copy-delete (legacy): leaks, 1 of 1 audited builds in image layer: /tmp/token" in text
    assert "earlier-stage (legacy): leaks" in text and "intermediate image layer: /tmp/token" in text
    assert "buildkit-secret (buildkit): clean, 0 of 2" in text
    assert "buildkit-secret (legacy): unsupported" in text


def test_not_supported_when_a_secret_mount_build_leaked() -> None:
    rows = _good_rows()
    rows[0] = _row("buildkit-secret", "buildkit", True, [LAYER])
    assert check_c5(C5, _evidence(rows)).verdict == NOT_SUPPORTED


def test_a_missed_known_leak_is_an_audit_failure_not_a_clean_result() -> None:
    rows = _good_rows()
    rows[5] = _row("copy-delete", "legacy", False)
    verdict = check_c5(C5, _evidence(rows))
    assert verdict.verdict == NOT_MEASURED
    assert "the audit missed a leak it must find in copy-delete (legacy)" in verdict.numbers[-1]
    rows[5] = _row("copy-delete", "legacy", True, [HISTORY])  # found, but not where it must be
    assert check_c5(C5, _evidence(rows)).verdict == NOT_MEASURED


def test_not_measured_without_audited_rows() -> None:
    assert check_c5(C5, _evidence([_row("build-arg", "legacy", True, [HISTORY])])).verdict == NOT_MEASURED
    no_columns = pd.DataFrame([{"scenario": "tiny", "builder": "legacy", "outcome": "ok", "warmup": False}])
    empty = pd.DataFrame()
    assert check_c5(C5, Evidence(no_columns, empty, empty, empty)).verdict == NOT_MEASURED


def test_location_kinds() -> None:
    assert location_kind(HISTORY) == "config history[].created_by"
    assert location_kind(LAYER) == "image layer: /tmp/token"
    assert location_kind(INTERMEDIATE) == "intermediate image layer: /tmp/token"


def test_engine_storage_counts_only_files_new_in_the_build() -> None:
    rows = _good_rows()
    for row in rows:
        row["engine_leak_locations"] = [
            "engine storage buildkit/history.db (held it before this build; x) [a b]"
        ]
    rows[3]["engine_leak_locations"] = ["engine storage snapshots/5/fs/tmp/token [a plain]"]
    text = "\n".join(check_c5(C5, _evidence(rows)).numbers)
    assert "build-arg (legacy): leaks, 1 of 1 audited builds in config history[].created_by;" in text
    assert "build-arg (legacy): leaks" in text and "gained files holding it in 1 of them" in text
    assert (
        "buildkit-secret (buildkit): clean, 0 of 2 audited builds; the engine's data root gained files"
        in text
    )
    assert "holding it in 0 of them" in text
    assert location_kind("daemon log /run/x/dockerd.log line 4 [a plain]") == "daemon log"
