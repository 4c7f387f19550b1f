"""The claims of the talk, each with its verdict from this run's data (bench.report.claims decides them)."""

from __future__ import annotations

from collections.abc import Sequence

from bench.report.document import Block, Bullets, Heading, Paragraph, Table
from bench.report.figures import FigureFile
from bench.report.model import Report

VERDICT_MARK = {
    "supported": "**supported**",
    "not supported": "**not supported**",
    "not measured": "not measured",
}


def claims(report: Report, figures: Sequence[FigureFile]) -> list[Block]:
    """Each claim of the talk with its verdict; below the table, the numbers behind each verdict."""
    if report.cells.empty:
        return []
    detailed = [v for v in report.claims if v.verdict != "not measured" or len(v.numbers) > 1]
    rows = [
        [
            v.claim.id,
            v.claim.text,
            VERDICT_MARK[v.verdict],
            "see below" if v in detailed else "; ".join(v.numbers),
        ]
        for v in report.claims
    ]
    out: list[Block] = [
        Heading("Claims of the talk"),
        Paragraph(
            "Each claim gets a verdict from this run's data only; *not measured* means the run has no cells"
            " that speak to it."
        ),
        Table(["id", "claim", "verdict", "numbers"], rows),
    ]
    for v in detailed:
        out += [Paragraph(f"**{v.claim.id}: {v.verdict}.**"), Bullets(v.numbers)]
    return out
