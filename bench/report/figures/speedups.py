"""Speedups with their intervals (a forest plot): BuildKit over legacy, and each cache source over cold."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bench.report import cells as tables
from bench.report.figures import FigureFile, log_ticks, save
from bench.report.figures.medians import BUILDER_COLORS

if TYPE_CHECKING:
    from bench.report.model import Report

NAME = "report-speedups.png"
CACHE_COLOR = "#009E73"
#: BuildKit-over-legacy rows: a colour of their own, since the builder colours mark the cache rows.
BUILDER_VS_COLOR = "#000000"
ROW_INCHES = 0.32


def rows_of(report: Report) -> list[tuple[str, float, float, float, str]]:
    """(label, speedup, low, high, colour) for every comparison the report made, builder ones first."""
    out = []
    dims = [k for k in tables.comparison_keys(report.builds) if k != "scenario"]
    multi = report.builds["scenario"].nunique() > 1
    for _, s in report.builder_speedups.iterrows():
        where = " ".join(f"{d}={s[d]}" for d in dims if isinstance(s[d], str))
        label = f"{s['scenario'] + ' ' if multi else ''}{where}: legacy / BuildKit"
        out.append((label, s["speedup"], s["ci_low"], s["ci_high"], BUILDER_VS_COLOR))
    for _, s in report.cache_speedups.iterrows():
        prefix = f"{s['scenario']} " if multi else ""
        label = f"{prefix}{s['builder']}: cold / cache={s['cache']} change={s['change']}"
        out.append(
            (label, s["speedup"], s["ci_low"], s["ci_high"], BUILDER_COLORS.get(s["builder"], CACHE_COLOR))
        )
    return [r for r in out if math.isfinite(r[1])]


def draw(report: Report, out_dir: Path) -> list[FigureFile]:
    rows = rows_of(report)
    if not rows:
        return []
    fig = Figure(figsize=(8.0, 1.4 + ROW_INCHES * len(rows)), dpi=150, layout="constrained")
    ax = fig.subplots()
    ys = np.arange(len(rows))[::-1]
    for y, (_, est, low, high, color) in zip(ys, rows, strict=True):
        if math.isfinite(low) and math.isfinite(high):
            ax.errorbar(est, y, xerr=[[est - low], [high - est]], fmt="none", ecolor=color, capsize=4, lw=1.4)
        ax.plot(est, y, "D" if color == BUILDER_VS_COLOR else "o", color=color, markersize=6)
        ax.annotate(
            f"{est:.2f}x", (est, y), xytext=(0, 6), textcoords="offset points", ha="center", fontsize=7
        )
    ax.axvline(1.0, color="grey", linestyle="--", linewidth=1)
    shown = {r[4] for r in rows}
    handles = [
        Line2D([], [], color=c, marker=m, linestyle="-", label=label)
        for c, m, label in (
            (BUILDER_VS_COLOR, "D", "BuildKit over legacy"),
            (BUILDER_COLORS["legacy"], "o", "cache over cold, legacy"),
            (BUILDER_COLORS["buildkit"], "o", "cache over cold, BuildKit"),
        )
        if c in shown
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=8, frameon=False)
    ax.set_yticks(ys, [r[0] for r in rows], fontsize=8)
    ax.set_xscale("log")
    log_ticks(ax.xaxis, "x")
    values = [v for r in rows for v in r[1:4] if math.isfinite(v) and v > 0]
    ax.set_xlim(min(0.8, min(values) / 1.3), max(1.25, max(values) * 1.3))
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel(
        "speedup (x, log scale): reference median / candidate median; above 1 the candidate is faster",
        fontsize=9,
    )
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("Speedups with 95% bootstrap intervals (dashed line: no change)", fontsize=10)
    caption = (
        "BuildKit over legacy (speedup = legacy median / BuildKit median) per cache and change, and each"
        " cache source over a cold build (cold median / cached median) per builder; dots are estimates,"
        " bars 95% percentile-bootstrap intervals; a bar that crosses the dashed line is no clear difference."
    )
    return [save(fig, out_dir, NAME, "Speedups", caption)]
