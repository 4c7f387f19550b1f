"""The ssh scenario on the real engine: BuildKit's SSH mount clones the run's private repository (the
clone is in the image) and leaves no trace of the key anywhere the audit looks; the copy-key pattern's
leak is found at the COPY layer (both directions: an audit that misses it fails here). Then the faults
(no sshd, an agent without keys) and Ctrl-C, after which no key material is left on disk.

The run's key is caught in memory by the test (RunKeys wrapped) so that the test searches the run
directory and the temporary directories for it itself, independently of the harness's own audit.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest
from engine_setup import compose_config, engine_overrides
from omegaconf import OmegaConf
from rich.console import Console

from bench.audit.leaks import Matcher, Secret, scan_directory
from bench.run.experiment import EXIT_FAILED_BUILDS, EXIT_OK, run_experiment
from bench.secrets import git_server, ssh_agent
from bench.secrets.ssh_keys import RunKeys
from bench.secrets.token import MEMORY_TMP, PREFIX
from bench.store.results import Run, load

pytestmark = pytest.mark.engine
BENCH = str(Path(sys.executable).with_name("bench"))
PID_FILES = (f"{git_server.SSHD_NAME}.pid", f"{git_server.DAEMON_NAME}.pid", f"{ssh_agent.NAME}.pid")


def _secret_dirs() -> set[Path]:
    return {*MEMORY_TMP.glob(f"{PREFIX}*"), *Path(tempfile.gettempdir()).glob(f"{PREFIX}*")}


def _servers_stopped() -> bool:
    run_dir = Path(compose_config().engine.run_dir)
    return not any((run_dir / name).exists() for name in PID_FILES)


def _run(patch: pytest.MonkeyPatch, run_dir: Path, variants: dict[str, str], *overrides: str):
    """Run the ssh experiment; returns (exit code, console text, the run's keys: secret and directory)."""
    made: list[RunKeys] = []

    class CaughtKeys(RunKeys):
        def __init__(self, directory: Path | None = None) -> None:
            super().__init__(directory)
            made.append(self)

    patch.setattr("bench.secrets.ssh_run.RunKeys", CaughtKeys)
    config = compose_config("experiment=ssh", "repetitions=1", "warmup=0", *overrides)
    config.scenario.variants = variants
    console = Console(width=200, record=True)
    code = run_experiment(config, OmegaConf.to_yaml(OmegaConf.structured(config)), run_dir, console)
    return code, console.export_text(), made[0]


@pytest.fixture(scope="module")
def ssh_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path, str, Secret]:
    run_dir = tmp_path_factory.mktemp("ssh-run")
    variants = {"buildkit-ssh": "Dockerfile", "copy-key": "Dockerfile.copy-key"}
    with pytest.MonkeyPatch.context() as patch:
        code, output, keys = _run(patch, run_dir, variants)
    assert code == EXIT_OK, output + (run_dir / "builds.jsonl").read_text()
    assert not keys.directory.exists(), "the run's key directory was left behind"
    return load(run_dir), run_dir, output, keys.secret


def _row(run: Run, variant: str, builder: str) -> pd.Series:
    rows = run.builds[(run.builds["variant"] == variant) & (run.builds["builder"] == builder)]
    assert len(rows) == 1, run.builds[["variant", "builder", "outcome"]]
    row = rows.iloc[0]
    return row


def test_the_ssh_mount_clones_and_leaves_no_trace(ssh_run: tuple[Run, Path, str, Secret]) -> None:
    row = _row(ssh_run[0], "buildkit-ssh", "buildkit")
    assert row["outcome"] == "ok", row["error_tail"]
    assert row["clone_verified"] == True, row["clone_error"]  # noqa: E712 (numpy bool)
    assert row["leaked"] == False and list(row["leak_locations"]) == []  # noqa: E712
    argv = list(row["argv"])
    assert argv[argv.index("--ssh") + 1].endswith("/agent.sock"), "the build got the agent, not the key"
    assert any(w.startswith("KNOWN_HOSTS=[127.0.0.1]:") for w in argv), "host key checking stays strict"
    if compose_config().engine.owned:
        assert list(row["engine_leak_locations"]) == [], "the key reached the engine's data root"


def test_the_legacy_builder_cannot_forward_the_agent(ssh_run: tuple[Run, Path, str, Secret]) -> None:
    row = _row(ssh_run[0], "buildkit-ssh", "legacy")
    assert row["outcome"] == "unsupported" and "--ssh needs BuildKit" in row["error_tail"]


@pytest.mark.parametrize("builder", ["legacy", "buildkit"])
def test_copy_key_leaks_in_the_copy_layer(ssh_run: tuple[Run, Path, str, Secret], builder: str) -> None:
    row = _row(ssh_run[0], "copy-key", builder)
    assert row["outcome"] == "ok" and row["clone_verified"], row["error_tail"]
    assert row["leaked"], "the copy-key pattern must leak: an audit that misses it is broken"
    final = [loc for loc in row["leak_locations"] if not loc.startswith("intermediate image")]
    # base (1 layer) + COPY key + RUN clone + RUN rm: the key is in layer 2 of 4, the rm only a whiteout
    assert any(" layer 2/4 " in loc and "/root/.ssh/id_ed25519 [" in loc for loc in final), final
    assert not any(" layer 3/4 " in loc or " layer 4/4 " in loc for loc in final), final


def test_the_key_is_nowhere_in_the_run_directory(ssh_run: tuple[Run, Path, str, Secret]) -> None:
    _, run_dir, output, key = ssh_run
    assert scan_directory(Matcher([key]), run_dir).findings == []
    assert Matcher([key]).in_bytes(output.encode()) == []
    assert "SSH key" in output and "is not there" in output, "the run audits its own directory and logs"
    assert _servers_stopped(), "an sshd, git daemon or ssh-agent was left running"


def test_faults_fail_their_builds_in_one_line_and_the_matrix_goes_on(tmp_path: Path) -> None:
    """An sshd that cannot start and an agent that holds no key: the builds that need them fail with the
    reason, the clone over git:// is still measured."""
    variants = {
        "buildkit-ssh": "Dockerfile",
        "copy-key": "Dockerfile.copy-key",
        "no-ssh": "Dockerfile.no-ssh",
    }
    with pytest.MonkeyPatch.context() as patch:
        broken = functools.partial(git_server.start_sshd, sshd_binary="/bin/false")  # `sshd -t` fails
        patch.setattr("bench.secrets.ssh_run.git_server.start_sshd", broken)
        patch.setattr("bench.secrets.ssh_run.ssh_agent.add_key", lambda socket, key: None)
        code, output, keys = _run(patch, tmp_path / "run", variants, "builder=buildkit")
    assert code == EXIT_FAILED_BUILDS, output
    assert "Traceback" not in output
    assert output.count("sshd did not start") >= 1 and output.count("holds no keys") >= 1, output
    rows = load(tmp_path / "run").builds.set_index("variant")
    assert rows.loc["buildkit-ssh", "outcome"] == "failed"
    assert "sshd did not start" in rows.loc["buildkit-ssh", "error_tail"]
    assert rows.loc["copy-key", "outcome"] == "failed" and "sshd" in rows.loc["copy-key", "error_tail"]
    assert rows.loc["no-ssh", "outcome"] == "ok" and rows.loc["no-ssh", "clone_verified"]
    assert not keys.directory.exists() and _servers_stopped()


def test_the_agent_without_keys_fails_only_the_mount(tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("bench.secrets.ssh_run.ssh_agent.add_key", lambda socket, key: None)
        code, output, _ = _run(patch, tmp_path / "run", {"buildkit-ssh": "Dockerfile"}, "builder=buildkit")
    assert code == EXIT_FAILED_BUILDS
    said = [text for text in output.splitlines() if "holds no keys" in text and "the others go on" in text]
    assert len(said) == 1, output
    row = load(tmp_path / "run").builds.iloc[0]
    assert row["outcome"] == "failed" and row["error_tail"].startswith("not built: the run's ssh-agent (")


def test_ctrl_c_leaves_no_key_material(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    before_dirs = _secret_dirs()
    before_tmp = set(Path(tempfile.gettempdir()).glob("bench-*"))
    argv = [
        BENCH,
        "run",
        *engine_overrides(),
        "experiment=ssh",
        "builder=buildkit",
        "repetitions=3",
        "warmup=0",
    ]
    process = subprocess.Popen(
        [*argv, f"hydra.run.dir={run_dir}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    key, key_dir = None, None
    deadline = time.monotonic() + 300
    builds = run_dir / "builds.jsonl"
    while time.monotonic() < deadline and process.poll() is None:
        for directory in _secret_dirs() - before_dirs:  # this run's: the one holding a key
            key_file = directory / "id_ed25519"
            if key is None and key_file.is_file() and key_file.read_bytes().rstrip().endswith(b"-----"):
                key, key_dir = key_file.read_bytes(), directory
        if key and builds.exists() and builds.read_text().count("\n") >= 2:
            break
        time.sleep(0.1)
    assert key, "the run never made its key"
    time.sleep(1.0)  # into the next build
    os.killpg(process.pid, signal.SIGINT)  # a terminal's Ctrl-C: the whole foreground group
    _, stderr = process.communicate(timeout=180)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert key_dir is not None and not key_dir.exists(), "the key directory survived Ctrl-C"
    matcher = Matcher([Secret(key.rstrip(b"\n"))])
    new_tmp = set(Path(tempfile.gettempdir()).glob("bench-*")) - before_tmp
    for directory in [run_dir, *new_tmp]:
        assert scan_directory(matcher, directory).findings == [], directory
    assert _servers_stopped(), "an sshd, git daemon or ssh-agent survived Ctrl-C"
