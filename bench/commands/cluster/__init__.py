"""`bench cluster SUBCOMMAND`: a single-node SLURM cluster on this machine, one module per subcommand."""

from __future__ import annotations

import sys

from bench.commands import table, usage
from bench.commands.cluster import down, env, status, up

SUBCOMMANDS = table([up, down, status, env])

NAME = "cluster"
USAGE = "|".join(SUBCOMMANDS) + " ..."
HELP = "a single-node SLURM cluster on this machine (Debian's packages), to try hydra/launcher=bench_slurm"


def main(args: list[str]) -> int:
    text = f"usage: bench cluster SUBCOMMAND [-h] ...\n\n{HELP}\n\n{usage('bench cluster', SUBCOMMANDS)}"
    if args[:1] in (["-h"], ["--help"]):
        print(text)
        return 0
    if not args or args[0] not in SUBCOMMANDS:
        given = f"unknown subcommand {args[0]!r}; " if args else ""
        print(
            f"bench: cluster: {given}give one of {', '.join(SUBCOMMANDS)} (bench cluster --help)",
            file=sys.stderr,
        )
        return 2
    return SUBCOMMANDS[args[0]].main(args[1:])
