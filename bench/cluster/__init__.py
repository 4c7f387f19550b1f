"""A single-node SLURM cluster on this machine, from Debian's own packages (`bench cluster up|down|status|
env`): for trying bench's SLURM path (Hydra's submitit_slurm launcher) before a real cluster, and for the
integration tests. Its paths (layout), the machine's facts and the slurm.conf made from them, munge's key,
the stand-in sacct (accounting is off), the daemons' life cycle and the clients' environment.
/work/shared/CLUSTER.md has the facts it is built on."""
