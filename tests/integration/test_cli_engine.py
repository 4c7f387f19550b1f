"""The installed `bench` console script as a user meets it: failures, bad input, Ctrl-C, shared engines."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from engine_setup import compose_config, engine_overrides
from python_on_whales import DockerClient

from bench.store.results import load

pytestmark = pytest.mark.engine
BENCH = str(Path(sys.executable).with_name("bench"))


def _sigint_as_in_a_terminal() -> None:
    """A run started from a background job inherits SIGINT ignored; a terminal's Ctrl-C is not."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def bench(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([BENCH, *args], capture_output=True, text=True, timeout=timeout)


def _failing_scenario(tmp_path: Path) -> Path:
    directory = tmp_path / "broken"
    directory.mkdir()
    (directory / "Dockerfile").write_text(
        "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n"
        "RUN echo compiling && echo 'error: missing header' >&2 && false\n"
    )
    return directory


def test_a_failed_build_is_recorded_and_the_matrix_goes_on(tmp_path: Path) -> None:
    scenario = _failing_scenario(tmp_path)
    result = bench(
        "run",
        *engine_overrides(),
        "scenario=tiny",
        f"scenario.path={scenario}",
        "cache=none",
        "repetitions=1",
        "warmup=0",
        f"hydra.run.dir={tmp_path / 'run'}",
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    run = load(tmp_path / "run")
    assert sorted(run.builds["builder"]) == ["buildkit", "legacy"], "both cells measured despite failures"
    assert (run.builds["outcome"] == "failed").all()
    for tail in run.builds["error_tail"]:
        assert "missing header" in tail
    assert "failed" in (tmp_path / "run" / "summary.md").read_text()


@pytest.mark.parametrize(
    "args, expect",
    [
        (["scenario=nope"], "Available options"),
        (["repetitons=2"], "repetitons"),
        (["builder.names=[kaniko]"], "kaniko"),
        (["scenario.path=/no/such/dir"], "not a directory"),
    ],
)
def test_bad_input_gets_a_clear_error_and_no_traceback(args: list[str], expect: str, tmp_path: Path) -> None:
    result = bench("run", *engine_overrides(), *args, f"hydra.run.dir={tmp_path}")
    assert result.returncode == 2
    assert expect in result.stderr and "Traceback" not in result.stderr


def test_an_unreachable_engine_names_the_fix(tmp_path: Path) -> None:
    result = bench("run", "engine=context", "engine.context=no-such-context", f"hydra.run.dir={tmp_path}")
    assert result.returncode == 2
    assert "fix:" in result.stderr + result.stdout and "Traceback" not in result.stderr


def test_doctor_reports_each_capability() -> None:
    result = bench("doctor", *engine_overrides())
    assert result.returncode == 0, result.stdout + result.stderr
    for capability in (
        "legacy builder",
        "BuildKit",
        "containerd image store",
        "cache exporters",
        "emulated platforms",
        "local registry",
        "base images",
    ):
        assert capability in result.stdout


def test_ctrl_c_keeps_measured_rows_and_leaves_nothing_behind(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    before = set(Path(tempfile.gettempdir()).glob("bench-run-*"))
    process = subprocess.Popen(
        [
            BENCH,
            "run",
            *engine_overrides(),
            "scenario=tiny",
            "builder=buildkit",
            "cache=none",
            "repetitions=5",
            "warmup=0",
            f"hydra.run.dir={run_dir}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_sigint_as_in_a_terminal,
    )
    builds = run_dir / "builds.jsonl"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not (builds.exists() and builds.read_text().count("\n") >= 1):
        time.sleep(0.2)
    time.sleep(1.0)  # into the next build
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole foreground group
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    run = load(run_dir)
    assert run.meta.status == "interrupted"
    assert len(run.builds) >= 1 and (run.builds["outcome"] == "ok").all()
    assert set(Path(tempfile.gettempdir()).glob("bench-run-*")) == before, "temporary build contexts left"
    docker = DockerClient(context=compose_config().engine.context)
    assert docker.container.list(all=True) == []


def test_a_shared_engine_keeps_what_the_harness_did_not_create(tmp_path: Path) -> None:
    config = compose_config()
    docker = DockerClient(context=config.engine.context)
    base = config.scenario.build_args["RUNTIME_IMAGE"]
    docker.image.pull(base, quiet=True)
    docker.image.tag(base, "someone-else/keep:1")
    result = bench(
        "run",
        *engine_overrides(),
        "engine=context",
        f"engine.context={config.engine.context}",
        "scenario=tiny",
        "cache=none",
        "repetitions=1",
        "warmup=0",
        f"hydra.run.dir={tmp_path / 'run'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert docker.image.exists("someone-else/keep:1"), "the harness removed an image it did not create"
    run = load(tmp_path / "run")
    assert sorted(run.builds["builder"]) == ["buildkit", "legacy"]
    assert all("engine-not-owned" in flags for flags in run.builds["flags"])
    assert all("--no-cache" in argv for argv in run.builds["argv"])
    assert not [t for i in docker.image.list() for t in i.repo_tags if t.startswith("bench-run/")]
    docker.image.remove("someone-else/keep:1", force=True)
    meta = json.loads((tmp_path / "run" / "run.json").read_text())
    assert meta["engine"]["owned"] is False
