"""`bench engine purge [--yes]`: says what it will remove, asks (unless --yes), removes, reports."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from bench.commands import arguments

if TYPE_CHECKING:
    from bench.config import EngineConfig

NAME = "purge"
USAGE = "[--yes]"
HELP = "remove everything bench installed or started: daemons, prefix, data, binfmt entries, packages"


def engines_bench_starts() -> list[EngineConfig]:
    """Every engine of conf/engine/ (shipped or added) whose daemon bench starts on this machine."""
    from bench.composition import CONF_DIR, compose, user_conf_dir

    found = []
    names = {path.stem for where in (CONF_DIR, user_conf_dir()) for path in (where / "engine").glob("*.yaml")}
    for name in sorted(names):
        engine = compose([f"engine={name}"]).engine
        if engine.owned and engine.started_by_bench:
            found.append(engine)
    return found


def main(args: list[str]) -> int:
    from bench.engine.outside_runs import no_run_meanwhile
    from bench.host import system

    parser = arguments.parser(f"engine {NAME}", HELP + " (root; asks first)")
    parser.add_argument("--yes", action="store_true", help="go ahead without asking")
    ns = parser.parse_args(args)
    system.require_root()
    with no_run_meanwhile(f"bench engine {NAME}"):  # no run's daemon is stopped under it
        return _purge(ns.yes)


def _purge(yes: bool) -> int:
    from bench.stack import purge

    engines = engines_bench_starts()
    print("bench engine purge will:")
    for line in purge.plan(engines):
        print(f"  - {line}")
    if not yes:
        if not sys.stdin.isatty():
            print(
                "bench: not a terminal to ask in; run `bench engine purge --yes` to go ahead", file=sys.stderr
            )
            return 2
        if input("go ahead? [y/N] ").strip().lower() not in ("y", "yes"):
            print("nothing removed")
            return 1
    report = purge.purge(engines)
    for line in report.removed:
        print(f"removed: {line}")
    for line in report.left:
        print(f"left: {line}")
    return 0 if not report.left else 1
