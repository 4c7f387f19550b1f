"""The sections of a history's report: which commits were built and how each run ended, then per cell
the median build time and CPU seconds per commit with 95% intervals, and the commits where time changed
beyond noise against the previous commit (bench/analysis/history_series.py says how that is decided)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bench.analysis.history_series import FASTER, SLOWER, CommitCell, interval_text
from bench.report.document import Block, Bullets, Heading, Image, Paragraph, Table
from bench.report.figures import FigureFile

if TYPE_CHECKING:
    from bench.report.history import HistoryReport

COMMIT_COLUMNS = ("#", "commit", "date", "subject", "run", "status")
CELL_COLUMNS = ("#", "commit", "n", "median time [95% CI]", "median CPU s [95% CI]", "change vs previous")


def commits(report: HistoryReport) -> list[Block]:
    index = report.index
    rows = [
        [
            p.n,
            f"`{p.short}`",
            p.date[:10],
            p.subject[:80],
            p.run_dir,
            p.status + (f": {p.error}" if p.error else ""),
        ]
        for p in index.points
    ]
    failed = sum(1 for p in index.points if p.status != "ok")
    status = index.status + (f", {failed} commit(s) not ok" if failed else "")
    return [
        Paragraph(
            f"`{index.path}` of `{index.repo}` built at each commit of `{index.revs}` ({status}); each "
            f"commit is one `bench run` with `{' '.join(index.overrides)}`. Started {index.started_at}."
        ),
        Heading("Commits"),
        Table(list(COMMIT_COLUMNS), rows, [True]),
    ]


def change_text(commit: CommitCell) -> str:
    """`**slower** x0.80 [0.75, 0.86] vs abc1234`: the speedup median(before) / median(this) and its
    interval; `no clear difference` or `insufficient data` without a mark; `-` for the first point."""
    if commit.change is None or commit.against is None:
        return "-"
    speedup = commit.change.speedup
    ratio = f"x{speedup.estimate:.2f}" + (
        f" [{speedup.low:.2f}, {speedup.high:.2f}]" if speedup.defined else ""
    )
    word = f"**{commit.mark}**" if commit.mark else commit.change.verdict
    return f"{word} {ratio} vs `{commit.against.short}`"


def cell_rows(line: Sequence[CommitCell]) -> list[list[object]]:
    rows: list[list[object]] = []
    for commit in line:
        n = f"{commit.n_ok}" + (f" ({commit.n_failed} failed)" if commit.n_failed else "")
        rows.append(
            [
                commit.point.n,
                f"`{commit.point.short}`",
                n,
                interval_text(commit.time),
                interval_text(commit.cpu),
                change_text(commit),
            ]
        )
    return rows


def cells(report: HistoryReport) -> list[Block]:
    if not report.cells:
        return [Heading("Time and CPU per commit"), Paragraph("No commit's run has build rows.")]
    out: list[Block] = [
        Heading("Time and CPU per commit"),
        Paragraph(
            "Per cell: the median wall time and median CPU seconds (user + system of the engine; `-` where "
            "rows have no CPU figures) of the measured ok builds, with 95% bootstrap intervals (none below 3 "
            "builds). *change vs previous* is median(previous) / median(this) against the previous commit "
            f"with ok builds: **{SLOWER}** or **{FASTER}** when its 95% interval excludes 1 (beyond noise)."
        ),
    ]
    for cell, line in report.cells.items():
        out += [
            Heading(f"`{cell}`", 3),
            Table(list(CELL_COLUMNS), cell_rows(line), [True, False, True, True, True]),
        ]
    return out


def changes(report: HistoryReport) -> list[Block]:
    marked = [c for line in report.cells.values() for c in line if c.mark]
    if not marked:
        return [Paragraph("No commit changed a cell's build time beyond noise.")] if report.cells else []
    return [
        Heading("Changes beyond noise"),
        Bullets([f"`{c.point.short}` {c.point.subject[:60]}: `{c.cell}` {change_text(c)}" for c in marked]),
    ]


def history_blocks(report: HistoryReport, figures: Sequence[FigureFile]) -> list[Block]:
    """The whole document, in reading order."""
    drawn: list[Block] = [Image(f.name, f.title, f.caption) for f in figures]
    return [*commits(report), *changes(report), *cells(report), *drawn]
