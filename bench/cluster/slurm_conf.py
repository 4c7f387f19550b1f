"""slurm.conf of the bench cluster, made from the machine's facts: one node, everything as root, every
file private (docs/cluster.md lists the settings that were checked by hand).

- Every address is 127.0.0.1 (SlurmctldHost=NAME(127.0.0.1), NodeAddr): the host name need not resolve.
  Checked in a UTS namespace whose host name /etc/hosts does not know: the node went idle, and a batch job
  running srun completed. bench never edits /etc/hosts.
- munge authenticates through bench's own munged socket (AuthInfo=socket=...), not the machine's.
- No cgroups (proctrack/linuxproc, task/none): nothing to configure, and it works in containers.
- No accounting (accounting_storage/none): no slurmdbd or database. `sacct` then fails, so bench puts a
  stand-in first on the clients' PATH (sacct_shim.py); MinJobAge keeps finished jobs in squeue for an hour
  so that submitit, which polls less and less often, still sees how they ended; slurmctld's job completion
  log (jobcomp/filetxt, under the state directory) tells the stand-in how jobs squeue never lists ended.
- ReturnToService=2: a node that was down (a slurmd restarted by `bench cluster up`) comes back by itself.
- KillWait=10 (SLURM's default is 30): a cancelled job's processes get 10 s between SIGTERM and SIGKILL.
  submitit's job process ignores SIGTERM, so its job stays COMPLETING (not done, for submitit) that long:
  `job.result()` of a cancelled job raised after 50 s with 30, which makes tests and `down` slow.
- The daemons run in the foreground (-D) and print their log there (bench keeps it, service.py): no log
  file of their own, and syslog quiet, so each line is written once.
"""

from __future__ import annotations

from pathlib import Path

from bench.cluster.layout import CLUSTER_NAME, PARTITION, ClusterPaths
from bench.cluster.machine import MachineFacts
from bench.safe import atomic_file

#: finished jobs stay in slurmctld's memory (and squeue) this long; submitit needs >= 600 (docs/cluster.md)
MIN_JOB_AGE_S = 3600
KILL_WAIT_S = 10
LOOPBACK = "127.0.0.1"


def render(facts: MachineFacts, paths: ClusterPaths) -> str:
    """The whole slurm.conf: the same facts give the same text."""
    node = facts.hostname
    lines = [
        "# slurm.conf of the bench cluster, written by `bench cluster up` from this machine's facts;",
        "# rewritten by each `bench cluster up` that starts the daemons (edits here do not last)",
        f"ClusterName={CLUSTER_NAME}",
        f"SlurmctldHost={node}({LOOPBACK})",
        "SlurmUser=root",
        "SlurmdUser=root",
        "AuthType=auth/munge",
        "CredType=cred/munge",
        f"AuthInfo=socket={paths.munge_socket}",
        f"StateSaveLocation={paths.state_save}",
        f"SlurmdSpoolDir={paths.spool}",
        f"SlurmctldPidFile={paths.own_pidfile('slurmctld')}",
        f"SlurmdPidFile={paths.own_pidfile('slurmd')}",
        "SlurmctldSyslogDebug=quiet",
        "SlurmdSyslogDebug=quiet",
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "JobAcctGatherType=jobacct_gather/none",
        "AccountingStorageType=accounting_storage/none",
        "JobCompType=jobcomp/filetxt",
        f"JobCompLoc={paths.job_completions}",
        "MpiDefault=none",
        "SwitchType=switch/none",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_Core",
        "ReturnToService=2",
        "MailProg=/bin/true",
        f"MinJobAge={MIN_JOB_AGE_S}",
        f"KillWait={KILL_WAIT_S}",
        f"NodeName={node} NodeAddr={LOOPBACK} CPUs={facts.cpus} RealMemory={facts.memory_mb} State=UNKNOWN",
        f"PartitionName={PARTITION} Nodes={node} Default=YES MaxTime=INFINITE State=UP",
    ]
    return "\n".join(lines) + "\n"


def write(facts: MachineFacts, paths: ClusterPaths) -> Path:
    """Write slurm.conf (readable by all: every client reads it) and return its path."""
    paths.state.mkdir(parents=True, exist_ok=True)
    atomic_file.write(paths.conf, render(facts, paths), mode=0o644)  # a unique temporary name
    return paths.conf
