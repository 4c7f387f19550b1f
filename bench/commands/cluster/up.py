"""`bench cluster up`: install munge and SLURM from Debian, write the config, start the three daemons."""

from __future__ import annotations

from bench.commands import arguments

NAME = "up"
USAGE = ""
HELP = "install (once) and start a single-node SLURM cluster, partition debug (idempotent; root)"


def main(args: list[str]) -> int:
    from bench.cluster import lifecycle

    arguments.parser(f"cluster {NAME}", HELP).parse_args(args)
    lifecycle.up()
    return 0
