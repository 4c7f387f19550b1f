"""Where the bench cluster keeps its files: what must survive a reboot under STATE_ROOT/cluster, what lives
only while the daemons run under RUN_ROOT/cluster (/run/bench/cluster, a tmpfs), as the engine does.

Persistent: slurm.conf, munge's key (0600 in a 0700 directory) and seed, slurmctld's StateSaveLocation,
the stand-in sacct. Runtime: munged's socket (its own 0755 directory: munged refuses a socket directory
that is not executable for all), pid files, logs and slurmd's spool. One dataclass, so tests can point
every path at a temporary directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.host.layout import RUN_ROOT, STATE_ROOT

#: the daemons in the order they start (munge authenticates the others); they stop in reverse
DAEMONS = ("munged", "slurmctld", "slurmd")
PARTITION = "debug"
CLUSTER_NAME = "bench"


@dataclass(frozen=True)
class ClusterPaths:
    """Every path of one cluster: `state` persists (config, key, job state), `run` goes with `down`."""

    state: Path
    run: Path

    @property
    def conf(self) -> Path:
        return self.state / "slurm.conf"

    @property
    def key_dir(self) -> Path:
        return self.state / "munge"

    @property
    def key(self) -> Path:
        return self.key_dir / "munge.key"

    @property
    def seed(self) -> Path:
        return self.key_dir / "munged.seed"

    @property
    def state_save(self) -> Path:
        return self.state / "slurmctld"

    @property
    def bin_dir(self) -> Path:
        """First on the clients' PATH: holds only the stand-in sacct (sacct_shim.py)."""
        return self.state / "bin"

    @property
    def sacct(self) -> Path:
        return self.bin_dir / "sacct"

    @property
    def munge_dir(self) -> Path:
        return self.run / "munge"

    @property
    def munge_socket(self) -> Path:
        return self.munge_dir / "munge.socket.2"

    @property
    def job_completions(self) -> Path:
        """slurmctld's record of every job that ended (jobcomp/filetxt), kept across `down`: the stand-in
        sacct reads how a job ended after squeue forgot it (an array task cancelled while pending)."""
        return self.state / "job-completions.log"

    @property
    def spool(self) -> Path:
        return self.run / "slurmd-spool"

    def log(self, daemon: str) -> Path:
        """What the daemon prints (started in the foreground: bench/services/service.py keeps its output)."""
        return self.run / f"{daemon}.log"

    def pidfile(self, daemon: str) -> Path:
        """bench's pid file, with the process's identity beside it (bench/machine/process_identity.py)."""
        return self.run / f"{daemon}.pid"

    def own_pidfile(self, daemon: str) -> Path:
        """The pid file the daemon writes itself (each insists on one), kept apart from bench's."""
        return self.run / f"{daemon}.daemon.pid"


PATHS = ClusterPaths(STATE_ROOT / "cluster", RUN_ROOT / "cluster")
