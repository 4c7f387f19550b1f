"""`bench cluster SUBCOMMAND`: a single-node SLURM cluster on this machine, one module per subcommand."""

from __future__ import annotations

from bench.commands import dispatch, table
from bench.commands.cluster import down, env, status, up

SUBCOMMANDS = table([up, down, status, env])

NAME = "cluster"
USAGE = "|".join(SUBCOMMANDS) + " ..."
HELP = "a single-node SLURM cluster on this machine (Debian's packages), to try hydra/launcher=bench_slurm"


def main(args: list[str]) -> int:
    return dispatch(NAME, HELP, SUBCOMMANDS, args)
