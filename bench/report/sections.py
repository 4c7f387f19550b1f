"""The sections of a report, each written once as blocks (bench.report.document) from the one model.

A report shows REPORT_SECTIONS; the summary written at a run's end (summary.md) is the subset
SUMMARY_SECTIONS, and the terminal shows TERMINAL_SECTIONS: the same functions, so summary.md, report.md,
report.html and the terminal cannot disagree. A section with nothing to say returns no blocks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from bench import quality, stats
from bench.report import comparisons
from bench.report.document import Block, Bullets, Heading, Paragraph, Table
from bench.report.environment import configuration, environment
from bench.report.figures import FigureFile
from bench.report.model import Report
from bench.summary import formatting as fmt
from bench.summary import table as tables

Section = Callable[[Report, Sequence[FigureFile]], list[Block]]
VERDICT_MARK = {
    "supported": "**supported**",
    "not supported": "**not supported**",
    "not measured": "not measured",
}


def _resamples(report: Report) -> str:
    if report.n_resamples == report.requested_resamples:
        return f"{report.n_resamples} resamples"
    return (
        f"{report.n_resamples} resamples, fewer than the {report.requested_resamples} asked for because the"
        " largest cell has thousands of builds"
    )


def _resumed(report: Report) -> list[Block]:
    """One line when a run was interrupted and continued: how many rows came after the resume."""
    builds = report.builds
    if "resumed" not in builds or builds.empty:
        return []
    after = int((builds["resumed"] == True).sum())  # noqa: E712 (null in rows of older runs)
    return (
        [Paragraph(f"Resumed: {after} of these builds were measured by `bench run --resume`.")]
        if after
        else []
    )


def intro(report: Report, figures: Sequence[FigureFile]) -> list[Block]:
    """Which runs, how many builds, how the numbers are made; partial runs and mixed environments."""
    runs = ", ".join(f"`{r}`" for r in report.run_ids)
    n_measured = len(tables.measured(report.builds)) if len(report.builds) else 0
    out: list[Block] = [
        Paragraph(
            f"Run{'s' if len(report.runs) > 1 else ''} {runs}: {n_measured} measured builds in"
            f" {len(report.cells)} cells. Times are wall-clock seconds of the build process; the centre is"
            " the median of a cell's ok builds, the spread its interquartile range (IQR), the interval a 95%"
            " percentile bootstrap"
            f" ({_resamples(report)}, seed {report.seed}), none below {stats.MIN_SAMPLES_FOR_INTERVAL}"
            " ok builds. Warmups are recorded but not counted."
        ),
        *_resumed(report),
    ]
    out += [
        Paragraph(("" if c.complete else "**Partial run.** ") + c.sentence()) for c in report.completeness
    ]
    if report.environment_differences:
        out += [
            Paragraph(
                "**Warning: these runs were measured in different environments**; their times may not be"
                " comparable:"
            ),
            Bullets(report.environment_differences),
        ]
    return out


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


def cells(report: Report, figures: Sequence[FigureFile]) -> list[Block]:
    """One table per scenario: each cell's counts, median, IQR and interval."""
    out: list[Block] = [Heading("Build times per scenario")]
    table = report.cells
    if table.empty:
        return [*out, Paragraph("No builds were recorded yet: nothing to report.")]
    dims = [k for k in tables.comparison_keys(table) if k != "scenario" and table[k].notna().any()]
    headers = [*dims, "builder", *CELL_HEADERS]
    right = [False] * (len(dims) + 1) + [True] * len(CELL_HEADERS)
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
                c["n_outliers"],
                c["n_flagged"],
            ]
            for _, c in table[table["scenario"] == scenario].iterrows()
        ]
        out += [Heading(f"Scenario `{scenario}`", 3), Table(headers, rows, right)]
    return out


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
    """Registry-cache import against the cold rebuild, with the crossover (bench.pull_vs_rebuild)."""
    from bench import pull_vs_rebuild as pvr

    if not report.pull_or_rebuild:
        return []
    right = [False] * 5 + [True] * 7 + [False]
    return [
        Heading("Pull or rebuild"),
        Paragraph(pvr.EXPLANATION),
        Table(pvr.HEADERS, pvr.table_rows(report.pull_or_rebuild), right),
    ]


def shared_caches(report: Report, figures: Sequence[FigureFile]) -> list[Block]:
    """Each builder warmed by itself and by the other one (bench.shared_caches), when the run has both."""
    from bench.shared_caches import summary_lines

    found = report.shared_caches
    if not any(e.primed_by != e.builder for e in found):
        return []
    return [Heading("Are the builders' caches shared?"), Bullets(summary_lines(found))]


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
            description = quality.DESCRIPTIONS.get(name, "no description recorded for this flag")
            items.append(f"`{name}` ({n} build{'s' if n != 1 else ''}; {where}): {description}.")
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


def engines(report: Report, figures: Sequence[FigureFile]) -> list[Block]:
    from bench.report.engines import engines_section

    return engines_section(report)


REPORT_SECTIONS: tuple[Section, ...] = (
    intro,
    claims,
    cells,
    speedups,
    pull_or_rebuild,
    shared_caches,
    failed,
    platform_steps,
    figures_section,
    flags,
    engines,
    environment,
    configuration,
)
SUMMARY_SECTIONS: tuple[Section, ...] = (
    intro,
    cells,
    speedups,
    pull_or_rebuild,
    shared_caches,
    failed,
    figures_section,
    flags,
    environment,
    configuration,
)
TERMINAL_SECTIONS: tuple[Section, ...] = (cells, speedups, pull_or_rebuild, shared_caches, failed, flags)


def blocks(report: Report, figures: Sequence[FigureFile], sections: Sequence[Section]) -> list[Block]:
    """The document: each section's blocks in order."""
    return [block for section in sections for block in section(report, figures)]
