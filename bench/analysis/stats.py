"""Statistics of build times: medians, spreads, bootstrap intervals, ratios, outliers, comparisons.

Pure functions over plain sequences of seconds (numpy and scipy only), so every number in a report can be
recomputed by hand and every function is tested against a direct numpy/scipy computation.

Why these choices:
- Build times are skewed (a slow pull, a busy disk) and samples are small (3 to 10 repetitions), so the
  centre is the *median* and the spread the *interquartile range*, not mean and standard deviation.
- Intervals come from the bootstrap (Efron & Tibshirani, *An Introduction to the Bootstrap*, 1993), as
  implemented by `scipy.stats.bootstrap`; it needs no distributional assumption and works for a ratio of
  medians, which has no simple closed form.
- The default interval method is the *percentile* bootstrap. BCa (Efron 1987, "Better bootstrap confidence
  intervals", JASA 82:171) corrects bias and skew for smooth statistics, but the bootstrap distribution of a
  median of a few points is discrete with many ties at the observed value, which makes BCa's bias
  correction unstable; it can be asked for with `method="BCa"` and falls back to percentile when degenerate.
- Outliers are flagged with Tukey's fences (Tukey, *Exploratory Data Analysis*, 1977; also what criterion.rs
  reports as "mild" outliers) and are never dropped.
- A difference is called faster/slower only when the interval of the ratio of medians excludes 1. The
  Mann-Whitney U p-value is reported alongside, as asv's `_stats.is_different` does.

Every random step takes a `seed`, so the same data always gives the same interval.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.stats

#: Below this many samples a bootstrap interval is meaningless (resamples of 1 or 2 points); we return NaN.
MIN_SAMPLES_FOR_INTERVAL = 3
#: scipy's default; enough for stable 95% percentile limits.
DEFAULT_RESAMPLES = 9999
DEFAULT_CONFIDENCE = 0.95
DEFAULT_SEED = 0
#: Tukey's constant: points beyond quartile -/+ 1.5 IQR are outliers.
TUKEY_K = 1.5

IntervalMethod = Literal["percentile", "BCa"]
VerdictText = Literal["faster", "slower", "no clear difference", "insufficient data"]

FASTER: VerdictText = "faster"
SLOWER: VerdictText = "slower"
NO_CLEAR_DIFFERENCE: VerdictText = "no clear difference"
INSUFFICIENT_DATA: VerdictText = "insufficient data"


@dataclass(frozen=True)
class Interval:
    """A point estimate with a confidence interval; `low`/`high` are NaN when no interval could be made.

    `note` says why an interval is missing or how it was obtained when that differs from `method`.
    """

    estimate: float
    low: float
    high: float
    confidence: float
    method: str
    n: tuple[int, ...]
    note: str = ""

    @property
    def defined(self) -> bool:
        """True when both limits are finite numbers."""
        return math.isfinite(self.low) and math.isfinite(self.high)

    def excludes(self, value: float) -> bool:
        """True only when the interval is defined and lies entirely on one side of `value`."""
        return self.defined and (self.low > value or self.high < value)


@dataclass(frozen=True)
class MannWhitney:
    """Result of a two-sided Mann-Whitney U test.

    `p_min` is the smallest two-sided p-value the exact test can reach with these sample sizes,
    2 / C(m+n, m): with 3 builds against 3 it is 0.1, so no amount of difference can be "significant" at
    0.05 (the same guard asv applies before trusting the test).
    """

    u: float
    p_value: float
    p_min: float
    n: tuple[int, int]


@dataclass(frozen=True)
class Comparison:
    """How a candidate compares with a baseline.

    `speedup` is median(baseline) / median(candidate): above 1 the candidate is faster.
    `verdict` is "faster"/"slower" only when the speedup interval excludes 1.
    """

    speedup: Interval
    mann_whitney: MannWhitney
    verdict: VerdictText


def _clean(samples: Sequence[float] | np.ndarray) -> np.ndarray:
    """Samples as a 1-d float array without NaN (a failed build has no time and is not a sample)."""
    x = np.asarray(samples, dtype=float).ravel()
    return x[~np.isnan(x)]


def median(samples: Sequence[float] | np.ndarray) -> float:
    """Median of the samples, NaN ignored; NaN when empty. Equal to `np.median` on clean data."""
    x = _clean(samples)
    return float(np.median(x)) if x.size else math.nan


def quartiles(samples: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """First and third quartile with numpy's default (linear, Hyndman & Fan type 7) interpolation."""
    x = _clean(samples)
    if not x.size:
        return math.nan, math.nan
    q1, q3 = np.percentile(x, [25, 75])
    return float(q1), float(q3)


def iqr(samples: Sequence[float] | np.ndarray) -> float:
    """Interquartile range Q3 - Q1; same as `scipy.stats.iqr` with its defaults."""
    q1, q3 = quartiles(samples)
    return q3 - q1


def outliers(samples: Sequence[float] | np.ndarray, k: float = TUKEY_K) -> np.ndarray:
    """Boolean mask, same length as `samples`: True where a point lies beyond Tukey's fences.

    Fences are Q1 - k*IQR and Q3 + k*IQR (Tukey 1977, k = 1.5). NaN entries are never outliers.
    The mask is for flagging and explaining; callers must keep the points in every statistic.
    Flags are common on honest data: on pure Gaussian noise with n = 5..20, about 30% of samples have at
    least one point beyond the 1.5 IQR fences (k = 3 gives 5-15%). A flag is a prompt to look, not a fault.
    hyperfine warns on a different, far more lenient rule (|x - median| / MAD > 14.826, after Iglewicz &
    Hoaglin 1993), which flags almost nothing on such noise.
    """
    raw = np.asarray(samples, dtype=float).ravel()
    mask = np.zeros(raw.shape, dtype=bool)
    x = raw[~np.isnan(raw)]
    if x.size < 2:
        return mask
    q1, q3 = np.percentile(x, [25, 75])
    spread = q3 - q1
    with np.errstate(invalid="ignore"):
        mask = (raw < q1 - k * spread) | (raw > q3 + k * spread)
    return mask & ~np.isnan(raw)


def _bootstrap(
    data: tuple[np.ndarray, ...],
    statistic,  # callable(*samples, axis) -> array
    estimate: float,
    confidence: float,
    n_resamples: int,
    seed: int | None,
    method: IntervalMethod,
) -> Interval:
    """Run `scipy.stats.bootstrap` (independent resampling of each sample) and wrap the result."""
    sizes = tuple(int(d.size) for d in data)
    if min(sizes) < MIN_SAMPLES_FOR_INTERVAL:
        return Interval(
            estimate,
            math.nan,
            math.nan,
            confidence,
            method,
            sizes,
            note=f"no interval: fewer than {MIN_SAMPLES_FOR_INTERVAL} samples",
        )
    if not math.isfinite(estimate):
        return Interval(estimate, math.nan, math.nan, confidence, method, sizes, note="estimate undefined")

    def run(m: str) -> tuple[float, float]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", scipy.stats.DegenerateDataWarning)
            with np.errstate(divide="ignore", invalid="ignore"):
                res = scipy.stats.bootstrap(
                    data,
                    statistic,
                    n_resamples=n_resamples,
                    vectorized=True,
                    paired=False,
                    confidence_level=confidence,
                    method=m,
                    rng=np.random.default_rng(seed),
                )
        return float(res.confidence_interval.low), float(res.confidence_interval.high)

    note = ""
    low, high = run(method)
    if method == "BCa" and not (math.isfinite(low) and math.isfinite(high)):
        low, high = run("percentile")
        method_used = "percentile"
        note = "BCa degenerate (ties in the bootstrap distribution); percentile interval used"
    else:
        method_used = method
    return Interval(estimate, low, high, confidence, method_used, sizes, note=note)


def _median_stat(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.median(x, axis=axis)


def _ratio_of_medians_stat(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.median(a, axis=axis) / np.median(b, axis=axis)


def median_ci(
    samples: Sequence[float] | np.ndarray,
    confidence: float = DEFAULT_CONFIDENCE,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = DEFAULT_SEED,
    method: IntervalMethod = "percentile",
) -> Interval:
    """Median with a bootstrap confidence interval (`scipy.stats.bootstrap`, Efron & Tibshirani 1993).

    With fewer than 3 samples the limits are NaN and `note` says so: a resample of one or two points says
    nothing about the spread. A bootstrap median can only take sample values, so for n <= 5 the 95%
    percentile interval is simply [min, max] (whose exact coverage for the median is 1 - 2 * 0.5**n, 94% at
    n = 5): read it together with n.
    """
    x = _clean(samples)
    return _bootstrap((x,), _median_stat, median(x), confidence, n_resamples, seed, method)


def ratio_of_medians_ci(
    a: Sequence[float] | np.ndarray,
    b: Sequence[float] | np.ndarray,
    confidence: float = DEFAULT_CONFIDENCE,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = DEFAULT_SEED,
    method: IntervalMethod = "percentile",
) -> Interval:
    """median(a) / median(b) with a bootstrap interval, resampling a and b independently.

    The two samples come from different builds (not pairs), hence `paired=False`: each bootstrap replicate
    draws len(a) points from a and len(b) from b (Efron & Tibshirani 1993, ch. 8, two-sample problems).
    NaN limits with a note when either sample has fewer than 3 points.
    """
    x, y = _clean(a), _clean(b)
    mx, my = median(x), median(y)
    estimate = mx / my if math.isfinite(mx) and math.isfinite(my) and my != 0 else math.nan
    return _bootstrap((x, y), _ratio_of_medians_stat, estimate, confidence, n_resamples, seed, method)


def mann_whitney(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> MannWhitney:
    """Two-sided Mann-Whitney U test (`scipy.stats.mannwhitneyu`, Mann & Whitney 1947).

    A rank test: no normality assumption, insensitive to a single slow build. scipy picks the exact
    distribution for small samples without ties and the normal approximation otherwise. NaN when a
    sample is empty.
    """
    x, y = _clean(a), _clean(b)
    m, n = int(x.size), int(y.size)
    if m == 0 or n == 0:
        return MannWhitney(math.nan, math.nan, math.nan, (m, n))
    res = scipy.stats.mannwhitneyu(x, y, alternative="two-sided")
    # 2 / C(m+n, m) in log space: C(m+n, m) overflows a float from m = n = 520 on (large runs)
    log_comb = math.lgamma(m + n + 1) - math.lgamma(m + 1) - math.lgamma(n + 1)
    p_min = min(1.0, math.exp(math.log(2.0) - log_comb))
    return MannWhitney(float(res.statistic), float(res.pvalue), p_min, (m, n))


def compare(
    baseline: Sequence[float] | np.ndarray,
    candidate: Sequence[float] | np.ndarray,
    confidence: float = DEFAULT_CONFIDENCE,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = DEFAULT_SEED,
    method: IntervalMethod = "percentile",
) -> Comparison:
    """Say whether `candidate` is faster or slower than `baseline`, only when the data supports it.

    speedup = median(baseline) / median(candidate). The verdict is "faster" when the whole interval is
    above 1, "slower" when it is below 1, "no clear difference" when it contains 1, and "insufficient
    data" when no interval could be computed (fewer than 3 samples on a side).
    """
    speedup = ratio_of_medians_ci(baseline, candidate, confidence, n_resamples, seed, method)
    mw = mann_whitney(baseline, candidate)
    verdict: VerdictText
    if not speedup.defined:
        verdict = INSUFFICIENT_DATA
    elif speedup.low > 1:
        verdict = FASTER
    elif speedup.high < 1:
        verdict = SLOWER
    else:
        verdict = NO_CLEAR_DIFFERENCE
    return Comparison(speedup, mw, verdict)
