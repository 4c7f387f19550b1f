"""The report's figures: each module draws one kind to a PNG and says what it shows.

matplotlib's object API (Figure + Agg canvas) as in `medians`: no pyplot state, no window.
Imported only when a report is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

    from bench.report.model import Report


@dataclass(frozen=True)
class FigureFile:
    """A drawn figure: its file name beside the report, a heading and the alt text / caption."""

    name: str
    title: str
    caption: str


def draw_all(report: Report, out_dir: Path) -> list[FigureFile]:
    """Every figure the report's data allows, in reading order; none when no build succeeded."""
    from bench.report.figures import distributions, heatmap, speedups, timeline

    if not report.has_ok_builds:
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    found: list[FigureFile] = []
    for module in (distributions, speedups, heatmap, timeline):
        found += module.draw(report, out_dir)
    return found


def save(fig: Figure, out_dir: Path, name: str, title: str, caption: str) -> FigureFile:
    """Write the figure as out_dir/name and say what it shows."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_dir / name)
    return FigureFile(name, title, caption)


def log_ticks(axis: Axis, suffix: str = "") -> None:
    """Ticks of a log axis at 1, 2 and 5 per decade, written as plain numbers (`suffix`: "x" for ratios)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}{suffix}"))
    axis.set_minor_formatter(NullFormatter())
