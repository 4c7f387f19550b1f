"""`bench cluster status`: the daemons, the node's state and the queue; exit 0 when up, 1 otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.commands import arguments

if TYPE_CHECKING:
    from bench.cluster.lifecycle import ClusterStatus

NAME = "status"
USAGE = ""
HELP = "the cluster's daemons, node state and jobs (exit 0 when up, 1 when down or never set up)"


def lines(found: ClusterStatus) -> list[str]:
    """What status prints, from a ClusterStatus (one line when the cluster was never set up)."""
    from bench.cluster.layout import PARTITION

    if not found.configured:
        return ["the bench cluster was never set up on this machine; start it: bench cluster up"]
    said = [f"the bench cluster is {'up' if found.up else 'down'}"]
    for daemon, process in found.daemons.items():
        said.append(
            f"  {daemon:<10} pid {process.pid:<8} running" if process else f"  {daemon:<10} not running"
        )
    if found.node_state is not None:
        said.append(f"  node {found.node}: {found.node_state} (partition {PARTITION})")
    if found.jobs is not None:
        said.append(f"  jobs known to slurmctld: {len(found.jobs)}")
        said += [f"    {job.job_id:<10} {job.state:<12} {job.name}" for job in found.jobs]
    return said


def main(args: list[str]) -> int:
    from bench.cluster import lifecycle

    arguments.parser(f"cluster {NAME}", HELP).parse_args(args)
    found = lifecycle.status()
    print("\n".join(lines(found)))
    return 0 if found.up else 1
