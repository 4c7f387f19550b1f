"""The report of a history (`bench history`): history.md, history.html and its figure, in the history's
directory or another; the published site's page of a history is the same document (bench/report/publish.py).

Its own small model (the index and the series across commits): a run's Report is about cells of one
run; a history is about one cell across many runs. The blocks are written once in
bench/report/sections/history.py and rendered by the report's own exporters (bench/report/export/).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.analysis import stats
from bench.analysis.history_series import CommitCell, point_builds, series
from bench.store.history_index import HistoryIndex, read_index

HISTORY_MD = "history.md"
HISTORY_HTML = "history.html"


@dataclass(frozen=True)
class HistoryReport:
    """A history's index and, per cell, its commits in order."""

    directory: Path
    index: HistoryIndex
    cells: dict[str, list[CommitCell]]

    @property
    def title(self) -> str:
        where = Path(self.index.repo).name + ("" if self.index.path == "." else f"/{self.index.path}")
        return f"Build history: {where} ({self.index.revs})"


def history_report(directory: Path, n_resamples: int = stats.DEFAULT_RESAMPLES) -> HistoryReport:
    """Load a history directory: its index and every commit's rows."""
    index = read_index(directory)
    builds = [point_builds(directory, point) for point in index.points]
    return HistoryReport(Path(directory), index, series(index, builds, n_resamples=n_resamples))


def write_history_report(
    directory: Path,
    out: Path | None = None,
    *,
    n_resamples: int = stats.DEFAULT_RESAMPLES,
    html_name: str = HISTORY_HTML,
    nav: str = "",
) -> list[Path]:
    """history.md and a self-contained history.html (and the figure) into `out` (default: the history)."""
    from bench.report.document import Document
    from bench.report.export import write
    from bench.report.figures import history as history_figure
    from bench.report.sections.history import history_blocks

    report = history_report(directory, n_resamples)
    target = Path(out) if out is not None else Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    figures = history_figure.draw(report, target)
    page = Document(report.title, history_blocks(report, figures), directory=target)
    return [write(page, "markdown", target / HISTORY_MD), write(page, "html", target / html_name, nav=nav)]
