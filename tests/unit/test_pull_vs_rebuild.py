"""The pull-or-rebuild table and its crossover bandwidth, from scripted rows."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from bench.analysis import stats
from bench.analysis.pull_vs_rebuild import crossover_bandwidth, format_bandwidth, pull_vs_rebuild


def test_crossover_is_where_the_extra_bytes_cost_the_time_saved() -> None:
    # 10 s cold pulling 10 MB; import 2 s pulling 110 MB: 100 MB extra to save 8 s -> 100 Mbit/s
    bits = crossover_bandwidth(10.0, 10e6, 2.0, 110e6)
    assert bits == pytest.approx(8 * 100e6 / 8.0)
    # at exactly that bandwidth both take the same time
    assert 10.0 + 8 * 10e6 / bits == pytest.approx(2.0 + 8 * 110e6 / bits)
    assert crossover_bandwidth(10.0, 10e6, 12.0, 5e6) == 0.0
    assert math.isinf(crossover_bandwidth(10.0, 10e6, 2.0, 5e6))
    assert math.isnan(crossover_bandwidth(10.0, math.nan, 2.0, 5e6))
    assert format_bandwidth(100e6) == "100.0 Mbit/s"


def _rows(
    cache: str, change: str, times: list[float], pulled: float, builder: str = "buildkit"
) -> list[dict]:
    return [
        {
            "scenario": "s",
            "builder": builder,
            "cache": cache,
            "change": change,
            "outcome": "ok",
            "warmup": False,
            "wall_s": t,
            "registry_pulled_bytes": pulled,
        }
        for t in times
    ]


def test_each_import_cell_is_compared_with_the_cold_cell() -> None:
    builds = pd.DataFrame(
        _rows("none", "none", [10.0, 11.0, 9.0], 10e6)
        + _rows("registry-max", "source", [2.0, 2.5, 1.5], 110e6)
        + _rows("local", "source", [1.0, 1.0, 1.0], 0.0)
        + [{**_rows("none", "none", [99.0], 0.0)[0], "warmup": True}]
    )
    (found,) = pull_vs_rebuild(builds)
    assert (found.cache, found.change, found.n_cold, found.n_import) == ("registry-max", "source", 3, 3)
    assert found.speedup.estimate == pytest.approx(10.0 / 2.0)  # cold / import: above 1 pulling wins
    expected = stats.ratio_of_medians_ci([10.0, 11.0, 9.0], [2.0, 2.5, 1.5])
    assert (found.speedup.low, found.speedup.high) == (expected.low, expected.high)
    assert found.crossover_bits_per_s == pytest.approx(crossover_bandwidth(10.0, 10e6, 2.0, 110e6))


def test_times_over_a_shaped_link_are_brought_back_to_loopback_first() -> None:
    # over 100 Mbit/s: cold 10 MB adds 0.8 s, import 110 MB adds 8.8 s
    shaped = crossover_bandwidth(10.8, 10e6, 10.8, 110e6, link_bits_per_s=100e6)
    assert shaped == pytest.approx(crossover_bandwidth(10.0, 10e6, 2.0, 110e6))


def test_package_index_bytes_share_the_link_with_the_registry() -> None:
    cold = [{**r, "index_pulled_bytes": 30e6} for r in _rows("none", "none", [10.0, 10.0, 10.0], 10e6)]
    imported = [{**r, "index_pulled_bytes": 0.0} for r in _rows("inline", "source", [2.0, 2.0, 2.0], 110e6)]
    (found,) = pull_vs_rebuild(pd.DataFrame(cold + imported))
    assert found.cold_bytes == 40e6 and found.import_bytes == 110e6
    assert found.crossover_bits_per_s == pytest.approx(crossover_bandwidth(10.0, 40e6, 2.0, 110e6))
