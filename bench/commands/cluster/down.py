"""`bench cluster down`: cancel the jobs, stop the daemons, remove sockets, spool and pid files."""

from __future__ import annotations

from bench.commands import arguments

NAME = "down"
USAGE = ""
HELP = "cancel the jobs and stop the cluster's daemons (config and key stay; bench engine purge removes them)"


def main(args: list[str]) -> int:
    from bench.cluster import lifecycle
    from bench.engine.outside_runs import no_run_meanwhile

    arguments.parser(f"cluster {NAME}", HELP).parse_args(args)
    with no_run_meanwhile(f"bench cluster {NAME}"):
        lifecycle.down()
    return 0
