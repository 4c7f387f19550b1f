"""The report of a history (`bench history`): history.md, history.html and its figure, in the history's
directory or another; the published site's page of a history is the same document (bench/report/publish.py).

Its own small model (the index and the series across commits): a run's Report is about cells of one
run; a history is about one cell across many runs. The blocks are written once in
bench/report/sections/history.py and rendered with the report's own Markdown and HTML writers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.analysis import stats
from bench.analysis.history_series import CommitCell, point_builds, series
from bench.report.figures import FigureFile
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


def render_markdown(report: HistoryReport, figures: Sequence[FigureFile], src=str) -> str:
    from bench.report.document import Heading
    from bench.report.markdown import block_lines
    from bench.report.sections.history import history_blocks

    lines = block_lines(Heading(report.title, 1))
    for block in history_blocks(report, figures):
        lines += block_lines(block, src)
    return "\n".join(lines).rstrip("\n") + "\n"


def write_history_report(
    directory: Path,
    out: Path | None = None,
    *,
    n_resamples: int = stats.DEFAULT_RESAMPLES,
    html_name: str = HISTORY_HTML,
    nav: str = "",
) -> list[Path]:
    """history.md and a self-contained history.html (and the figure) into `out` (default: the history)."""
    from bench.report.figures import history as history_figure
    from bench.report.html import data_uri, markdown_to_html, page

    report = history_report(directory, n_resamples)
    target = Path(out) if out is not None else Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    figures = history_figure.draw(report, target)
    markdown = target / HISTORY_MD
    markdown.write_text(render_markdown(report, figures), encoding="utf-8")
    text = render_markdown(report, figures, src=lambda name: data_uri(target / name))
    html_path = target / html_name
    html_path.write_text(page(report.title, markdown_to_html(text), nav), encoding="utf-8")
    return [markdown, html_path]
