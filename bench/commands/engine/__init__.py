"""`bench engine SUBCOMMAND`: the engine's life cycle and what it holds, one module per subcommand."""

from __future__ import annotations

import sys

from bench.commands import table, usage
from bench.commands.engine import add, down, env, gc, purge, reset, status, up

SUBCOMMANDS = table([up, down, reset, status, gc, env, add, purge])

NAME = "engine"
USAGE = "|".join(SUBCOMMANDS) + " ..."
HELP = "the dedicated engine and its registry: set up, stop, empty, inspect, collect, add, remove"


def main(args: list[str]) -> int:
    text = f"usage: bench engine SUBCOMMAND [-h] ...\n\n{HELP}\n\n{usage('bench engine', SUBCOMMANDS)}"
    if args[:1] in (["-h"], ["--help"]):
        print(text)
        return 0
    if not args or args[0] not in SUBCOMMANDS:
        given = f"unknown subcommand {args[0]!r}; " if args else ""
        print(
            f"bench: engine: {given}give one of {', '.join(SUBCOMMANDS)} (bench engine --help)",
            file=sys.stderr,
        )
        return 2
    return SUBCOMMANDS[args[0]].main(args[1:])
