"""Median build time per cell with its 95% interval, every repetition drawn as a point (summary.png and
report-distributions.png).

Uses matplotlib's object API (`Figure` + Agg canvas), not pyplot: no global backend switch, no window, and
safe to call from a notebook or a worker. Imported only when a figure is wanted (matplotlib is slow to load).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bench.analysis import stats
from bench.report import cells as tables
from bench.report.figures import log_ticks

#: Okabe-Ito colours: distinguishable with colour-blindness and in greyscale print.
BUILDER_COLORS = {"legacy": "#D55E00", "buildkit": "#0072B2"}
OTHER_COLORS = ("#009E73", "#CC79A7", "#E69F00", "#56B4E9")
#: Above this ratio between the largest and smallest median a linear axis hides the fast cells.
LOG_SCALE_RATIO = 20.0
#: Groups that fit side by side across an 8-inch figure with two-line tick labels.
MAX_GROUPS_PER_ROW = 6
ROW_HEIGHT = 2.6
#: Points and the median tick span these fractions of a builder's slot (0.8 / number of builders).
POINT_SPREAD = 0.25
MEDIAN_TICK = 0.35


def _builder_color(builder: str, builders: list[str]) -> str:
    if builder in BUILDER_COLORS:
        return BUILDER_COLORS[builder]
    others = [b for b in builders if b not in BUILDER_COLORS]
    return OTHER_COLORS[others.index(builder) % len(OTHER_COLORS)]


def _group_label(row: pd.Series, dims: list[str]) -> str:
    """Tick label of a (platform, cache, change) group: one value per line, in the x-axis label's order."""
    return "\n".join(str(row[d]) for d in dims)


def _draw_cell(
    ax: Axes, x: float, width: float, color: str, cell: pd.Series, rows: pd.DataFrame
) -> tuple[bool, bool]:
    """Draw one cell at x, in a slot `width` wide: ok builds as points, the median tick and its interval.

    Failed and unsupported builds are written at the foot of the slot, since they have no time to draw.
    Returns (any point quality-flagged, any point an outlier), for the legend.
    """
    missing = [f"{cell[f'n_{o}']}\n{o}" for o in ("failed", "unsupported") if cell[f"n_{o}"]]
    if missing:  # say at the foot of the cell what is not drawn
        ax.annotate(
            "\n".join(missing),
            (x, 0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=6.5,
            color=color,
        )
    if rows.empty:
        return False, False
    times = rows["wall_s"].to_numpy(dtype=float)
    flagged = np.array([bool(tables.flag_list(v)) for v in rows["flags"]], dtype=bool)
    outlier = stats.outliers(times) & ~flagged
    plain = ~outlier & ~flagged
    half = POINT_SPREAD * width
    xs = x + np.linspace(-half, half, times.size) if times.size > 1 else np.full(1, x)
    ax.scatter(
        xs[plain], times[plain], s=16, color=color, alpha=0.6, edgecolors="white", linewidths=0.4, zorder=5
    )
    ax.scatter(
        xs[outlier], times[outlier], s=20, facecolors="white", edgecolors=color, linewidths=1.2, zorder=5
    )
    ax.scatter(xs[flagged], times[flagged], s=24, marker="x", color="black", linewidths=1.2, zorder=6)
    med, lo, hi = float(cell["median_s"]), float(cell["ci_low_s"]), float(cell["ci_high_s"])
    if math.isfinite(lo) and math.isfinite(hi):
        ax.errorbar(
            x,
            med,
            yerr=[[med - lo], [hi - med]],
            fmt="none",
            ecolor=color,
            elinewidth=1.2,
            capsize=4,
            zorder=3,
        )
    tick = MEDIAN_TICK * width
    ax.plot([x - tick, x + tick], [med, med], color=color, linewidth=2, zorder=4)
    return bool(flagged.any()), bool(outlier.any())


def _legend_handles(builders: list[str], any_outlier: bool, any_flagged: bool) -> list[Line2D]:
    """Legend entries: builder colours, then the marks, outlier/flag marks only when drawn."""

    def mark(label: str, **style: object) -> Line2D:
        return Line2D([], [], linestyle="none", label=label, **style)

    handles = [mark(b, color=_builder_color(b, builders), marker="s") for b in builders]
    handles.append(Line2D([], [], color="grey", linewidth=2, label="median"))
    handles.append(mark("95% interval", color="grey", marker="|", markersize=11, markeredgewidth=1.2))
    handles.append(mark("one build", color="grey", marker="o", markersize=4.5, alpha=0.6))
    if any_outlier:
        handles.append(
            mark("outlier (1.5 IQR)", color="grey", marker="o", markerfacecolor="white", markersize=4.5)
        )
    if any_flagged:
        handles.append(mark("flagged build", color="black", marker="x"))
    return handles


def _builders(cells: pd.DataFrame) -> list[str]:
    """The builders of the cells, known ones in BUILDER_ORDER, others after them."""
    builders = [b for b in tables.BUILDER_ORDER if b in set(cells["builder"])]
    return builders + sorted(set(cells["builder"]) - set(builders))


def _log_scale(cells: pd.DataFrame) -> bool:
    """A log axis when the medians span more than LOG_SCALE_RATIO, else the fast cells are a flat line."""
    medians = cells["median_s"].to_numpy(dtype=float)
    medians = medians[np.isfinite(medians) & (medians > 0)]
    return bool(medians.size > 0 and medians.max() / medians.min() > LOG_SCALE_RATIO)


def _panels(
    cells: pd.DataFrame, dims: list[str], size: tuple[float, float], dpi: int
) -> tuple[Figure, np.ndarray, int]:
    """The figure and one axis per scenario: side by side while the groups fit (panel widths follow their
    group counts, so a group is equally wide everywhere), else one scenario per row and a taller figure, so
    tick labels never collide. Returns (figure, axes, number of columns)."""
    scenarios = list(cells["scenario"].unique())
    n_groups = [max(len(cells.loc[cells["scenario"] == s, dims].drop_duplicates()), 1.5) for s in scenarios]
    side_by_side = sum(n_groups) <= MAX_GROUPS_PER_ROW
    nrows = 1 if side_by_side else max(len(scenarios), 1)
    ncols = max(len(scenarios), 1) if side_by_side else 1
    height = size[1] if nrows == 1 else max(size[1], 1.0 + ROW_HEIGHT * nrows)
    fig = Figure(figsize=(size[0], height), dpi=dpi, layout="constrained")
    ratios = {"width_ratios": n_groups} if side_by_side and scenarios else {}
    return fig, fig.subplots(nrows, ncols, squeeze=False, gridspec_kw=ratios).ravel(), ncols


def _ok_rows(
    measured: pd.DataFrame, scenario: str, builder: str, group: pd.Series, dims: list[str]
) -> pd.DataFrame:
    """The ok builds of one cell with a time, in execution order."""
    rows = measured[
        (measured["scenario"] == scenario)
        & (measured["builder"] == builder)
        & (measured[dims] == group[dims]).all(axis=1)
        & (measured["outcome"] == "ok")
    ].sort_values("seq")
    return rows[rows["wall_s"].notna()]


def _draw_scenario(
    ax: Axes, scenario: str, cells: pd.DataFrame, measured: pd.DataFrame, dims: list[str], builders: list[str]
) -> tuple[bool, bool]:
    """Every cell of one scenario: groups along x, builders side by side within a group.
    Returns (any point flagged, any point an outlier), for the legend."""
    width = 0.8 / max(len(builders), 1)
    part = cells[cells["scenario"] == scenario]
    groups = part[dims].drop_duplicates().reset_index(drop=True)
    any_flagged = any_outlier = False
    for gi, group in groups.iterrows():
        in_group = (part[dims] == group[dims]).all(axis=1)
        for bi, builder in enumerate(builders):
            row = part[in_group & (part["builder"] == builder)]
            if row.empty:
                continue
            x = gi + (bi - (len(builders) - 1) / 2) * width
            rows = _ok_rows(measured, scenario, builder, group, dims)
            flagged, outlier = _draw_cell(ax, x, width, _builder_color(builder, builders), row.iloc[0], rows)
            any_flagged |= flagged
            any_outlier |= outlier
    ax.set_xticks(range(len(groups)), [_group_label(g, dims) for _, g in groups.iterrows()], fontsize=8)
    ax.set_xlim(-0.6, len(groups) - 0.4)
    ax.set_title(f"scenario {scenario}", fontsize=10)
    ax.set_xlabel(" / ".join(dims), fontsize=8)
    return any_flagged, any_outlier


def _y_axis(ax: Axes, log_y: bool) -> None:
    """Log scale with plain tick numbers, or linear from zero with headroom above the slowest point."""
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    if log_y:
        ax.set_yscale("log")
        log_ticks(ax.yaxis)
    else:
        top = ax.dataLim.y1
        ax.set_ylim(0, top * 1.08 if math.isfinite(top) and top > 0 else 1)


def plot_medians(
    builds: pd.DataFrame,
    path: Path | str,
    *,
    size: tuple[float, float] = (8.0, 4.5),
    dpi: int = 150,
    n_resamples: int = stats.DEFAULT_RESAMPLES,
    seed: int | None = stats.DEFAULT_SEED,
    cells: pd.DataFrame | None = None,
) -> Path:
    """Draw one panel per scenario: for each (cache, change) group the builders side by side.

    Each builder shows its median as a wide tick with the 95% bootstrap interval as an error bar, and every
    ok repetition as a point, spread sideways in execution order (so drift within a cell shows as a slope).
    Outliers (Tukey) are drawn hollow, quality-flagged builds as crosses; cells without an ok build say why.
    The y axis becomes logarithmic when medians span more than LOG_SCALE_RATIO. `cells` is the
    `cell_table` of `builds` when the caller already has it (the report), to skip recomputing intervals.
    """
    path = Path(path)
    if cells is None:
        cells = tables.cell_table(builds, n_resamples=n_resamples, seed=seed)
    builders = _builders(cells)
    dims = [k for k in tables.comparison_keys(builds) if k != "scenario"]
    scenarios = list(cells["scenario"].unique())
    log_y = _log_scale(cells)
    fig, axes, ncols = _panels(cells, dims, size, dpi)
    measured = tables.measured(builds)
    any_outlier = any_flagged = False
    for ax, scenario in zip(axes, scenarios, strict=False):
        flagged, outlier = _draw_scenario(ax, scenario, cells, measured, dims, builders)
        any_flagged |= flagged
        any_outlier |= outlier
        _y_axis(ax, log_y)
    for ax in axes[len(scenarios) :]:
        ax.set_visible(False)
    for ax in axes[::ncols]:
        ax.set_ylabel("build time (s)" + (", log scale" if log_y else ""))
    handles = _legend_handles(builders, any_outlier, any_flagged)
    fig.legend(
        handles=handles, loc="outside lower center", ncol=min(len(handles), 7), fontsize=8, frameon=False
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path
