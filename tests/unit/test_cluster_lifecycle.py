"""The cluster's life cycle without its daemons: every refusal is one line that says what to do, and a
start that fails stops what it had started and names the log (stand-in processes play the daemons)."""

from __future__ import annotations

import socket
from pathlib import Path

import psutil
import pytest

from bench import cli
from bench.cluster import clients, daemons, lifecycle, munge
from bench.cluster.layout import ClusterPaths
from bench.cluster.machine import MachineFacts
from bench.commands.cluster import status as status_command
from bench.errors import EngineError

RECORDED_QUEUE = "12_0|COMPLETED|submitit\n13|CANCELLED|submitit\n14|RUNNING|sleeper\n"


@pytest.fixture
def paths(tmp_path: Path) -> ClusterPaths:
    return ClusterPaths(tmp_path / "state", tmp_path / "run")


@pytest.mark.parametrize("command", ["up", "down"])
def test_not_root_is_one_line_saying_to_use_sudo(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    assert cli.main(["cluster", command]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"bench: `bench cluster {command}` needs root (the daemons run as root; up installs packages); "
        f"fix: sudo .venv/bin/bench cluster {command}\n"
    )


def test_another_slurm_on_the_ports_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setattr(lifecycle, "PORTS", {"slurmctld": taken.getsockname()[1]})
        with pytest.raises(EngineError) as raised:
            lifecycle.require_free_ports()
    me = psutil.Process()
    assert f"taken by {me.name()} (pid {me.pid})" in str(raised.value)
    assert "SLURM_CONF" in raised.value.fix


def test_a_daemon_that_exits_at_start_stops_the_others_and_names_its_log(
    paths: ClusterPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_ins = {
        "munged": ["sleep", "60"],
        "slurmctld": ["sh", "-c", "echo 'slurmctld: fatal: CLUSTER NAME MISMATCH' >&2; exit 1"],
        "slurmd": ["sleep", "60"],
    }
    monkeypatch.setattr(daemons, "argv", lambda daemon, _paths: stand_ins[daemon])
    monkeypatch.setattr(munge, "answers", lambda _paths: True)
    monkeypatch.setattr(clients, "controller_answers", lambda _paths: False)
    paths.run.mkdir(parents=True)
    facts = MachineFacts("vm", 2, 1000)
    with pytest.raises(EngineError) as raised:
        lifecycle.start(facts, paths)
    assert str(raised.value) == (
        "slurmctld on 127.0.0.1:6817 exited at start (exit 1): slurmctld: fatal: CLUSTER NAME MISMATCH"
    )
    assert raised.value.fix == f"read {paths.log('slurmctld')}"
    munged = [p for p in psutil.process_iter(["cmdline"]) if p.info["cmdline"] == ["sleep", "60"]]
    assert [
        p for p in munged if p.status() != psutil.STATUS_ZOMBIE and p.ppid() == psutil.Process().pid
    ] == []
    assert sorted(p.name for p in paths.run.iterdir()) == ["munged.log", "slurmctld.log"]  # no pid file


def test_a_node_slurmctld_refuses_fails_at_once_with_its_reason(
    paths: ClusterPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    reason = "Low RealMemory (reported:24105 < 100.00% of configured:10000000)"
    states = iter(["unknown", "idle", "inval"])
    monkeypatch.setattr(clients, "node_state", lambda _node, _paths: next(states))
    monkeypatch.setattr(clients, "node_reason", lambda _node, _paths: reason)
    assert lifecycle._node_ready("vm", paths) is False
    assert lifecycle._node_ready("vm", paths) is True
    with pytest.raises(EngineError) as raised:
        lifecycle._node_ready("vm", paths)
    assert str(raised.value) == f"slurmctld refused node vm: {reason}; the cluster was stopped again"
    assert raised.value.fix.startswith(f"read {paths.log('slurmctld')}")


@pytest.mark.parametrize(
    ("state", "resumed"),
    [("drained*", True), ("draining", True), ("idle*", False), ("down*", False), ("unknown", False)],
)
def test_a_drain_restored_from_an_earlier_config_is_resumed_before_slurmd_registers(
    state: str, resumed: bool, paths: ClusterPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(clients, "node_state", lambda _node, _paths: state)
    monkeypatch.setattr(clients, "resume", lambda node, _paths: asked.append(node))
    lifecycle._resume_stale_drain("vm", paths)
    assert asked == (["vm"] if resumed else [])


def test_down_with_nothing_running_says_so_and_leaves_no_runtime_file(
    paths: ClusterPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("os.geteuid", lambda: 0)
    paths.spool.mkdir(parents=True)
    paths.munge_dir.mkdir()
    (paths.munge_dir / "munge.socket.2.lock").write_text("")
    paths.pidfile("slurmd").write_text("999999\n")  # stale: no such process
    said: list[str] = []
    assert lifecycle.down(said.append, paths) is False
    assert said == ["the bench cluster is not running; nothing to stop"]
    assert list(paths.run.iterdir()) == []


def test_the_node_of_a_config_is_read_back() -> None:
    conf = "ClusterName=bench\nNodeName=vm NodeAddr=127.0.0.1 CPUs=2\nPartitionName=debug Nodes=vm\n"
    assert lifecycle.node_name(conf) == "vm"
    assert lifecycle.node_name("ClusterName=bench\n") is None


def test_the_queue_is_read_from_squeue_lines() -> None:
    assert clients.parse_jobs(RECORDED_QUEUE + "\n") == [
        clients.Job("12_0", "COMPLETED", "submitit"),
        clients.Job("13", "CANCELLED", "submitit"),
        clients.Job("14", "RUNNING", "sleeper"),
    ]


def _status(configured: bool, running: bool) -> lifecycle.ClusterStatus:
    process = psutil.Process() if running else None
    return lifecycle.ClusterStatus(
        configured=configured,
        daemons={"munged": process, "slurmctld": process, "slurmd": process},
        node="vm" if configured else None,
        node_state="idle" if running else None,
        jobs=clients.parse_jobs(RECORDED_QUEUE) if running else None,
    )


def test_status_up_down_and_never_set_up(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.cluster import lifecycle as module

    for configured, running, code in ((True, True, 0), (True, False, 1), (False, False, 1)):
        monkeypatch.setattr(module, "status", lambda c=configured, r=running: _status(c, r))
        assert cli.main(["cluster", "status"]) == code
    out = capsys.readouterr().out.split("the bench cluster ")
    up, down, never = out[1:]
    pid = psutil.Process().pid
    assert f"munged     pid {pid:<8} running" in up and "node vm: idle (partition debug)" in up
    assert "jobs known to slurmctld: 3" in up and "14         RUNNING      sleeper" in up
    assert down.splitlines()[0] == "is down" and "slurmctld  not running" in down and "node vm" not in down
    assert never == "was never set up on this machine; start it: bench cluster up\n"


def test_status_lines_of_a_cluster_never_set_up_are_one() -> None:
    assert len(status_command.lines(_status(False, False))) == 1


@pytest.mark.parametrize(
    "words", [["cluster"], ["cluster", "up"], ["cluster", "down"], ["cluster", "status"], ["cluster", "env"]]
)
def test_every_cluster_command_answers_help(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = cli.main([*words, "--help"])
    except SystemExit as exit_:
        code = exit_.code
    assert code == 0 and capsys.readouterr().out.startswith(f"usage: bench {' '.join(words)}")


def test_an_unknown_cluster_subcommand_lists_the_known(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["cluster", "start"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bench: cluster: unknown subcommand 'start'; give one of up, down, status, env ")
