"""Every repetition of every cell as a point, with the median and its 95% interval (a strip plot)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bench.report.figures import FigureFile
from bench.report.figures.medians import plot_medians

if TYPE_CHECKING:
    from bench.report.model import Report

NAME = "report-distributions.png"


def draw(report: Report, out_dir: Path, name: str = NAME) -> list[FigureFile]:
    """The strip plot as `name` in out_dir (summary.png for a run's summary)."""
    plot_medians(report.builds, out_dir / name, cells=report.cells)
    return [
        FigureFile(
            name,
            "Build times, every repetition",
            "Wall-clock build time of every measured ok build (points, in execution order left to right),"
            " the median of each cell (wide tick) and its 95% bootstrap interval (error bar).",
        )
    ]
