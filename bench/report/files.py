"""One small interface for every document format (as hyperfine's src/export/): the report in, one file out.

Figures are drawn once and handed to every exporter, so report.md and report.html show the same pictures
and the same numbers. The summary a run writes at its end (summary.md, summary.png) is the same model
with fewer sections (bench.report.sections.SUMMARY_SECTIONS) and one figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from bench.report.figures import FigureFile
from bench.report.model import Report

SUMMARY_MD = "summary.md"
SUMMARY_PNG = "summary.png"


class Exporter(Protocol):
    """Writes one format of a report into `out_dir` and returns the path written."""

    file_name: str

    def export(self, report: Report, figures: Sequence[FigureFile], out_dir: Path) -> Path: ...


def exporters() -> dict[str, Exporter]:
    from bench.report.html import HtmlExporter
    from bench.report.markdown import MarkdownExporter

    return {"markdown": MarkdownExporter(), "html": HtmlExporter()}


def write_report(report: Report, out_dir: Path, formats: Sequence[str] = ("markdown", "html")) -> list[Path]:
    """Draw the figures into out_dir, then write each requested format; returns the report files."""
    from bench.report.figures import draw_all

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = draw_all(report, out_dir)
    known = exporters()
    return [known[f].export(report, figures, out_dir) for f in formats]


def write_summary(report: Report, run_dir: Path, *, figure: bool = True) -> Path:
    """run_dir/summary.md, with summary.png drawn beside it when `figure` and any build succeeded.

    The figure is drawn here so that the Markdown never links to a missing or stale image.
    """
    from bench.report.markdown import MarkdownExporter
    from bench.report.sections import SUMMARY_SECTIONS

    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    figures: list[FigureFile] = []
    if figure and report.has_ok_builds:
        from bench.report.figures import distributions  # matplotlib only when a figure is wanted

        figures = distributions.draw(report, run_dir, name=SUMMARY_PNG)
    return MarkdownExporter(SUMMARY_MD, SUMMARY_SECTIONS, "summary").export(report, figures, run_dir)
