"""bench.analysis.stats against direct numpy/scipy computations and synthetic samples with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats

from bench.analysis import stats

N = 999  # resamples: enough for stable limits on these samples, fast enough for a unit test


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


def test_median_iqr_quartiles_equal_numpy_and_scipy(rng: np.random.Generator) -> None:
    x = rng.lognormal(mean=2.0, sigma=0.3, size=17)
    assert stats.median(x) == pytest.approx(np.median(x))
    assert stats.quartiles(x) == pytest.approx(tuple(np.percentile(x, [25, 75])))
    assert stats.iqr(x) == pytest.approx(scipy.stats.iqr(x))


def test_nan_is_not_a_sample_and_empty_gives_nan() -> None:
    assert stats.median([1.0, np.nan, 3.0]) == 2.0
    assert math.isnan(stats.median([]))
    assert math.isnan(stats.iqr([np.nan]))


def test_outliers_flags_a_planted_point_with_tukey_fences(rng: np.random.Generator) -> None:
    x = rng.normal(10.0, 0.2, size=12)
    x[5] = 25.0
    mask = stats.outliers(x)
    q1, q3 = np.percentile(x, [25, 75])
    expected = (x < q1 - 1.5 * (q3 - q1)) | (x > q3 + 1.5 * (q3 - q1))
    assert mask.tolist() == expected.tolist()
    assert mask.sum() == 1 and mask[5]


def test_outliers_keeps_shape_and_never_flags_nan_or_tiny_samples() -> None:
    mask = stats.outliers([10.0, np.nan, 10.1, 10.2, 10.05, 40.0])
    assert mask.tolist() == [False, False, False, False, False, True]
    assert stats.outliers([5.0]).tolist() == [False]
    assert stats.outliers([]).size == 0
    assert not stats.outliers([10.0, 10.5, 11.0, 10.2]).any()


def test_median_ci_below_three_samples_is_nan_and_says_why() -> None:
    ci = stats.median_ci([12.0, 13.0], n_resamples=N)
    assert ci.estimate == 12.5
    assert math.isnan(ci.low) and math.isnan(ci.high)
    assert not ci.defined
    assert "fewer than 3" in ci.note
    assert math.isnan(stats.median_ci([], n_resamples=N).estimate)


def test_median_ci_matches_scipy_bootstrap_and_is_deterministic(rng: np.random.Generator) -> None:
    x = rng.lognormal(2.0, 0.3, size=15)
    ci = stats.median_ci(x, n_resamples=N, seed=7)
    direct = scipy.stats.bootstrap(
        (x,), np.median, n_resamples=N, method="percentile", rng=np.random.default_rng(7)
    ).confidence_interval
    assert (ci.low, ci.high) == pytest.approx((direct.low, direct.high))
    assert ci.low <= ci.estimate <= ci.high
    assert stats.median_ci(x, n_resamples=N, seed=7) == ci


def test_median_ci_of_five_is_min_to_max() -> None:
    """A bootstrap median of 5 points can only take sample values; 95% limits are the extremes."""
    ci = stats.median_ci([10.0, 11.0, 12.0, 13.0, 14.0], n_resamples=N)
    assert (ci.low, ci.high) == (10.0, 14.0)


def test_bca_falls_back_to_percentile_on_degenerate_data() -> None:
    ci = stats.median_ci([5.0, 5.0, 5.0, 5.0], n_resamples=N, method="BCa")
    assert (ci.low, ci.high) == (5.0, 5.0)
    assert ci.method == "percentile" and "BCa" in ci.note


def test_ratio_of_medians_ci_contains_a_known_ratio(rng: np.random.Generator) -> None:
    b = rng.lognormal(np.log(10.0), 0.1, size=12)
    a = rng.lognormal(np.log(20.0), 0.1, size=12)  # true ratio of medians: 2
    ci = stats.ratio_of_medians_ci(a, b, n_resamples=N, seed=1)
    assert ci.estimate == pytest.approx(np.median(a) / np.median(b))
    assert ci.low < 2.0 < ci.high
    assert ci.n == (12, 12)


def test_ratio_of_medians_ci_matches_direct_two_sample_bootstrap(rng: np.random.Generator) -> None:
    a, b = rng.normal(20, 1, size=8), rng.normal(10, 1, size=6)
    ci = stats.ratio_of_medians_ci(a, b, n_resamples=N, seed=3)
    direct = scipy.stats.bootstrap(
        (a, b),
        lambda x, y, axis: np.median(x, axis=axis) / np.median(y, axis=axis),
        n_resamples=N,
        paired=False,
        method="percentile",
        rng=np.random.default_rng(3),
    ).confidence_interval
    assert (ci.low, ci.high) == pytest.approx((direct.low, direct.high))


def test_ratio_interval_coverage_is_near_nominal() -> None:
    """Sanity, not a proof: over repeated samples the 95% interval holds the true ratio most of the time."""
    rng = np.random.default_rng(2024)
    hits = 0
    for i in range(60):
        a = rng.lognormal(np.log(30.0), 0.15, size=10)
        b = rng.lognormal(np.log(20.0), 0.15, size=10)
        ci = stats.ratio_of_medians_ci(a, b, n_resamples=400, seed=i)
        hits += ci.low <= 1.5 <= ci.high
    assert hits >= 48  # >= 80% of 60; nominal 95%, the percentile bootstrap undercovers a little at n=10


def test_compare_says_faster_and_slower_only_for_clear_differences(rng: np.random.Generator) -> None:
    slow = rng.normal(20.0, 0.5, size=6)
    fast = rng.normal(10.0, 0.5, size=6)
    faster = stats.compare(slow, fast, n_resamples=N)
    assert faster.verdict == stats.FASTER
    assert faster.speedup.low > 1
    assert stats.compare(fast, slow, n_resamples=N).verdict == stats.SLOWER


def test_compare_same_distribution_has_no_clear_difference(rng: np.random.Generator) -> None:
    a, b = rng.normal(10.0, 1.0, size=10), rng.normal(10.0, 1.0, size=10)
    result = stats.compare(a, b, n_resamples=N)
    assert result.speedup.low <= 1 <= result.speedup.high
    assert result.verdict == stats.NO_CLEAR_DIFFERENCE


def test_compare_with_too_few_samples_is_insufficient() -> None:
    result = stats.compare([20.0], [10.0, 11.0, 12.0], n_resamples=N)
    assert result.verdict == stats.INSUFFICIENT_DATA
    assert result.speedup.estimate == pytest.approx(20.0 / 11.0)


def test_mann_whitney_wraps_scipy_and_reports_smallest_reachable_p(rng: np.random.Generator) -> None:
    a, b = rng.normal(10, 1, size=5), rng.normal(12, 1, size=7)
    mw = stats.mann_whitney(a, b)
    direct = scipy.stats.mannwhitneyu(a, b, alternative="two-sided")
    assert (mw.u, mw.p_value) == pytest.approx((direct.statistic, direct.pvalue))
    assert mw.p_min == pytest.approx(2 / math.comb(12, 5))
    assert stats.mann_whitney([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]).p_min == pytest.approx(0.1)
    big = stats.mann_whitney(rng.normal(size=25_000), rng.normal(size=25_000))  # C(50000, 25000): no float
    assert big.p_min == 0.0 and 0.0 <= big.p_value <= 1.0
    assert math.isnan(stats.mann_whitney([], [1.0]).p_value)
