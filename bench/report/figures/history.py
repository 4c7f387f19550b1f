"""history-times.png: median build time per commit, one line per cell, 95% intervals as bars, and the
commits where time changed beyond noise marked (red triangle up: slower; green down: faster)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bench.analysis.history_series import FASTER, SLOWER
from bench.report.figures import FigureFile, save

if TYPE_CHECKING:
    from bench.report.history import HistoryReport

NAME = "history-times.png"
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MARKS = {SLOWER: ("^", "#C00000"), FASTER: ("v", "#007A33")}


def draw(report: HistoryReport, out_dir: Path) -> list[FigureFile]:
    """The figure; none when no commit has an ok build."""
    if not any(c.time is not None for line in report.cells.values() for c in line):
        return []
    points = report.index.points
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.add_subplot()
    shift = 0.12 if len(report.cells) > 1 else 0.0
    for number, (cell, line) in enumerate(report.cells.items()):
        color = COLORS[number % len(COLORS)]
        offset = (number - (len(report.cells) - 1) / 2) * shift / max(1, len(report.cells) - 1)
        xs, ys, low, high = [], [], [], []
        for position, commit in enumerate(line):
            if commit.time is None:
                continue
            x, y = position + offset, commit.time.estimate
            xs.append(x)
            ys.append(y)
            defined = commit.time.defined
            low.append(y - commit.time.low if defined else 0.0)
            high.append(commit.time.high - y if defined else 0.0)
            if commit.mark:
                marker, mark_color = MARKS[commit.mark]
                ax.plot([x], [y], marker=marker, markersize=11, color=mark_color, zorder=6, linestyle="none")
        ax.errorbar(xs, ys, yerr=[low, high], color=color, marker="o", markersize=4, capsize=3, label=cell)
    ax.set_xticks(range(len(points)), [f"{p.n}\n{p.short}" for p in points], fontsize=7)
    ax.set_xlabel("commit (oldest first)")
    ax.set_ylabel("median build time (s)")
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    handles, _ = ax.get_legend_handles_labels()
    for word in sorted({c.mark for line in report.cells.values() for c in line if c.mark}):
        marker, mark_color = MARKS[word]
        handles.append(
            Line2D([], [], marker=marker, color=mark_color, linestyle="none", label=f"{word} (beyond noise)")
        )
    if len(handles) > 1:
        ax.legend(handles=handles, fontsize=7, loc="best")
    marked = sum(1 for line in report.cells.values() for c in line if c.mark)
    caption = (
        "Median build time per commit and cell; bars: 95% bootstrap interval (none below 3 builds). "
        f"{marked} point(s) changed beyond noise against the previous commit (triangles)."
    )
    return [save(fig, out_dir, NAME, "Build time per commit", caption)]
