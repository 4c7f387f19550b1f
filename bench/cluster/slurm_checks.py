"""What a SLURM cluster must give a sweep, checked from the submitting machine before anything is submitted
(`bench doctor --cluster`).

The administrator provides: SLURM's clients and a controller that answers; a partition whose nodes run a
Docker engine bench may own (root dockerd, or a rootless engine); a results directory every node sees; and
job states submitit can read (accounting, or bench's stand-in sacct on `bench cluster up`'s own cluster).
Each finding is ok, warn (the sweep can run but something will mislead or be lost) or missing (it cannot).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

CLIENTS = ("sbatch", "squeue", "sinfo", "scancel", "scontrol")
#: file systems every node of a cluster may see (local disks and tmpfs are seen by one node only)
SHARED_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "lustre", "gpfs", "ceph", "cephfs", "beegfs", "glusterfs", "fuse.sshfs"}
)
PROBE_TIMEOUT_S = 120

#: argv -> (exit code, stdout + stderr); the unit tests give recorded answers
Command = Callable[[Sequence[str]], tuple[int, str]]


@dataclass(frozen=True)
class ClusterFinding:
    what: str
    state: str  # ok | warn | missing
    detail: str
    fix: str = ""


def run_command(argv: Sequence[str], timeout_s: float = 30) -> tuple[int, str]:
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout_s, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return 127, str(error)
    return done.returncode, (done.stdout + done.stderr).strip()


def _last(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def clients() -> ClusterFinding:
    absent = [name for name in CLIENTS if shutil.which(name) is None]
    if absent:
        return ClusterFinding(
            "SLURM clients",
            "missing",
            f"not on PATH: {', '.join(absent)}",
            "install slurm-client (or load the cluster's module); to try on one machine: bench cluster up",
        )
    return ClusterFinding("SLURM clients", "ok", ", ".join(CLIENTS))


def controller(run: Command) -> ClusterFinding:
    code, out = run(["scontrol", "ping"])
    if code != 0 or " is UP" not in out:
        return ClusterFinding(
            "controller",
            "missing",
            _last(out) or f"scontrol ping: exit {code}",
            "check SLURM_CONF and slurmctld",
        )
    return ClusterFinding("controller", "ok", _last(out))


def partition(run: Command, name: str | None) -> tuple[ClusterFinding, int]:
    """The partition (the default one when `name` is None): up, with nodes; returns its node count too."""
    argv = ["sinfo", "--noheader", "--format=%P|%a|%D|%T"] + ([f"--partition={name}"] if name else [])
    code, out = run(argv)
    rows = [line.split("|") for line in out.splitlines() if line.count("|") == 3] if code == 0 else []
    if name is None:
        rows = [r for r in rows if r[0].endswith("*")]
    if not rows:
        which = f"partition {name!r}" if name else "a default partition"
        return ClusterFinding(
            "partition",
            "missing",
            f"sinfo shows no {which}",
            "set hydra.launcher.partition=NAME (sinfo lists them)",
        ), 0
    label = rows[0][0].rstrip("*")
    nodes = sum(int(r[2]) for r in rows if r[2].isdigit())
    states = ", ".join(f"{r[2]} {r[3]}" for r in rows)
    if any(r[1] != "up" for r in rows):
        return ClusterFinding(
            "partition", "missing", f"{label} is {rows[0][1]}", "ask the administrator"
        ), nodes
    usable = any(r[3].rstrip("*~#") in ("idle", "mixed", "allocated", "completing") for r in rows)
    state = "ok" if usable else "warn"
    return ClusterFinding("partition", state, f"{label}: {nodes} node(s): {states}"), nodes


def accounting(run: Command, bench_sacct: bool) -> ClusterFinding:
    """submitit reads job states through sacct; without them a job that died leaves the sweep waiting."""
    code, out = run(["sacct", "-o", "JobID,State,NodeList", "--parsable2", "-j", "1"])  # submitit's call
    if code == 0:
        source = "the cluster's accounting"
        if bench_sacct:
            source = "bench's stand-in (squeue, job completion log)"
        return ClusterFinding("job states (sacct)", "ok", f"answers, from {source}")
    return ClusterFinding(
        "job states (sacct)",
        "missing",
        _last(out) or f"sacct: exit {code}",
        "enable accounting (slurmdbd): without it submitit waits forever on a job that died",
    )


def filesystem_type(path: Path) -> str:
    """The type of the file system holding `path` (its longest mount point prefix)."""
    path = path.resolve()
    best, kind = "", "?"
    for part in psutil.disk_partitions(all=True):
        mount = part.mountpoint
        inside = path == Path(mount) or Path(mount) in path.parents
        if inside and len(mount) > len(best):
            best, kind = mount, part.fstype
    return kind


def results_dir(path: Path, nodes: int, kind: str | None = None) -> ClusterFinding:
    kind = kind or filesystem_type(path)
    shared = kind in SHARED_FILESYSTEMS
    detail = f"{path} is on {kind}"
    if shared or nodes <= 1:
        why = "" if shared else " (one node: it need not be shared)"
        return ClusterFinding("results directory", "ok", detail + why)
    return ClusterFinding(
        "results directory",
        "warn",
        detail + f", which the other {nodes - 1} node(s) may not see: their jobs' rows would be lost",
        "put the checkout (and results/) on a shared file system: NFS, Lustre, GPFS, CephFS, BeeGFS",
    )


def launcher() -> ClusterFinding:
    try:
        import hydra_plugins.hydra_submitit_launcher  # noqa: F401
    except ImportError:
        return ClusterFinding(
            "Hydra submitit launcher", "missing", "not installed", "pip install hydra-submitit-launcher"
        )
    return ClusterFinding("Hydra submitit launcher", "ok", "installed")


def probe(run: Command, name: str | None) -> ClusterFinding:
    """A one-minute job on one whole node: does it start, and may it own a Docker engine there (root)?"""
    where = [f"--partition={name}"] if name else []
    code, out = run(
        ["srun", *where, "--nodes=1", "--exclusive", "--time=1", "sh", "-c", "hostname -s; id -u"]
    )
    lines = out.split()
    if code != 0 or len(lines) < 2:
        return ClusterFinding("job on a node", "missing", _last(out) or f"srun: exit {code}", "read sinfo -R")
    node, uid = lines[-2], lines[-1]
    if uid != "0":
        return ClusterFinding(
            "job on a node",
            "warn",
            f"ran on {node} as uid {uid}: `bench engine up` there needs root",
            "give the nodes a root dockerd bench may own (docs/cluster.md: What a real cluster must provide)",
        )
    return ClusterFinding("job on a node", "ok", f"ran on {node} as root")


def findings(
    partition_name: str | None,
    results: Path,
    bench_sacct: bool,
    run: Command = run_command,
    with_probe: bool = False,
) -> list[ClusterFinding]:
    """Every check, in the order a reader fixes them; later checks are skipped once SLURM cannot answer."""
    found = [launcher(), clients()]
    if found[-1].state == "missing":
        return found
    found.append(controller(run))
    if found[-1].state == "missing":
        return found
    part, nodes = partition(run, partition_name)
    found += [part, accounting(run, bench_sacct), results_dir(results, nodes)]
    if with_probe and part.state != "missing":
        found.append(probe(run, partition_name))
    return found
