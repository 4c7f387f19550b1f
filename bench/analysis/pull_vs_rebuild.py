"""Pull or rebuild? Registry-cache import against a cold rebuild, and the link speed where they break even.

The crossover model: a link of bandwidth B adds the transfer of the bytes a build pulls from the registry,
bytes / B, to the time measured next to the registry (loopback). Rebuilding pulls the base images; an
import pulls the cached layers instead of running the steps. So rebuilding wins when

    T_cold + b_cold / B < T_import + b_import / B   <=>   B < (b_import - b_cold) / (T_cold - T_import)

with T the median build time next to the registry and b the median bytes pulled from the registry and
the package index, which share the link (both measured per row). Rows measured over a shaped link of
rate R are first brought back to loopback: T - 8 b / R.
Latency and per-request round trips are not in the model: runs over shaped links are the check on it.
Pure functions over the build rows (pandas), unit-tested without an engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.analysis import stats

if TYPE_CHECKING:
    import pandas as pd

COLD = "none"
IMPORT_SOURCES = ("inline", "registry-min", "registry-max", "local-dir")


@dataclass(frozen=True)
class PullVsRebuild:
    """One import source against the cold rebuild of the same scenario, builder and change."""

    scenario: str
    builder: str
    cache: str
    change: str
    n_cold: int
    n_import: int
    cold_median_s: float
    import_median_s: float
    speedup: stats.Interval  # median(cold) / median(import), as every bench speedup: above 1 pulling wins
    cold_bytes: float
    import_bytes: float
    crossover_bits_per_s: float  # below it rebuilding wins; inf: import always wins; 0: never
    link: str = "loopback"


def crossover_bandwidth(
    cold_s: float, cold_bytes: float, import_s: float, import_bytes: float, link_bits_per_s: float = math.inf
) -> float:
    """Bits per second below which a cold rebuild is faster than the import (see the module docstring).

    Times measured over a link of `link_bits_per_s` have that link's transfer time removed first.

    inf when the import is faster and pulls no more bytes than the rebuild (it wins on any link); 0 when
    the import is not faster even next to the registry (rebuilding wins on any link); NaN without data.
    """
    if any(math.isnan(x) for x in (cold_s, cold_bytes, import_s, import_bytes)):
        return math.nan
    cold_s -= 8.0 * cold_bytes / link_bits_per_s
    import_s -= 8.0 * import_bytes / link_bits_per_s
    saved_s = cold_s - import_s
    extra_bytes = import_bytes - cold_bytes
    if saved_s <= 0:
        return 0.0
    if extra_bytes <= 0:
        return math.inf
    return 8.0 * extra_bytes / saved_s


def _link_bytes(rows: pd.DataFrame):
    """Bytes each build pulled over the link: registry plus package index (absent index: 0)."""
    registry = rows["registry_pulled_bytes"].to_numpy(float)
    if "index_pulled_bytes" not in rows:
        return registry
    return registry + rows["index_pulled_bytes"].fillna(0).to_numpy(float)


def _ok_measured(builds: pd.DataFrame) -> pd.DataFrame:
    rows = builds[(builds["outcome"] == "ok") & ~builds["warmup"].astype(bool)]
    return rows


def pull_vs_rebuild(builds: pd.DataFrame, seed: int = stats.DEFAULT_SEED) -> list[PullVsRebuild]:
    """Every import source's cells against the cold cell of the same scenario and builder.

    The cold cell has change `none` (nothing to change against) and serves every change of the import.
    """
    rows = _ok_measured(builds)
    if "link" not in rows or rows["link"].isna().all():
        rows = rows.assign(link="loopback", link_rate_mbit=math.nan)
    rows = rows.assign(link=rows["link"].fillna("loopback"))
    found = []
    for (scenario, builder, link), group in rows.groupby(["scenario", "builder", "link"], sort=True):
        rate = stats.median(group["link_rate_mbit"].to_numpy(float))
        link_bits = rate * 1e6 if math.isfinite(rate) else math.inf
        cold = group[group["cache"] == COLD]
        if cold.empty:
            continue
        for (cache, change), imported in group[group["cache"].isin(IMPORT_SOURCES)].groupby(
            ["cache", "change"], sort=True
        ):
            cold_s, import_s = cold["wall_s"].to_numpy(float), imported["wall_s"].to_numpy(float)
            cold_b = stats.median(_link_bytes(cold))
            import_b = stats.median(_link_bytes(imported))
            found.append(
                PullVsRebuild(
                    scenario=str(scenario),
                    builder=str(builder),
                    cache=str(cache),
                    change=str(change),
                    n_cold=len(cold_s),
                    n_import=len(import_s),
                    cold_median_s=stats.median(cold_s),
                    import_median_s=stats.median(import_s),
                    speedup=stats.ratio_of_medians_ci(cold_s, import_s, seed=seed),
                    cold_bytes=cold_b,
                    import_bytes=import_b,
                    crossover_bits_per_s=crossover_bandwidth(
                        stats.median(cold_s), cold_b, stats.median(import_s), import_b, link_bits
                    ),
                    link=str(link),
                )
            )
    return found


def format_bandwidth(bits_per_s: float) -> str:
    if math.isnan(bits_per_s):
        return "n/a (no registry bytes)"
    if math.isinf(bits_per_s):
        return "never (the import wins on any link)"
    if bits_per_s == 0:
        return "always (the import is not faster even on loopback)"
    return f"{bits_per_s / 1e6:.1f} Mbit/s"


HEADERS = (
    "scenario",
    "link",
    "builder",
    "cache",
    "change",
    "n",
    "cold median (s)",
    "import median (s)",
    "speedup (cold / import)",
    "95% CI",
    "MB pulled cold",
    "MB pulled import",
    "rebuild wins below",
)


def table_rows(found: list[PullVsRebuild]) -> list[list[str]]:
    """Rows for HEADERS, formatted for a terminal or Markdown table."""
    return [
        [
            f.scenario,
            f.link,
            f.builder,
            f.cache,
            f.change,
            f"{f.n_cold}/{f.n_import}",
            f"{f.cold_median_s:.2f}",
            f"{f.import_median_s:.2f}",
            f"{f.speedup.estimate:.2f}x",
            f"[{f.speedup.low:.2f}, {f.speedup.high:.2f}]" if f.speedup.defined else "-",
            "-" if math.isnan(f.cold_bytes) else f"{f.cold_bytes / 1e6:.1f}",
            "-" if math.isnan(f.import_bytes) else f"{f.import_bytes / 1e6:.1f}",
            format_bandwidth(f.crossover_bits_per_s),
        ]
        for f in found
    ]


EXPLANATION = (
    "speedup (cold / import) = median cold rebuild / median time importing the cache (on an emptied"
    " engine), the one direction of every bench speedup: above 1 pulling wins on this link. 'rebuild wins"
    " below' is the link bandwidth under which the cold rebuild would be faster: the extra bytes the import"
    " pulls, divided by the time it saves (latency not modelled)."
)
