"""The sections of a report, each written once as blocks (bench.report.document) from the one model.

A report shows REPORT_SECTIONS; the summary written at a run's end (summary.md) is the subset
SUMMARY_SECTIONS, and the terminal shows TERMINAL_SECTIONS: the same functions, so summary.md, report.md,
report.html and the terminal cannot disagree. A section with nothing to say returns no blocks.

- `run`: intro, environment, configuration; `engines`: the engines of merged runs and sweeps
- `talk`: the claims of the talk and their verdicts
- `times`: cells, failed cells, flags and outliers, time per platform, figures
- `speedups`: BuildKit against legacy, caches against cold, pull or rebuild, shared caches
- `stops`: builds per cell and why each cell stopped; how many warm builds were paired
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from bench.report.document import Block, Document
from bench.report.figures import FigureFile
from bench.report.model import Report
from bench.report.sections.engines import engines
from bench.report.sections.run import configuration, environment, intro
from bench.report.sections.speedups import pull_or_rebuild, shared_caches, speedups
from bench.report.sections.stops import stops
from bench.report.sections.talk import claims
from bench.report.sections.times import cells, failed, figures_section, flags, platform_steps

Section = Callable[[Report, Sequence[FigureFile]], list[Block]]

REPORT_SECTIONS: tuple[Section, ...] = (
    intro,
    claims,
    cells,
    speedups,
    pull_or_rebuild,
    shared_caches,
    failed,
    stops,
    platform_steps,
    figures_section,
    flags,
    engines,
    environment,
    configuration,
)
#: summary.md: the report's sections but the claims, time per platform and the engines of merged runs
SUMMARY_SECTIONS: tuple[Section, ...] = tuple(
    s for s in REPORT_SECTIONS if s not in (claims, platform_steps, engines)
)
#: the terminal: the summary's sections but the intro, figures, environment and configuration
TERMINAL_SECTIONS: tuple[Section, ...] = tuple(
    s for s in SUMMARY_SECTIONS if s not in (intro, figures_section, environment, configuration)
)


def blocks(report: Report, figures: Sequence[FigureFile], sections: Sequence[Section]) -> list[Block]:
    """The document: each section's blocks in order."""
    return [block for section in sections for block in section(report, figures)]


def document(
    report: Report,
    figures: Sequence[FigureFile] = (),
    sections: Sequence[Section] = REPORT_SECTIONS,
    kind: str = "report",
    directory: Path | None = None,
) -> Document:
    """The report as the one document every format renders: these sections under the heading of `kind`
    (report, summary), with the model's tables (Report.tables) for JSON and CSV; `directory` holds the
    figures."""
    content = blocks(report, figures, sections)
    return Document(report.heading(kind), content, report.tables, report.about, directory)
