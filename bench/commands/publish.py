"""`bench publish RUN_DIR... --out DIR`: a static site of runs (bench/report/commands.py)."""

from __future__ import annotations

from bench.commands import arguments

NAME = "publish"
USAGE = "RUN_DIR... --out DIR"
HELP = "a static site: an index of runs and one page each"


def main(args: list[str]) -> int:
    from rich.console import Console

    from bench.report import commands

    description = "Write a static site of the runs: index.html and runs/<id>/index.html."
    ns = arguments.runs(NAME, description, args, "the site's directory", out_required=True)
    return commands.publish(ns.run_dirs, ns.out, Console(), n_resamples=ns.resamples)
