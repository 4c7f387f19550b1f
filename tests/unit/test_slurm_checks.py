"""`bench doctor --cluster` on recorded answers of SLURM's clients: what is missing stops the checks that
need it, a default partition is found by its star, and a local results directory warns only when the
partition has several nodes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bench.cluster import slurm_checks

PING_UP = "Slurmctld(primary) at bench-node is UP"
PING_DOWN = "Slurmctld(primary) at bench-node is DOWN"
SINFO = "debug*|up|1|idle\nbuild|up|4|mixed\nbuild|up|2|drained\n"


def answers(table: dict[str, tuple[int, str]]) -> slurm_checks.Command:
    """A recorded SLURM: argv[0] -> (exit code, output); a probe's srun answers too."""

    def run(argv: Sequence[str]) -> tuple[int, str]:
        return table[argv[0]]

    return run


def _all_clients(name: str) -> str:
    return f"/usr/bin/{name}"


def test_a_cluster_that_answers_is_ok_and_names_its_default_partition(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(slurm_checks.shutil, "which", _all_clients)
    run = answers({"scontrol": (0, PING_UP), "sinfo": (0, SINFO), "sacct": (0, "")})
    found = {f.what: f for f in slurm_checks.findings(None, tmp_path, bench_sacct=True, run=run)}
    assert [f.state for f in found.values()] == ["ok"] * 6, found
    assert found["partition"].detail == "debug: 1 node(s): 1 idle"
    assert found["job states (sacct)"].detail == "answers, from bench's stand-in (squeue, job completion log)"
    assert "(one node: it need not be shared)" in found["results directory"].detail


def test_a_named_partition_counts_its_nodes_and_a_local_results_dir_warns(monkeypatch) -> None:
    monkeypatch.setattr(slurm_checks.shutil, "which", _all_clients)
    build = "build|up|4|mixed\nbuild|up|2|drained\n"
    part, nodes = slurm_checks.partition(answers({"sinfo": (0, build)}), "build")
    assert (part.state, nodes, part.detail) == ("ok", 6, "build: 6 node(s): 4 mixed, 2 drained")
    local = slurm_checks.results_dir(Path("/srv/results"), nodes, kind="ext4")
    assert local.state == "warn" and "the other 5 node(s)" in local.detail and "NFS" in local.fix
    assert slurm_checks.results_dir(Path("/srv/results"), nodes, kind="nfs4").state == "ok"


def test_what_is_missing_says_the_fix_and_stops_the_checks_that_need_it(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(slurm_checks.shutil, "which", lambda name: None if name == "sbatch" else "/bin/x")
    found = slurm_checks.findings(None, tmp_path, bench_sacct=False, run=answers({}))
    assert [f.what for f in found] == ["Hydra submitit launcher", "SLURM clients"]
    assert found[-1].state == "missing" and found[-1].detail == "not on PATH: sbatch"
    monkeypatch.setattr(slurm_checks.shutil, "which", _all_clients)
    down = slurm_checks.findings(None, tmp_path, False, run=answers({"scontrol": (1, PING_DOWN)}))
    assert down[-1].what == "controller" and down[-1].state == "missing" and down[-1].detail == PING_DOWN
    disabled = (1, "sacct: error: Problem talking to the database: accounting storage is disabled")
    run = answers({"scontrol": (0, PING_UP), "sinfo": (0, SINFO), "sacct": disabled})
    sacct = next(f for f in slurm_checks.findings(None, tmp_path, False, run=run) if f.what.startswith("job"))
    assert sacct.state == "missing" and "waits forever" in sacct.fix


def test_a_partition_that_is_absent_or_down_is_missing() -> None:
    absent, _ = slurm_checks.partition(answers({"sinfo": (0, "")}), "gpu")
    assert absent.state == "missing" and absent.detail == "sinfo shows no partition 'gpu'"
    down, _ = slurm_checks.partition(answers({"sinfo": (0, "build|down|2|idle\n")}), "build")
    assert down.state == "missing" and down.detail == "build is down"


def test_the_probe_says_whether_a_job_may_own_an_engine() -> None:
    assert slurm_checks.probe(answers({"srun": (0, "node7\n0\n")}), "build").detail == "ran on node7 as root"
    user = slurm_checks.probe(answers({"srun": (0, "node7\n1000\n")}), "build")
    assert user.state == "warn" and "needs root" in user.detail
    failed = slurm_checks.probe(answers({"srun": (1, "srun: error: Unable to allocate resources")}), None)
    assert failed.state == "missing" and failed.detail.startswith("srun: error")
