"""`bench cluster down`: cancel the jobs, stop the daemons, remove sockets, spool and pid files."""

from __future__ import annotations

from bench.commands import arguments

NAME = "down"
USAGE = ""
HELP = "cancel the jobs and stop the cluster's daemons (config and key stay; bench engine purge removes them)"


def main(args: list[str]) -> int:
    from bench.cluster import lifecycle

    arguments.parser(f"cluster {NAME}", HELP).parse_args(args)
    lifecycle.down()
    return 0
