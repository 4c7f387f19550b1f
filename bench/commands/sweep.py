"""`bench sweep SWEEP_DIR`: which jobs of a multirun (-m) sweep are complete, partial or missing."""

from __future__ import annotations

from pathlib import Path

from bench.commands import arguments

NAME = "sweep"
USAGE = "SWEEP_DIR"
HELP = "which jobs of a multirun (-m) sweep are complete, partial or missing"


def main(args: list[str]) -> int:
    from bench.report.sweep import print_sweep

    parser = arguments.parser(NAME, HELP)
    parser.add_argument("sweep_dir", type=Path, metavar="SWEEP_DIR", help="e.g. results/multirun/2026-...")
    return print_sweep(parser.parse_args(args).sweep_dir)
