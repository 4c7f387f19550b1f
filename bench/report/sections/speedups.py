"""Sections that compare: BuildKit against legacy, cache sources against cold, pulling against rebuilding,
and whether the builders share caches. Every speedup is reference / candidate (bench.report.comparisons).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from bench.report import comparisons
from bench.report import formatting as fmt
from bench.report.document import Block, Bullets, Heading, Paragraph, Table
from bench.report.figures import FigureFile
from bench.report.model import Report


def comparison_blocks(frame: pd.DataFrame, sides: comparisons.Sides, subject: str) -> list[Block]:
    """A comparison table (bench.report.comparisons) and the notes of its short sides: used for builders,
    cache sources and `bench compare`, so every speedup is shown the same way."""
    dims = comparisons.comparison_dims(frame, sides)
    r, c = sides.reference, sides.candidate
    headers = [*dims, f"{sides.reference_label} (s)", f"{sides.candidate_label} (s)", sides.header]
    rows = [
        [*(s[d] for d in dims), *fmt.speedup_cells(s, f"{r}_median_s", f"{c}_median_s", subject)]
        for _, s in frame.iterrows()
    ]
    out: list[Block] = [Table([*headers, "95% CI", "p", "verdict"], rows, [False] * len(dims) + [True] * 5)]
    notes = [f"`{'|'.join(str(s[d]) for d in dims)}`: {s['note']}" for _, s in frame.iterrows() if s["note"]]
    return [*out, Bullets(notes)] if notes else out


def speedups(report: Report, figures: Sequence[FigureFile]) -> list[Block]:
    """BuildKit against legacy, and each cache source against a cold build, in the one direction."""
    if report.cells.empty:
        return []
    b, c = report.builder_speedups, report.cache_speedups
    out: list[Block] = [Heading("Speedups"), Paragraph(comparisons.SPEEDUP_RULE)]
    if not b.empty:
        out += [
            Heading("BuildKit against legacy", 3),
            *comparison_blocks(b, comparisons.BUILDERS, "BuildKit"),
        ]
    if not c.empty:
        out += [
            Heading("Each cache source against a cold build", 3),
            *comparison_blocks(c, comparisons.CACHES, "cached"),
        ]
    if b.empty and c.empty:
        out.append(Paragraph("No comparison: the run has a single builder and a single cache source."))
    return out


def pull_or_rebuild(report: Report, figures: Sequence[FigureFile]) -> list[Block]:
    """Registry-cache import against the cold rebuild, with the crossover (bench.analysis.pull_vs_rebuild)."""
    from bench.analysis import pull_vs_rebuild as pvr

    if not report.pull_or_rebuild:
        return []
    right = [False] * 5 + [True] * 7 + [False]
    return [
        Heading("Pull or rebuild"),
        Paragraph(pvr.EXPLANATION),
        Table(pvr.HEADERS, pvr.table_rows(report.pull_or_rebuild), right),
    ]


def shared_caches(report: Report, figures: Sequence[FigureFile]) -> list[Block]:
    """Each builder warmed by itself and by the other one (bench.analysis.shared_caches), when the run has
    both."""
    from bench.analysis.shared_caches import summary_lines

    found = report.shared_caches
    if not any(e.primed_by != e.builder for e in found):
        return []
    return [Heading("Are the builders' caches shared?"), Bullets(summary_lines(found))]
