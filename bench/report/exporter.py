"""One small interface for every report format (as hyperfine's src/export/): the report in, one file out.

Figures are drawn once by `write_report` and handed to every exporter, so report.md and report.html show
the same pictures and the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from bench.report.figures import FigureFile
from bench.report.model import Report


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
