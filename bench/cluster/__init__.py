"""A single-node SLURM cluster on this machine, from Debian's own packages (`bench cluster up|down|status|
env`), for trying bench's SLURM path before a real cluster; and the checks a real cluster must pass
(slurm_checks). docs/cluster.md says what it is built on.
May import: services, host, machine and below.
"""
