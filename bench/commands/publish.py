"""`bench publish RUN_DIR... --out DIR`: a static site of runs (bench/report/commands.py)."""

from __future__ import annotations

from pathlib import Path

from bench.commands import arguments

NAME = "publish"
USAGE = "RUN_DIR... --out DIR"
HELP = "a static site: an index of runs and one page each"


def main(args: list[str]) -> int:
    from rich.console import Console

    from bench.report import commands

    parser = arguments.parser(NAME, "Write a static site of the runs: index.html and runs/<id>/index.html.")
    parser.add_argument("run_dirs", nargs="+", type=Path, metavar="RUN_DIR")
    parser.add_argument("--out", type=Path, required=True, help="the site's directory")
    arguments.add_resamples(parser)
    ns = parser.parse_args(args)
    return commands.publish(ns.run_dirs, ns.out, Console(), n_resamples=ns.resamples)
