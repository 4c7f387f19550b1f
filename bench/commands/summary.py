"""`bench summary RUN_DIR`: a run's terminal table and summary.md again."""

from __future__ import annotations

from bench.commands import arguments

NAME = "summary"
USAGE = "RUN_DIR"
HELP = "the terminal table and summary.md of a run directory again"


def main(args: list[str]) -> int:
    from rich.console import Console

    from bench.app import summarize

    run_dir = arguments.directory(NAME, HELP, args, "RUN_DIR", "results/2026-...")
    return 0 if summarize(run_dir, Console()) else 1
