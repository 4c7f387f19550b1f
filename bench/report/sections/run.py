"""Sections about the runs themselves: what was measured and how, and with which settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bench.analysis import stats
from bench.report import cells as tables
from bench.report.document import Block, Bullets, Code, Heading, Paragraph, Table
from bench.report.figures import FigureFile
from bench.report.model import Report


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


def _env_value(key: str, value: Any) -> str:
    if key == "emulators" and isinstance(value, Mapping):
        names = sorted(k.removeprefix("qemu-") for k in value)
        return (
            f"QEMU binfmt for {len(names)} architectures: {', '.join(names)}" if names else "none registered"
        )
    if key == "memory_bytes" and isinstance(value, int | float):
        return f"{value / 2**30:.1f} GiB"
    if key == "driver_status" and isinstance(value, list):
        return ", ".join(":".join(map(str, item)) for item in value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def environment(report: Report, figures: Sequence[FigureFile]) -> list[Block]:
    """The first run's environment, the fields a reader needs first at the top."""
    out: list[Block] = [Heading("Environment")]
    if not report.environment:
        return [*out, Paragraph("Not recorded.")]
    rows = [[k, _env_value(k, v)] for k, v in report.environment.items()]
    return [*out, Table(["field", "value"], rows)]


def configuration(report: Report, figures: Sequence[FigureFile]) -> list[Block]:
    """Each run's resolved configuration as recorded in run.json, so the run can be repeated."""
    out: list[Block] = [Heading("Configuration")]
    for run in report.runs:
        meta = run.meta
        out += [
            Paragraph(
                f"Run `{meta.run_id}`, config hash `{meta.config_hash}`, started {meta.started_at}, "
                f"status {meta.status}:"
            ),
            Code(meta.config_yaml or "(not recorded)", "yaml"),
        ]
    return out
