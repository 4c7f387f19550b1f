"""The environment and configuration sections: what a reader needs to reproduce or distrust the numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bench.report.document import Block, Code, Heading, Paragraph, Table
from bench.report.figures import FigureFile
from bench.report.model import Report


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
                f"Run `{meta.get('run_id', run.path.name)}`, config hash `{meta.get('config_hash', '-')}`,"
                f" started {meta.get('started_at', '-')}, status {meta.get('status', '-')}:"
            ),
            Code(meta.get("config_yaml", "") or "(not recorded)", "yaml"),
        ]
    return out
