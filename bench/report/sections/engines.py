"""The report's engines section: which engine each merged run measured on, and how they differ.

A sweep over engines (`bench run -m engine=a,b`) writes one run per engine; the report merges them with
the engine as a cell dimension (bench/report/cells.py) and lists here each engine's identity (its
context and endpoint, the daemon's ID) and environment, so a figure can be traced to the machine behind it.
Runs whose parent directory is a sweep add which of the sweep's jobs are missing (bench/sweep/jobs.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bench.report.document import Block, Bullets, Heading, Paragraph, Table
from bench.report.figures import FigureFile
from bench.report.model import Report

COLUMNS = (
    "node",
    "engine",
    "context",
    "endpoint",
    "owned",
    "daemon",
    "engine_version",
    "storage",
    "kernel",
    "cpus",
    "runs",
)


def engine_rows(report: Report) -> list[list[str]]:
    """One row per distinct node and engine of the merged runs (name, context, endpoint, daemon ID)."""
    rows: dict[tuple[str, ...], list[str]] = {}
    for run in report.runs:
        engine, env = run.meta.engine, run.meta.environment
        store = str(env.get("storage_driver", "?")) + (
            " (containerd store)" if env.get("containerd_image_store") else ""
        )
        row = [
            run.meta.node or "?",
            engine.name,
            engine.context,
            engine.host or "-",
            "owned" if engine.owned else "shared",
            str(env.get("engine_id") or "?")[:12],
            str(env.get("engine_version", "?")),
            store,
            str(env.get("kernel", "?")),
            str(env.get("cpu_count", "?")),
        ]
        key = tuple(row)
        if key in rows:
            rows[key][-1] = str(int(rows[key][-1]) + 1)
        else:
            rows[key] = [*row, "1"]
    return list(rows.values())


def _sweep_dirs(report: Report) -> list[Path]:
    from bench.sweep.jobs import is_sweep

    parents = {Path(run.path).resolve().parent for run in report.runs}
    return sorted(p for p in parents if is_sweep(p))


def engines(report: Report, figures: Sequence[FigureFile] = ()) -> list[Block]:
    """The section's blocks; none for a report of one engine that is not part of a sweep (a sweep's report
    always names the nodes its jobs ran on)."""
    from bench.sweep.jobs import sweep_lines

    rows = engine_rows(report)
    sweeps = _sweep_dirs(report)
    if len(rows) < 2 and not sweeps:
        return []
    out: list[Block] = [Heading("Engines")]
    if len(rows) >= 2 or sweeps:
        out += [
            Paragraph(
                f"The runs measured on {len(rows)} engine(s) of {len({row[0] for row in rows})} node(s); "
                "`node` and `engine` are dimensions of every table above when they take more than one value."
            ),
            Table(list(COLUMNS), rows),
        ]
    for sweep in sweeps:
        first, *rest = sweep_lines(sweep)
        items = [line.removeprefix("- ") for line in rest if line.startswith("- ")]
        out += [Paragraph(first), *([Bullets(items)] if items else [])]
    return out
