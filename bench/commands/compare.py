"""`bench compare BASE NEW`: per-cell change with intervals; exit 1 on a regression (for CI gates)."""

from __future__ import annotations

from pathlib import Path

from bench.commands import arguments

NAME = "compare"
USAGE = "BASE NEW [--threshold 0.05] [--strict-env] [--export-json|--export-csv|--export-markdown F]"
HELP = "per-cell change of NEW against BASE with intervals; exit 1 on a regression (for CI gates)"


def main(args: list[str]) -> int:
    from rich.console import Console

    from bench.report import commands

    parser = arguments.parser(NAME, "Per-cell change of NEW against BASE; exit 1 when a cell regressed.")
    parser.add_argument("base", type=Path, metavar="BASE")
    parser.add_argument("new", type=Path, metavar="NEW")
    parser.add_argument(
        "--threshold", type=arguments.fraction, default=0.05, help="smallest change that counts (0.05 = 5%%)"
    )
    parser.add_argument("--strict-env", action="store_true", help="refuse runs from different environments")
    arguments.add_resamples(parser)
    arguments.add_exports(parser)
    ns = parser.parse_args(args)
    return commands.compare(
        ns.base,
        ns.new,
        Console(),
        threshold=ns.threshold,
        strict_environment=ns.strict_env,
        n_resamples=ns.resamples,
        exports=arguments.exports(ns),
    )
