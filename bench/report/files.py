"""Which document of a report goes where: report.md and report.html, summary.md and its figure, the
summary a run prints. Every one is the one model (bench/report/model.py) as a Document of some of its
sections (bench.report.sections), rendered by the exporters of bench/report/export/.

Figures are drawn once and linked by every format, so report.md and report.html show the same pictures
and the same numbers. The summary a run writes at its end (summary.md, summary.png) is the same model
with fewer sections (bench.report.sections.SUMMARY_SECTIONS) and one figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from bench.report.document import Document
from bench.report.export import write
from bench.report.export.terminal import TerminalExporter
from bench.report.figures import FigureFile
from bench.report.model import Report
from bench.report.sections import REPORT_SECTIONS, SUMMARY_SECTIONS, TERMINAL_SECTIONS, Section, document

REPORT_MD = "report.md"
REPORT_HTML = "report.html"
SUMMARY_MD = "summary.md"
SUMMARY_PNG = "summary.png"


def write_report(report: Report, out_dir: Path, *, html_name: str = REPORT_HTML, nav: str = "") -> list[Path]:
    """Draw the figures into out_dir, then write report.md and the page `html_name` (with `nav`, a site's
    links, above it); returns the two files."""
    from bench.report.figures import draw_all

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    page = document(report, draw_all(report, out_dir), REPORT_SECTIONS, "report", out_dir)
    return [write(page, "markdown", out_dir / REPORT_MD), write(page, "html", out_dir / html_name, nav=nav)]


def summary_document(report: Report, run_dir: Path, *, figure: bool = True) -> Document:
    """The summary (summary.md, and what --export-* of `bench summary` write), with summary.png drawn into
    run_dir when `figure` and any build succeeded: drawn here, so the Markdown never links to a missing or
    stale image."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    figures: list[FigureFile] = []
    if figure and report.has_ok_builds:
        from bench.report.figures import distributions  # matplotlib only when a figure is wanted

        figures = distributions.draw(report, run_dir, name=SUMMARY_PNG)
    return document(report, figures, SUMMARY_SECTIONS, "summary", run_dir)


def write_summary(report: Report, run_dir: Path, *, figure: bool = True) -> Path:
    """run_dir/summary.md (and its figure, see summary_document)."""
    return write(summary_document(report, run_dir, figure=figure), "markdown", Path(run_dir) / SUMMARY_MD)


def print_report(
    report: Report,
    console: Console,
    sections: Sequence[Section] = TERMINAL_SECTIONS,
    figures: Sequence[FigureFile] = (),
) -> None:
    """Print the report's sections (by default the summary a run prints at its end)."""
    TerminalExporter(console).show(document(report, figures, sections))
