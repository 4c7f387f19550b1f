"""Several real engines: a second dedicated dockerd reached over SSH, a third on the classic overlay2 store.

`bench engine up engine=ssh-local|overlay2` provisions them (idempotent, seconds once the packages are in);
they reuse the default engine's registry and base images, which `make test` sets up first. The tests use
their own engines, never the one BENCH_TEST_OVERRIDES names.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_setup import build_flags
from python_on_whales import DockerClient

from bench.composition import compose
from bench.config import EngineConfig
from bench.engine import daemon
from bench.machine.lock import engine_lock
from bench.services import ssh_server
from bench.store.results import load
from bench.store.rows import EngineMeta

pytestmark = pytest.mark.engine
BENCH = str(Path(sys.executable).with_name("bench"))
ENGINES = ("ssh-local", "overlay2")
ONE_BUILD = ("scenario=tiny", "builder=buildkit", "cache=none", "repetitions=1", "warmup=0")


def bench(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([BENCH, *args], capture_output=True, text=True, timeout=timeout)


def _engine(name: str) -> EngineConfig:
    return compose([f"engine={name}"]).engine


@pytest.fixture(scope="module")
def engines_up() -> Iterator[None]:
    """Both engines up for the module; afterwards stop the dockerd and sshd this fixture started (one
    that was already running before the tests is left running)."""
    engines = [_engine(name) for name in ENGINES]
    dockerd_was_up = {e.name: daemon.responds(e) for e in engines}
    sshd_was_up = {e.name: bool(e.ssh_port) and ssh_server.answers(e.ssh_port) for e in engines}
    try:
        for name in ENGINES:
            result = bench("engine", "up", f"engine={name}")
            assert result.returncode == 0, result.stdout + result.stderr
        yield
    finally:
        for engine in engines:
            if not dockerd_was_up[engine.name]:
                daemon.stop(engine)
            if engine.ssh_port and not sshd_was_up[engine.name]:
                ssh_server.stop(engine)


@pytest.fixture(scope="module")
def sweep(engines_up: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One sweep over both engines, launched by Hydra's submitit_local launcher (jobs in parallel)."""
    sweep_dir = tmp_path_factory.mktemp("engines") / "sweep"
    result = bench(
        "run", "-m", "hydra/launcher=submitit_local", "engine=ssh-local,overlay2", *ONE_BUILD,
        f"hydra.sweep.dir={sweep_dir}",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 of 2 jobs complete" in result.stdout
    return sweep_dir


def test_a_submitit_sweep_measures_each_engine_in_its_own_run(sweep: Path) -> None:
    runs = {load(d).meta.engine.name: load(d) for d in sorted(sweep.glob("*_tiny_*"))}
    assert set(runs) == set(ENGINES)
    assert list((sweep / ".submitit").iterdir()), "the jobs ran through submitit"
    ssh, classic = runs["ssh-local"], runs["overlay2"]
    assert ssh.meta.engine.host == "ssh://root@bench-ssh-local"
    assert classic.meta.engine.host == "unix:///run/bench/overlay2/docker.sock"
    assert ssh.meta.environment["containerd_image_store"] is True
    assert classic.meta.environment["storage_driver"] == "overlay2"
    assert not classic.meta.environment["containerd_image_store"]
    assert ssh.meta.environment["engine_id"] != classic.meta.environment["engine_id"]
    assert ssh.meta.run_id != classic.meta.run_id
    for name, run in runs.items():
        assert list(run.builds["outcome"]) == ["ok"] and list(run.builds["engine"]) == [name]
        assert run.builds.iloc[0]["steps_cached"] == 0 and build_flags(run.builds.iloc[0]) == []


def test_the_merged_report_has_both_engines_and_supports_c12(sweep: Path, tmp_path: Path) -> None:
    dirs = [str(d) for d in sorted(sweep.glob("*_tiny_*"))]
    result = bench("report", "--out", str(tmp_path / "report"), *dirs, "--resamples", "200")
    assert result.returncode == 0, result.stdout + result.stderr
    text = (tmp_path / "report" / "report.md").read_text()
    c12 = next(line for line in text.splitlines() if line.startswith("| C12 |"))
    assert "**supported**" in c12
    assert "## Engines" in text and f"Sweep `{sweep}`: 2 of 2 jobs complete." in text
    node = load(Path(dirs[0])).meta.node
    rows = [
        line
        for line in text.splitlines()
        if line.startswith((f"| {node} | ssh-local |", f"| {node} | overlay2 |"))
    ]
    assert any("ssh://root@bench-ssh-local" in r for r in rows) and any("overlay2 | " in r for r in rows)
    tables = [line for line in text.splitlines() if line.startswith("| engine |") and "| builder |" in line]
    assert tables, "the engine is a column of the cell table"


def test_a_second_run_on_a_locked_engine_is_refused_in_one_line(engines_up: None, tmp_path: Path) -> None:
    with engine_lock(_engine("overlay2"), "the-test's-run"):
        result = bench(
            "run", "engine=overlay2", "engine.lock_wait_s=0", *ONE_BUILD, f"hydra.run.dir={tmp_path}"
        )
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "the machine is busy: run the-test's-run" in lines[0], lines
    assert not (tmp_path / "run.json").exists()


def _add(name: str, host: str, conf: Path) -> None:
    result = bench("engine", "add", name, "--host", host, "--shared", "--conf-dir", str(conf / "engine"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_engine_added_as_shared_over_ssh_keeps_an_unrelated_image(
    engines_up: None, tmp_path: Path
) -> None:
    name, conf = "bench-test-shared-ssh", tmp_path / "conf"
    docker = DockerClient(context="bench-ssh-local")
    try:
        _add(name, "ssh://root@bench-ssh-local", conf)
        docker.image.pull("127.0.0.1:5000/bench/busybox:latest", quiet=True)
        docker.image.tag("127.0.0.1:5000/bench/busybox:latest", "someone-else/keep:1")
        run_dir = tmp_path / "run"
        result = bench(
            "run",
            f"engine={name}",
            f"hydra.searchpath=[file://{conf}]",
            *ONE_BUILD,
            f"hydra.run.dir={run_dir}",
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert docker.image.exists("someone-else/keep:1"), "the harness removed an image it did not create"
        run = load(run_dir)
        assert run.meta.engine == EngineMeta(
            name=name, context=name, owned=False, host="ssh://root@bench-ssh-local", image_store=None
        )
        assert list(run.builds["outcome"]) == ["ok"] and "engine-not-owned" in run.builds.iloc[0]["flags"]
    finally:
        docker.image.remove("someone-else/keep:1", force=True)
        DockerClient().context.remove(name, force=True)


def test_an_ssh_login_refused_is_one_line_and_nothing_runs(engines_up: None, tmp_path: Path) -> None:
    name, conf = "bench-test-refused-ssh", tmp_path / "conf"
    try:
        _add(name, "ssh://nobody@bench-ssh-local", conf)
        run_dir = tmp_path / "run"
        result = bench(
            "run", f"engine={name}", f"hydra.searchpath=[file://{conf}]", f"hydra.run.dir={run_dir}"
        )
        assert result.returncode == 2
        said = " ".join(result.stdout.split())
        assert "ssh to bench-ssh-local failed: nobody@127.0.0.1: Permission denied (publickey)." in said, said
        assert not (run_dir / "run.json").exists()
    finally:
        DockerClient().context.remove(name, force=True)


def test_a_cell_the_classic_store_cannot_build_is_unsupported_and_the_rest_measured(
    engines_up: None, tmp_path: Path
) -> None:
    result = bench(
        "run", "engine=overlay2", "scenario=tiny", "builder=buildkit", "cache=registry-max",
        "repetitions=1", "warmup=0", f"hydra.run.dir={tmp_path}",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    rows = load(tmp_path).builds.set_index("cache")
    assert rows.loc["none", "outcome"] == "ok"
    assert rows.loc["registry-max", "outcome"] == "unsupported"
    assert "classic image store" in rows.loc["registry-max", "error_tail"]
