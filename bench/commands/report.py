"""`bench report RUN_DIR... [--out DIR]`: report.md and a self-contained report.html per run, or one merged
report of several runs (bench/report/commands.py)."""

from __future__ import annotations

from bench.commands import arguments

NAME = "report"
USAGE = "RUN_DIR... [--out DIR]"
HELP = "report.md + self-contained report.html (figures, claims) per run, or one merged report into DIR"


def main(args: list[str]) -> int:
    from rich.console import Console

    from bench.report import commands

    description = "Write report.md and report.html into each run directory (or --out)."
    ns = arguments.runs(NAME, description, args, "write one merged report of all the runs here", False)
    return commands.report(ns.run_dirs, ns.out, Console(), n_resamples=ns.resamples)
