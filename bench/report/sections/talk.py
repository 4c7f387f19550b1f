"""The claims of the talk, each with its verdict from this run's data (bench/report/claims/ decides them)."""

from __future__ import annotations

from collections.abc import Sequence

from bench.report.document import Block, Bullets, Heading, Paragraph, Table
from bench.report.figures import FigureFile
from bench.report.model import Report
from bench.report.verdicts import ClaimVerdict

VERDICT_MARK = {
    "supported": "**supported**",
    "not supported": "**not supported**",
    "mixed": "**mixed**",
    "not measured": "not measured",
}


def verdict_text(v: ClaimVerdict) -> str:
    """The claim's word and, when its data covers named conditions, where it holds: "**supported** on
    tiny", "**mixed**: cache=inline: supported on loopback, not on wan (50 Mbit/s)"."""
    mark = VERDICT_MARK[v.verdict]
    if not v.headline:
        return mark
    if v.headline.startswith(f"{v.verdict} "):  # one verdict everywhere: the headline goes on from the word
        return mark + v.headline[len(v.verdict) :]
    return f"{mark}: {v.headline}"


def condition_table(v: ClaimVerdict) -> list[Block]:
    """The verdict under each condition the claim's data covers, with the figure it rests on."""
    if len(v.conditions) < 2:  # one condition: the headline names it, the numbers give its figure
        return []
    grouped = any(c.group for c in v.conditions)
    headers = [*(["of"] if grouped else []), "condition", "verdict", "figure"]
    rows = [[*([c.group] if grouped else []), c.condition, c.verdict, c.figure] for c in v.conditions]
    return [Table(headers, rows)]


def claims(report: Report, figures: Sequence[FigureFile]) -> list[Block]:
    """Each claim of the talk with its verdict; below the table, the numbers behind each verdict."""
    if report.cells.empty:
        return []
    detailed = [v for v in report.claims if v.verdict != "not measured" or len(v.numbers) > 1 or v.conditions]
    rows = [
        [
            v.claim.id,
            v.claim.text,
            verdict_text(v),
            "see below" if v in detailed else "; ".join(v.numbers),
        ]
        for v in report.claims
    ]
    out: list[Block] = [
        Heading("Claims of the talk"),
        Paragraph(
            "Each claim gets a verdict from this run's data only, and a verdict per condition its data covers"
            " (link, scenario, cache source): *mixed* means it holds under some of them and not under others;"
            " *not measured* means the run has no cells that speak to it."
        ),
        Table(["id", "claim", "verdict", "numbers"], rows),
    ]
    for v in detailed:
        said = f"**{v.claim.id}:** {verdict_text(v)}." if v.headline else f"**{v.claim.id}: {v.verdict}.**"
        out += [Paragraph(said), *condition_table(v), Bullets(v.numbers)]
    return out
