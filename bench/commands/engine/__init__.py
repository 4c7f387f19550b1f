"""`bench engine SUBCOMMAND`: the engine's life cycle and what it holds, one module per subcommand."""

from __future__ import annotations

from bench.commands import dispatch, table
from bench.commands.engine import add, down, env, gc, purge, reset, status, up

SUBCOMMANDS = table([up, down, reset, status, gc, env, add, purge])

NAME = "engine"
USAGE = "|".join(SUBCOMMANDS) + " ..."
HELP = "the dedicated engine and its registry: set up, stop, empty, inspect, collect, add, remove"


def main(args: list[str]) -> int:
    return dispatch(NAME, HELP, SUBCOMMANDS, args)
