"""Verdicts that say where they hold: a verdict per condition (link, scenario), the headline that names
them, and the link rate where a speedup crosses 1, on synthetic runs whose medians are known exactly."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from report_runs import COLD_WIN, write_run
from rich.console import Console

from bench.report import conditions
from bench.report.claims import registry as claims
from bench.report.export.terminal import print_blocks
from bench.report.model import build_report
from bench.report.sections.talk import claims as talk_section
from bench.report.verdicts import ConditionVerdict
from bench.store.results import load

N = 499


def _spread(median: float) -> list[float]:
    """Five times whose median is exactly `median`, tight enough for a decided interval."""
    return [median, median + 0.1, median - 0.1, median + 0.2, median - 0.2]


def _links(tmp_path: Path, speeds: dict[tuple[str, float | None], tuple[float, float]]):
    """One run per link, (cold median, registry-max median) each, merged into one report."""
    runs = [
        load(
            write_run(
                tmp_path / name,
                {("buildkit", "none"): _spread(cold), ("buildkit", "registry-max"): _spread(cached)},
                run_id=f"run-{name}",
                link=(name, rate),
            )
        )
        for (name, rate), (cold, cached) in speeds.items()
    ]
    return build_report(runs, n_resamples=N)


def _claim(report, claim_id: str) -> claims.ClaimVerdict:
    return next(v for v in report.claims if v.claim.id == claim_id)


def test_c3_mixed_across_links_names_where_it_holds_and_the_crossover(tmp_path: Path) -> None:
    # speedups 2.0 (loopback), 1.5 (200 Mbit/s), 0.75 (50 Mbit/s): in 1/rate, 1.5 at 0.005 and 0.75 at
    # 0.02 cross 1 at 0.005 + (0.5 / 0.75) * 0.015 = 0.015, i.e. 66.7 Mbit/s
    report = _links(
        tmp_path,
        {("wan", 50.0): (30.0, 40.0), ("loopback", None): (20.0, 10.0), ("cloud", 200.0): (24.0, 16.0)},
    )
    c3 = _claim(report, "C3")
    assert c3.verdict == claims.MIXED
    assert c3.headline == (
        "supported on loopback and cloud (200 Mbit/s), not on wan (50 Mbit/s) (crossover ~67 Mbit/s)"
    )
    assert [(c.condition, c.verdict, c.group) for c in c3.conditions] == [
        ("loopback", claims.SUPPORTED, ""),
        ("cloud (200 Mbit/s)", claims.SUPPORTED, ""),
        ("wan (50 Mbit/s)", claims.NOT_SUPPORTED, ""),
    ]
    assert c3.conditions[0].figure.startswith("2.00x 95% CI [")
    assert c3.conditions[2].figure.startswith("0.75x 95% CI [")
    assert any("interpolated linearly in 1/rate" in n for n in c3.numbers)
    # C2 holds on every link: each registry build took steps from the cache on a clean engine
    c2 = _claim(report, "C2")
    assert c2.verdict == claims.SUPPORTED
    assert c2.headline == "supported on loopback, cloud (200 Mbit/s) and wan (50 Mbit/s)"
    assert [c.figure for c in c2.conditions] == [
        "5 of 5 builds took steps from the cache (median 2 cached steps); 0 started on an engine that was"
        " not empty"
    ] * 3


def test_c3_supported_on_every_link_has_no_crossover(tmp_path: Path) -> None:
    report = _links(
        tmp_path,
        {("loopback", None): (20.0, 10.0), ("cloud", 200.0): (24.0, 16.0), ("wan", 50.0): (30.0, 25.0)},
    )
    c3 = _claim(report, "C3")
    assert c3.verdict == claims.SUPPORTED
    assert c3.headline == "supported on loopback, cloud (200 Mbit/s) and wan (50 Mbit/s)"
    assert not any("crossover" in n for n in c3.numbers)


def test_one_condition_reads_as_before_with_the_condition_named(tmp_path: Path) -> None:
    times = {("buildkit", "none"): [10.0, 10.2, 9.9, 10.1], ("buildkit", "registry"): [4.0, 4.1, 3.9, 4.2]}
    report = build_report([load(write_run(tmp_path / "c3", times))], n_resamples=N)
    c3 = _claim(report, "C3")
    assert c3.verdict == claims.SUPPORTED and c3.headline == "supported on loopback"
    assert len(c3.conditions) == 1 and c3.conditions[0].figure.startswith("2.48x 95% CI")
    c1 = _claim(build_report([load(write_run(tmp_path / "c1", COLD_WIN))], n_resamples=N), "C1")
    assert c1.verdict == claims.SUPPORTED and c1.headline == "supported on multistage"
    # the report shows the word and the condition, and no table for a single condition
    blocks = talk_section(report, [])
    assert any(getattr(b, "text", "") == "**C3:** **supported** on loopback." for b in blocks)
    assert not any(getattr(b, "headers", None) == ["condition", "verdict", "figure"] for b in blocks)


def test_c1_across_scenarios_is_supported_where_buildkit_wins(tmp_path: Path) -> None:
    lose = {("legacy", "none"): _spread(10.0), ("buildkit", "none"): _spread(15.0)}
    runs = [
        load(write_run(tmp_path / "a", COLD_WIN, run_id="a", scenario="multistage")),
        load(write_run(tmp_path / "b", lose, run_id="b", scenario="tiny")),
    ]
    c1 = _claim(build_report(runs, n_resamples=N), "C1")
    assert c1.verdict == claims.SUPPORTED  # "in many cases": one scenario suffices; the headline says which
    assert c1.headline == "supported on multistage, not on tiny"
    assert [(c.condition, c.verdict) for c in c1.conditions] == [
        ("multistage", claims.SUPPORTED),
        ("tiny", claims.NOT_SUPPORTED),
    ]


def test_the_breakdown_is_a_table_in_every_format(tmp_path: Path) -> None:
    # 2.0 on loopback (1/rate 0), 0.5 at 50 Mbit/s (0.02): 1 is crossed at 1/rate 0.02 / 1.5, 75 Mbit/s
    report = _links(tmp_path, {("loopback", None): (20.0, 10.0), ("wan", 50.0): (30.0, 60.0)})
    blocks = talk_section(report, [])
    tables = [b for b in blocks if getattr(b, "headers", None) == ["condition", "verdict", "figure"]]
    assert len(tables) == 2  # C2 and C3
    assert [row[:2] for row in tables[1].rows] == [
        ["loopback", "supported"],
        ["wan (50 Mbit/s)", "not supported"],
    ]
    verdict_cell = next(row[2] for row in blocks[2].rows if row[0] == "C3")
    assert verdict_cell == "**mixed**: supported on loopback, not on wan (50 Mbit/s) (crossover ~75 Mbit/s)"
    out = StringIO()
    print_blocks(Console(file=out, width=200), blocks)
    lines = out.getvalue().splitlines()
    assert any("wan (50 Mbit/s)" in line and "not supported" in line and "0.50x" in line for line in lines)


def test_crossover_is_interpolated_in_one_over_rate_only_when_bracketed() -> None:
    # loopback (1/rate 0) at 1.5, 10 Mbit/s (0.1) at 0.5: crosses 1 halfway, 1/rate 0.05 = 20 Mbit/s
    assert conditions.crossovers([(None, 1.5), (10.0, 0.5)]) == [pytest.approx(20.0)]
    assert conditions.crossovers([(None, 1.5), (100.0, 1.2), (10.0, 1.1)]) == []  # never below 1
    assert conditions.crossovers([(100.0, 1.2), (10.0, float("nan"))]) == []  # no figure: no bracket
    # the order given does not matter, the links are sorted by speed
    assert conditions.crossovers([(10.0, 0.5), (None, 1.5)]) == [pytest.approx(20.0)]
    assert conditions.rate_text(66.666) == "67" and conditions.rate_text(4.14) == "4.1"
    assert conditions.rate_text(150.2) == "150"


def test_headline_groups_read_the_same_and_the_word_combines_the_conditions() -> None:
    s, n, m = claims.SUPPORTED, claims.NOT_SUPPORTED, claims.NOT_MEASURED
    found = [
        ConditionVerdict("loopback", s, "", "cache=inline"),
        ConditionVerdict("wan (50 Mbit/s)", n, "", "cache=inline"),
        ConditionVerdict("loopback", s, "", "cache=registry-max"),
        ConditionVerdict("wan (50 Mbit/s)", n, "", "cache=registry-max"),
        ConditionVerdict("loopback", s, "", "cache=registry-min"),
        ConditionVerdict("wan (50 Mbit/s)", m, "", "cache=registry-min"),
    ]
    assert conditions.headline(found) == (
        "cache=inline and cache=registry-max: supported on loopback, not on wan (50 Mbit/s);"
        " cache=registry-min: supported on loopback, not measured on wan (50 Mbit/s)"
    )
    assert conditions.overall(found) == claims.MIXED
    assert conditions.overall(found, one_suffices=True) == claims.SUPPORTED
    assert conditions.overall([c for c in found if c.verdict != s]) == claims.NOT_SUPPORTED
    assert conditions.overall([c for c in found if c.verdict == m]) == claims.NOT_MEASURED
