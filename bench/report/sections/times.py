"""Sections about build times: per-cell tables, failures, quality flags and outliers, platforms, figures."""

from __future__ import annotations

import math
from collections.abc import Sequence

from bench.report import cells as tables
from bench.report import formatting as fmt
from bench.report.document import Block, Bullets, Heading, Paragraph, Table
from bench.report.figures import FigureFile
from bench.report.flag_records import reason as flag_reason
from bench.report.model import Report

CELL_HEADERS = (
    "ok",
    "failed",
    "unsupported",
    "warmups",
    "median (s)",
    "IQR (s)",
    "95% CI (s)",
    "outliers",
    "flagged",
)


#: beside the time, where rows have a cost (bench/engine/cost.py): runs before it show no such columns
CPU_HEADERS = ("CPU (s)", "parallelism")
CPU_NOTE = (
    "CPU (s) is the median of each build's user + system CPU seconds of the engine's processes (its cgroup,"
    " RUN containers included; rows say where it came from in `cost_source`), parallelism the median of"
    " each build's CPU seconds over its wall seconds: how many cores it used on average."
)


def _cores(x: object) -> str:
    return f"{float(x):.2f}" if isinstance(x, int | float) and math.isfinite(x) else fmt.MISSING


def cells(report: Report, figures: Sequence[FigureFile]) -> list[Block]:
    """One table per scenario: each cell's counts, median, IQR and interval, and its CPU where measured."""
    out: list[Block] = [Heading("Build times per scenario")]
    table = report.cells
    if table.empty:
        return [*out, Paragraph("No builds were recorded yet: nothing to report.")]
    with_cpu = "median_cpu_s" in table.columns and bool(table["median_cpu_s"].notna().any())
    dims = [k for k in tables.comparison_keys(table) if k != "scenario" and table[k].notna().any()]
    numbers = [*CELL_HEADERS[:7], *(CPU_HEADERS if with_cpu else ()), *CELL_HEADERS[7:]]
    headers = [*dims, "builder", *numbers]
    right = [False] * (len(dims) + 1) + [True] * len(numbers)
    if with_cpu:
        out.append(Paragraph(CPU_NOTE))
    for scenario in table["scenario"].unique():
        rows = [
            [
                *(c[d] for d in dims),
                c["builder"],
                c["n_ok"],
                c["n_failed"],
                c["n_unsupported"],
                c["n_warmup"],
                fmt.seconds(c["median_s"]),
                fmt.seconds(c["iqr_s"]) if c["n_ok"] >= 2 else fmt.MISSING,
                fmt.interval(c["ci_low_s"], c["ci_high_s"]),
                *((fmt.seconds(c["median_cpu_s"]), _cores(c["parallelism"])) if with_cpu else ()),
                c["n_outliers"],
                c["n_flagged"],
            ]
            for _, c in table[table["scenario"] == scenario].iterrows()
        ]
        out += [Heading(f"Scenario `{scenario}`", 3), Table(headers, rows, right)]
    return out


def failed(report: Report, figures: Sequence[FigureFile]) -> list[Block]:
    """Cells with failed or unsupported builds, with the line of the error a reader needs first."""
    if report.cells.empty:
        return []
    out: list[Block] = [Heading("Failed and unsupported cells")]
    if report.failed.empty:
        return [*out, Paragraph("None: every measured build succeeded.")]
    rows = [
        [f"`{f['cell']}`", f["outcome"], f["n"], f["first_error"] or fmt.MISSING]
        for _, f in report.failed.iterrows()
    ]
    return [*out, Table(["cell", "outcome", "builds", "first error line"], rows, [False, False, True])]


def flags(report: Report, figures: Sequence[FigureFile]) -> list[Block]:
    """Quality flags raised on measured builds and Tukey outliers: both kept in the statistics."""
    table = report.cells
    if table.empty:
        return []
    seen: dict[str, int] = {}
    for counts in table["flag_counts"]:
        for name, n in counts.items():
            seen[name] = seen.get(name, 0) + n
    out: list[Block] = [Heading("Flags and outliers")]
    if seen:
        items = []
        for name, n in seen.items():
            where = ", ".join(f"`{c['cell']}`" for _, c in table.iterrows() if name in c["flag_counts"])
            items.append(f"`{name}` ({n} build{'s' if n != 1 else ''}; {where}): {flag_reason(name)}.")
        out += [
            Paragraph("Quality flags raised on measured builds (the builds stay in the statistics):"),
            Bullets(items),
        ]
    else:
        out.append(Paragraph("No quality flags were raised."))
    n_out = int(table["n_outliers"].sum())
    out.append(
        Paragraph(
            f"Outliers: {n_out} ok build(s) lie beyond 1.5 IQR of their cell's quartiles (Tukey's fences)."
            " They are counted in the tables above, drawn hollow in the figures and kept in every statistic;"
            " with a few builds per cell such points are common even on a quiet machine."
        )
    )
    return out


def platform_steps(report: Report, figures: Sequence[FigureFile]) -> list[Block]:
    """Only for runs with multi-platform builds: step seconds per platform inside one build."""
    table = report.platform_steps
    if table.empty:
        return []
    rows = [
        [
            f"{r['scenario']} {r['builder']} `{r['cell_platform']}`",
            f"`{r['step_platform']}`",
            r["builds"],
            f"{r['steps']:g}",
            fmt.seconds(r["median_step_s"]),
            fmt.seconds(r["median_wall_s"]),
        ]
        for _, r in table.iterrows()
    ]
    header = ["cell", "steps run for", "builds", "steps", "step seconds (median)", "build wall (median)"]
    return [
        Heading("Time per platform inside multi-platform builds"),
        Paragraph(
            "Uncached step seconds summed per platform of one build (median over builds). `A->B` steps ran on"
            " platform A for target B (a cross-compiler); plain `B` steps ran for B (under QEMU when B is"
            " foreign). Platforms build in parallel, so the sums can exceed the wall time."
        ),
        Table(header, rows, [False, False, True, True, True, True]),
    ]


def figures_section(report: Report, figures: Sequence[FigureFile]) -> list[Block]:
    """Every figure drawn for this document, with its caption."""
    if report.cells.empty:
        return []
    out: list[Block] = [Heading("Figures")]
    if not figures:
        return [*out, Paragraph("No figures: no build succeeded.")]
    for f in figures:
        out += [Heading(f.title, 3), f]
    return out
