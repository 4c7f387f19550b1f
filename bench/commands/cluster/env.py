"""`bench cluster env`: the shell exports that point SLURM's clients (sbatch, squeue...) at the cluster."""

from __future__ import annotations

import sys

from bench.commands import arguments

NAME = "env"
USAGE = ""
HELP = 'the shell exports to use the bench cluster: eval "$(bench cluster env)"'


def main(args: list[str]) -> int:
    from bench.cluster import environment
    from bench.cluster.layout import PATHS

    arguments.parser(f"cluster {NAME}", HELP).parse_args(args)
    if not PATHS.conf.exists():  # on stderr: `eval` still gets the exports, for after `bench cluster up`
        print(f"bench: {PATHS.conf} does not exist yet; start the cluster: bench cluster up", file=sys.stderr)
    print(environment.exports(), end="")
    return 0
