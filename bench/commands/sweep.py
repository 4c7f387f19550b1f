"""`bench sweep SWEEP_DIR`: which jobs of a multirun (-m) sweep are complete, partial or missing."""

from __future__ import annotations

from bench.commands import arguments

NAME = "sweep"
USAGE = "SWEEP_DIR"
HELP = "which jobs of a multirun (-m) sweep are complete, partial or missing"


def main(args: list[str]) -> int:
    from bench.report.sweep import print_sweep

    return print_sweep(arguments.directory(NAME, HELP, args, "SWEEP_DIR", "results/multirun/2026-..."))
