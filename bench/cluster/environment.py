"""What SLURM's clients (sbatch, squeue, scancel, sinfo, sacct) need to reach the bench cluster: SLURM_CONF
naming its slurm.conf, and its bin directory first on PATH, where the stand-in sacct is (sacct_shim.py).

Every bench command adds them to its own environment (`activate` here, at its start) once the bench
cluster has a config, so that `bench run -m hydra/launcher=bench_slurm` submits to it with nothing to set.
A real cluster's settings win: nothing is added when the user has set SLURM_CONF to another file, or when
the machine has a SLURM configuration of its own (/etc/slurm/slurm.conf, which the packages do not install).
`bench cluster env` prints them for a shell either way, since a person asked for them.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path

from bench.cluster.layout import PATHS, ClusterPaths
from bench.host import client
from bench.host.client import path_first

MACHINE_CONF = Path("/etc/slurm/slurm.conf")


def settings(base: Mapping[str, str], paths: ClusterPaths = PATHS) -> dict[str, str]:
    """SLURM_CONF and PATH that point the clients at the bench cluster, whatever `base` says."""
    return {"SLURM_CONF": str(paths.conf), "PATH": path_first(base.get("PATH", os.defpath), paths.bin_dir)}


def applies(base: Mapping[str, str], paths: ClusterPaths, machine_conf: Path) -> bool:
    """bench adds the settings by itself: the cluster has a config, and neither the user (SLURM_CONF) nor
    the machine (/etc/slurm/slurm.conf) names another SLURM."""
    if not paths.conf.exists():
        return False
    chosen = base.get("SLURM_CONF")
    if chosen:
        return chosen == str(paths.conf)
    return not machine_conf.exists()


def for_clients(
    base: Mapping[str, str], paths: ClusterPaths | None = None, machine_conf: Path | None = None
) -> dict[str, str]:
    """The settings bench adds to `base` (client_environment): all of them, or none. Paths default to
    this module's PATHS and MACHINE_CONF, read at each call."""
    paths = PATHS if paths is None else paths
    machine_conf = MACHINE_CONF if machine_conf is None else machine_conf
    return settings(base, paths) if applies(base, paths, machine_conf) else {}


def client_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """`base` (default: this process's) with bench's docker client settings (bench/host/client.py) and,
    when they apply, the bench cluster's SLURM_CONF and sacct first on PATH."""
    env = client.environment(base)
    env.update(for_clients(env))
    return env


def activate() -> None:
    """Point this process (and every docker and SLURM subprocess it starts) at bench's client settings."""
    wanted = ("DOCKER_CONFIG", "PATH", "SLURM_CONF")
    os.environ.update({key: value for key, value in client_environment().items() if key in wanted})


def exports(paths: ClusterPaths = PATHS) -> str:
    """Shell lines for a person: `eval "$(bench cluster env)"`."""
    return (
        f"export SLURM_CONF={shlex.quote(str(paths.conf))}\n"
        f"export PATH={shlex.quote(str(paths.bin_dir))}:$PATH\n"
        '# use: eval "$(bench cluster env)"\n'
    )
