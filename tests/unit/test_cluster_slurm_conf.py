"""slurm.conf made from given machine facts: the settings docs/cluster.md lists, every path bench's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.cluster import machine, slurm_conf
from bench.cluster.layout import ClusterPaths
from bench.cluster.machine import MachineFacts

FACTS = MachineFacts(hostname="node7", cpus=3, memory_mb=1843)
MEMINFO = "MemTotal:        4022880 kB\nMemFree:          512000 kB\nMemAvailable:    2097152 kB\n"


@pytest.fixture
def paths(tmp_path: Path) -> ClusterPaths:
    return ClusterPaths(tmp_path / "state", tmp_path / "run")


def settings(text: str) -> dict[str, str]:
    """KEY=VALUE lines as a dict (the node and partition lines under their first key); refuses repeats."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        assert key not in found, f"{key} set twice"
        found[key] = value
    return found


def test_the_node_partition_and_controller_are_the_machine_s(paths: ClusterPaths) -> None:
    conf = settings(slurm_conf.render(FACTS, paths))
    assert conf["SlurmctldHost"] == "node7(127.0.0.1)"
    assert conf["NodeName"] == "node7 NodeAddr=127.0.0.1 CPUs=3 RealMemory=1843 State=UNKNOWN"
    assert conf["PartitionName"] == "debug Nodes=node7 Default=YES MaxTime=INFINITE State=UP"


def test_root_munge_no_cgroups_no_accounting(paths: ClusterPaths) -> None:
    conf = settings(slurm_conf.render(FACTS, paths))
    expected = {
        "SlurmUser": "root",
        "SlurmdUser": "root",
        "AuthType": "auth/munge",
        "CredType": "cred/munge",
        "AuthInfo": f"socket={paths.run}/munge/munge.socket.2",
        "ProctrackType": "proctrack/linuxproc",
        "TaskPlugin": "task/none",
        "JobAcctGatherType": "jobacct_gather/none",
        "AccountingStorageType": "accounting_storage/none",
        "JobCompType": "jobcomp/filetxt",  # how jobs ended, for the stand-in sacct (sacct_shim.py)
        "JobCompLoc": str(paths.state / "job-completions.log"),
        "ReturnToService": "2",
        "MailProg": "/bin/true",
    }
    assert {key: conf[key] for key in expected} == expected
    assert int(conf["MinJobAge"]) >= 600  # submitit's polls must still find a finished job (sacct_shim)
    assert int(conf["KillWait"]) <= 10  # a cancelled submitit job is done for submitit this soon


def test_every_file_the_daemons_use_is_under_bench_s_two_roots(paths: ClusterPaths) -> None:
    conf = settings(slurm_conf.render(FACTS, paths))
    assert conf["StateSaveLocation"] == str(paths.state / "slurmctld")
    assert conf["SlurmdSpoolDir"] == str(paths.run / "slurmd-spool")
    assert conf["SlurmctldPidFile"] == str(paths.run / "slurmctld.daemon.pid")
    assert conf["SlurmdPidFile"] == str(paths.run / "slurmd.daemon.pid")
    # bench's own pid files (with the identity) are other files: the daemons must not overwrite them
    assert str(paths.pidfile("slurmctld")) not in conf.values()
    absolute = [value for value in conf.values() if value.startswith("/") and value != "/bin/true"]
    assert absolute and all(
        Path(v).is_relative_to(paths.state) or Path(v).is_relative_to(paths.run) for v in absolute
    )


def test_written_readable_by_every_client(paths: ClusterPaths) -> None:
    written = slurm_conf.write(FACTS, paths)
    assert written == paths.conf and written.read_text() == slurm_conf.render(FACTS, paths)
    assert written.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in paths.state.iterdir()] == ["slurm.conf"]  # no partial file left


def test_memory_is_ninety_percent_of_what_is_available(tmp_path: Path) -> None:
    assert machine.mem_available_mb(MEMINFO) == 2048
    meminfo = tmp_path / "meminfo"
    meminfo.write_text(MEMINFO)
    facts = machine.facts(meminfo)
    assert facts.memory_mb == 1843  # int(2048 * 0.9), not the 3928 MB total


def test_meminfo_without_mem_available_is_refused() -> None:
    with pytest.raises(ValueError, match="MemAvailable"):
        machine.mem_available_mb("MemTotal: 4022880 kB\n")
