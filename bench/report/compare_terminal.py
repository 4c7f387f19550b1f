"""`bench compare` as a document: the run comparison as one table, on the terminal (with warnings, notes
and the regressions counted) and in every --export-* format.

The table is `sections.speedups.comparison_blocks`, the same as the report's speedup tables (speedup =
base median / new median), with the run comparison's status in place of the verdict.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from bench.report import compare as cmp
from bench.report.comparisons import RUNS, SPEEDUP_RULE
from bench.report.document import Document, Heading, Table
from bench.report.export.terminal import TerminalExporter
from bench.report.sections.speedups import comparison_blocks


def _with_status(table: Table, result: cmp.RunComparison) -> Table:
    """The comparison table with the run comparison's status (regression...) in place of the verdict."""
    rows = [[*row[:-1], status] for row, status in zip(table.rows, result.cells["status"], strict=True)]
    return Table([*table.headers[:-1], "status"], rows, table.right)


def comparison_table(result: cmp.RunComparison) -> Table:
    """The one comparison table (speedup = base / new) with each cell's status."""
    table = comparison_blocks(result.cells, RUNS, "new")[0]
    assert isinstance(table, Table)
    return _with_status(table, result)


def comparison_document(result: cmp.RunComparison, base: str, new: str) -> Document:
    """What --export-* of `bench compare` write: the table, and for JSON and CSV the cells with their
    speedup (base / new) and status."""
    about = {
        "base": base,
        "new": new,
        "speedup": "base median / new median; above 1: NEW is faster",
        "threshold": result.threshold,
        "environment_differences": result.environment_differences,
        "regressions": len(result.regressions),
        "improvements": len(result.improvements),
    }
    return Document(None, [comparison_table(result)], {"cells": result.cells}, about)


def print_comparison(result: cmp.RunComparison, console: Console, base: str, new: str) -> None:
    for line in result.environment_differences:
        console.print(f"[yellow]warning: environments differ[/] {escape(line)}", highlight=False)
    notes = comparison_blocks(result.cells, RUNS, "new")[1:]
    shown = Document(None, [Heading(f"{base} -> {new}", 3), comparison_table(result), *notes])
    TerminalExporter(console).show(shown)
    console.print(
        f"[dim]{SPEEDUP_RULE} Here the reference is BASE and the candidate NEW: a regression needs the whole"
        f" interval below 1 and NEW slower by more than {result.threshold:.0%}.[/]"
    )
    n_reg, n_imp = len(result.regressions), len(result.improvements)
    colour = "red" if n_reg else "green"
    console.print(f"[{colour}]{n_reg} regression(s)[/], {n_imp} improvement(s)")
