"""`bench debug` on the real engine (issue 7, claim C13): a toolbox in a running container's PID and network
namespaces sees its processes and its listening socket, and the target is unchanged afterwards."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest
from engine_setup import compose_config
from python_on_whales import DockerClient

from bench.cli import main
from bench.debug.check import _state, verify
from bench.report.claims import registry as claims
from bench.report.claims.debug import check_c13
from bench.report.verdicts import Evidence

pytestmark = pytest.mark.engine


@pytest.fixture
def target():
    config = compose_config()
    docker = DockerClient(context=config.engine.context)
    image = f"{config.engine.registry}/bench/busybox:latest"
    name = f"bench-test-debug-{uuid.uuid4().hex[:6]}"
    container = docker.run(
        image,
        ["busybox", "nc", "-ll", "-p", "8080", "-e", "/bin/cat"],
        name=name,
        detach=True,
        networks=["none"],
    )
    time.sleep(0.5)  # nc binds its socket just after it starts
    try:
        yield docker, container.name, image, config.engine.context
    finally:
        docker.container.remove(container, force=True)


def test_the_toolbox_sees_the_targets_processes_and_sockets_and_changes_nothing(
    target, tmp_path: Path
) -> None:
    docker, name, image, _ = target
    result = verify(docker, name, image)
    assert result["sees_target_processes"], result["toolbox_ps"]
    assert any("nc -ll -p 8080" in line for line in result["toolbox_ps"])
    assert result["target_listening_ports"] == [8080] and result["toolbox_listening_ports"] == [8080]
    assert result["sees_target_sockets"] is True
    assert result["target_unchanged"], (result["before"], result["after"])
    # the check has teeth: a real change of the target shows in the state it compares
    docker.container.execute(name, ["busybox", "touch", "/changed-by-test"])
    assert _state(docker, name)["diff"] != result["before"]["diff"]
    (tmp_path / "debug.json").write_text(json.dumps(result))
    empty = pd.DataFrame()
    verdict = check_c13(
        next(c for c in claims.CLAIMS if c.id == "C13"), Evidence(empty, empty, empty, empty, (tmp_path,))
    )
    assert verdict.verdict == claims.SUPPORTED, verdict.numbers


def test_bench_debug_runs_a_command_in_the_targets_namespaces(target, capsys) -> None:
    docker, name, _, context = target
    code = main(["debug", name, "--context", context, "--", "sh", "-c", "ps -o args; netstat -ltn"])
    out = capsys.readouterr().out
    assert code == 0
    assert "nc -ll -p 8080 -e /bin/cat" in out and ":8080" in out
    assert docker.container.diff(name) == {}


def test_bench_debug_refuses_a_missing_container_in_one_line(target, capsys) -> None:
    _, _, _, context = target
    code = main(["debug", "bench-test-no-such-container", "--context", context, "--", "ps"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "no container" in err
