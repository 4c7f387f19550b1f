"""`bench summary RUN_DIR`: a run's terminal table and summary.md again."""

from __future__ import annotations

from bench.commands import arguments

NAME = "summary"
USAGE = "RUN_DIR [--export-json F] [--export-csv F] [--export-markdown F]"
HELP = "the terminal table and summary.md of a run directory again"


def main(args: list[str]) -> int:
    from rich.console import Console

    from bench.run.experiment import summarize

    parser = arguments.directory_parser(NAME, HELP, "RUN_DIR", "results/2026-...")
    arguments.add_exports(parser)
    ns = parser.parse_args(args)
    return 0 if summarize(ns.directory, Console(), arguments.exports(ns)) else 1
