"""`bench history DIR --revs A..B [OVERRIDES...]`: build a project at each commit of a range
(bench/history/), then write the history's report (history.md, history.html) into its directory."""

from __future__ import annotations

from pathlib import Path

from bench.commands import arguments

NAME = "history"
USAGE = "DIR --revs A..B|REV,REV,... [--out DIR] [OVERRIDES...]"
HELP = "build a scenario directory at each commit of a git range; time and CPU per commit, changes marked"

EPILOG = """\
DIR is a scenario directory (a Dockerfile, optionally bench.yaml) inside a git repository. Each commit is
checked out in a temporary git worktree (your checkout, HEAD and index are not touched) and measured with
`bench run OVERRIDES scenario.path=<DIR in that commit>` (scenario=custom unless you name one), into
<out>/<n>_<short sha>/, with history.json tying them together. A commit whose run fails is recorded as
failed and the next one is built (exit 1 at the end).

--revs A..B is git's range: the commits reachable from B and not from A, oldest first, so A itself is
NOT built (use A~1..B to include it). A comma list (v1,v2,HEAD) builds exactly those, in that order.

  bench history scenarios/app --revs HEAD~5..HEAD repetitions=3 warmup=0 builder=buildkit cache=none
  bench report results/history/2026-...      # the history's report again
  bench publish results/history/2026-... --out site/
"""


def main(args: list[str]) -> int:
    from rich.console import Console

    from bench.history.run import run_history
    from bench.report.commands import say_written
    from bench.report.history import write_history_report

    parser = arguments.parser(NAME, "Build a scenario directory at each commit of a git range.", EPILOG)
    parser.add_argument(
        "directory", type=Path, metavar="DIR", help="the scenario directory, in a git checkout"
    )
    parser.add_argument(
        "--revs", required=True, metavar="A..B", help="a git range (excludes A) or REV,REV,..."
    )
    parser.add_argument("--out", type=Path, help="the history's directory (default results/history/<time>)")
    arguments.add_resamples(parser)
    arguments.add_overrides(parser)
    ns = parser.parse_intermixed_args(args)  # DIR, the flags and the overrides in any order
    console = Console()
    code, target = run_history(ns.directory, ns.revs, ns.overrides, ns.out, console)
    say_written(console, write_history_report(target, n_resamples=ns.resamples))
    return code
