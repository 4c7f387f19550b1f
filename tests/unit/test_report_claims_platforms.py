"""C4 (caches not shared across builders) and C7 (cross-builds) verdicts from build rows."""

from __future__ import annotations

import pandas as pd

from bench import platforms
from bench.report.claims.caches import check_c4
from bench.report.claims.platforms import check_c7, dockerfile_of
from bench.report.claims.registry import CLAIMS
from bench.report.verdicts import MIXED, NOT_MEASURED, NOT_SUPPORTED, SUPPORTED, Evidence

C4, C7 = (next(c for c in CLAIMS if c.id == i) for i in ("C4", "C7"))


def _row(builder: str, cache: str, work_cached: int, **extra) -> dict:
    return {
        "scenario": "tiny",
        "builder": builder,
        "cache": cache,
        "change": "source",
        "platform": "native",
        "warmup": False,
        "outcome": "ok",
        "wall_s": 3.0,
        "steps_cached": work_cached + 1,
        "work_steps_cached": work_cached,
        "work_steps_total": 5,
        "argv": ["docker", "build", "--file", "/tmp/ctx/Dockerfile", "/tmp/ctx"],
        "error_tail": None,
        **extra,
    }


def _evidence(rows: list[dict]) -> Evidence:
    empty = pd.DataFrame()
    return Evidence(pd.DataFrame(rows), empty, empty, empty)


def test_c4_supported_when_no_work_step_came_from_the_other_builder() -> None:
    rows = [_row(b, "cross-builder", 0) for b in ("legacy", "buildkit") for _ in range(3)]
    rows += [_row("buildkit", "local", 4) for _ in range(3)]
    verdict = check_c4(C4, _evidence(rows))
    assert verdict.verdict == SUPPORTED
    text = "\n".join(verdict.numbers)
    assert "tiny: buildkit warmed by legacy: 0 of 5 RUN/COPY/ADD steps cached (median of 3)" in text
    assert "tiny: buildkit warmed by buildkit: 4 of 5 RUN/COPY/ADD steps cached" in text
    assert verdict.headline == "supported on buildkit warmed by legacy and legacy warmed by buildkit"


def test_c4_is_mixed_when_one_direction_reuses_the_others_cache() -> None:
    rows = [_row("legacy", "cross-builder", 0) for _ in range(3)]
    rows += [_row("buildkit", "cross-builder", 2) for _ in range(3)]
    verdict = check_c4(C4, _evidence(rows))
    assert verdict.verdict == MIXED
    assert verdict.headline == "supported on legacy warmed by buildkit, not on buildkit warmed by legacy"
    assert verdict.conditions[0].figure == "at most 2 of 5 RUN/COPY/ADD steps cached (3 builds)"


def test_c4_not_supported_when_one_build_reused_the_other_builders_cache() -> None:
    rows = [_row("buildkit", "cross-builder", 0) for _ in range(2)] + [_row("buildkit", "cross-builder", 2)]
    verdict = check_c4(C4, _evidence(rows))
    assert verdict.verdict == NOT_SUPPORTED
    assert "a buildkit build warmed by legacy took 2 RUN/COPY/ADD steps" in verdict.numbers[-1]


def test_c4_not_measured_without_cross_builder_rows_or_with_v1_rows() -> None:
    assert check_c4(C4, _evidence([_row("buildkit", "local", 3)])).verdict == NOT_MEASURED
    v1 = _row("buildkit", "cross-builder", 0, work_steps_cached=None, work_steps_total=None)
    assert check_c4(C4, _evidence([v1])).verdict == NOT_MEASURED


def _foreign(builder: str, outcome: str, dockerfile: str, platform: str = "linux/arm64") -> dict:
    return _row(
        builder,
        "none",
        0,
        platform=platform,
        outcome=outcome,
        argv=["docker", "buildx", "build", "--file", f"/tmp/ctx/{dockerfile}", "/tmp/ctx"],
        error_tail=None if outcome == "ok" else "image reports x86_64, wanted aarch64",
    )


def test_c7_supported_by_verified_foreign_buildkit_builds_per_strategy() -> None:
    rows = [_foreign("buildkit", "ok", "Dockerfile.cross"), _foreign("buildkit", "ok", "Dockerfile.emulate")]
    rows += [_foreign("legacy", "failed", "Dockerfile.emulate"), _row("buildkit", "none", 0)]
    verdict = check_c7(C7, _evidence(rows))
    assert verdict.verdict == SUPPORTED
    text = "\n".join(verdict.numbers)
    assert "buildkit linux/arm64 (Dockerfile.cross): 1 of 1 builds ok and verified" in text
    assert (
        "legacy linux/arm64 (Dockerfile.emulate): 0 of 1 builds ok and verified; failed: image reports x86_64"
        in text
    )
    assert "native" not in text
    assert verdict.headline == "supported for Dockerfile.cross and Dockerfile.emulate on linux/arm64"


def test_c7_names_the_platforms_it_holds_on() -> None:
    rows = [
        _foreign("buildkit", "ok", "Dockerfile"),
        _foreign("buildkit", "failed", "Dockerfile", "linux/s390x"),
    ]
    verdict = check_c7(C7, _evidence(rows))
    assert verdict.verdict == SUPPORTED  # one verified platform is a cross-build; the headline says where
    assert verdict.headline == "supported on linux/arm64, not on linux/s390x"
    assert [(c.condition, c.verdict, c.figure) for c in verdict.conditions] == [
        ("linux/arm64", SUPPORTED, "1 of 1 builds ok and verified"),
        ("linux/s390x", NOT_SUPPORTED, "0 of 1 builds ok and verified"),
    ]


def test_c7_not_supported_when_every_foreign_buildkit_build_failed_and_host_is_not_foreign() -> None:
    rows = [_foreign("buildkit", "failed", "Dockerfile"), _foreign("buildkit", "ok", "Dockerfile", "")]
    rows[1]["platform"] = platforms.host_platform()
    assert check_c7(C7, _evidence(rows)).verdict == NOT_SUPPORTED
    assert check_c7(C7, _evidence([_row("buildkit", "none", 0)])).verdict == NOT_MEASURED


def test_dockerfile_of_reads_the_file_flag() -> None:
    assert dockerfile_of(["docker", "build", "-f", "/x/Dockerfile.cross", "."]) == "Dockerfile.cross"
    assert dockerfile_of(None) is None
