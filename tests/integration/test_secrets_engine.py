"""The secrets scenario on the real engine: the BuildKit secret mount leaves no trace anywhere the audit
looks, and the audit finds each legacy pattern's leak where it must be (both directions are tested: a
known leak the audit misses fails here). Then: Ctrl-C leaves no token on disk.

The run's token is made known to the test (token_urlsafe patched) so that the test can search the run
directory and the temporary directories for it itself, independently of the harness's own audit.
"""

from __future__ import annotations

import os
import secrets
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
from bench.run.experiment import EXIT_OK, run_experiment
from bench.secrets import server
from bench.secrets.token import MEMORY_TMP, PREFIX
from bench.store.results import Run, load

pytestmark = pytest.mark.engine
BENCH = str(Path(sys.executable).with_name("bench"))
KNOWN = "test-token-" + secrets.token_hex(16)


def _sigint_as_in_a_terminal() -> None:
    """A run started from a background job inherits SIGINT ignored; a terminal's Ctrl-C is not."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _token_dirs() -> set[Path]:
    return {*MEMORY_TMP.glob(f"{PREFIX}*"), *Path(tempfile.gettempdir()).glob(f"{PREFIX}*")}


@pytest.fixture(scope="module")
def secrets_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path, str]:
    config = compose_config("experiment=secrets", "repetitions=1", "warmup=0")
    run_dir = tmp_path_factory.mktemp("secrets-run")
    console = Console(width=200, record=True)
    before = _token_dirs()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("bench.secrets.token.secrets.token_urlsafe", lambda n=None: KNOWN)
        code = run_experiment(config, OmegaConf.to_yaml(OmegaConf.structured(config)), run_dir, console)
    assert code == EXIT_OK, console.export_text() + (run_dir / "builds.jsonl").read_text()
    assert _token_dirs() == before, "the run's token directory was left behind"
    return load(run_dir), run_dir, console.export_text()


def _row(run: Run, variant: str, builder: str) -> pd.Series:
    rows = run.builds[(run.builds["variant"] == variant) & (run.builds["builder"] == builder)]
    assert len(rows) == 1, run.builds[["variant", "builder", "outcome"]]
    return rows.iloc[0]


def _ok(row: pd.Series) -> pd.Series:
    assert row["outcome"] == "ok", row["error_tail"]
    assert row["audit_error"] is None or pd.isna(row["audit_error"]), row["audit_error"]
    return row


def test_the_secret_mount_leaves_no_trace(secrets_run: tuple[Run, Path, str]) -> None:
    run, _, _ = secrets_run
    row = _ok(_row(run, "buildkit-secret", "buildkit"))
    assert row["leaked"] is False or row["leaked"] == False  # noqa: E712 (numpy bool)
    assert list(row["leak_locations"]) == []
    assert row["audit_bytes"] > 1_000_000, "the audit read the image (busybox + 1 MiB artifact)"
    assert any(w.startswith("id=token,src=") for w in row["argv"]), "the build got the secret mount"


def test_the_legacy_builder_cannot_mount_a_secret(secrets_run: tuple[Run, Path, str]) -> None:
    row = _row(secrets_run[0], "buildkit-secret", "legacy")
    assert row["outcome"] == "unsupported"
    assert "needs BuildKit" in row["error_tail"]


def test_the_control_without_a_secret_is_clean(secrets_run: tuple[Run, Path, str]) -> None:
    for builder in ("legacy", "buildkit"):
        row = _ok(_row(secrets_run[0], "no-secret", builder))
        assert not row["leaked"] and list(row["leak_locations"]) == []


@pytest.mark.parametrize("builder", ["legacy", "buildkit"])
def test_build_arg_leaks_into_the_config_history(secrets_run: tuple[Run, Path, str], builder: str) -> None:
    row = _ok(_row(secrets_run[0], "build-arg", builder))
    assert row["leaked"], "the build-arg pattern must leak: an audit that misses it is broken"
    assert any(" config history[" in loc and ".created_by" in loc for loc in row["leak_locations"]), row[
        "leak_locations"
    ]
    assert not any("--build-arg" in w and KNOWN in w for w in row["argv"])
    assert any("TOKEN=<redacted" in w for w in row["argv"]), row["argv"]


@pytest.mark.parametrize("builder", ["legacy", "buildkit"])
def test_copy_delete_leaks_in_the_copy_layer(secrets_run: tuple[Run, Path, str], builder: str) -> None:
    row = _ok(_row(secrets_run[0], "copy-delete", builder))
    assert row["leaked"], "the copy-then-delete pattern must leak: an audit that misses it is broken"
    final = [loc for loc in row["leak_locations"] if not loc.startswith("intermediate image")]
    # base (1 layer) + COPY token + RUN wget + RUN rm: the file is in layer 2 of 4, the rm is only a whiteout
    assert any(" layer 2/4 " in loc and "/tmp/token [" in loc for loc in final), row["leak_locations"]


def test_earlier_stage_final_image_clean_intermediates_keep_it(secrets_run: tuple[Run, Path, str]) -> None:
    run = secrets_run[0]
    legacy = _ok(_row(run, "earlier-stage", "legacy"))
    assert legacy["leaked"], "the legacy builder keeps the fetch stage as intermediate images"
    assert all(loc.startswith("intermediate image") for loc in legacy["leak_locations"]), legacy[
        "leak_locations"
    ]
    assert any("/tmp/token [" in loc for loc in legacy["leak_locations"])
    buildkit = _ok(_row(run, "earlier-stage", "buildkit"))
    assert not buildkit["leaked"], "BuildKit leaves no intermediate images; the final stage has no token"


def test_the_token_is_nowhere_in_the_run_directory(secrets_run: tuple[Run, Path, str]) -> None:
    _, run_dir, output = secrets_run
    matcher = Matcher([Secret(KNOWN.encode())])
    assert scan_directory(matcher, run_dir).findings == []
    assert KNOWN not in output
    assert "is not there" in output, "the run audits its own directory and logs at the end"
    assert not (Path(compose_config().engine.run_dir) / f"{server.NAME}.pid").exists(), "server left running"


def test_ctrl_c_leaves_no_secret_material(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    before_dirs = _token_dirs()
    before_tmp = set(Path(tempfile.gettempdir()).glob("bench-*"))
    argv = [BENCH, "run", *engine_overrides(), "experiment=secrets", "repetitions=3", "warmup=0"]
    process = subprocess.Popen(
        [*argv, f"hydra.run.dir={run_dir}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_sigint_as_in_a_terminal,
    )
    token_value = None
    deadline = time.monotonic() + 300
    builds = run_dir / "builds.jsonl"
    while time.monotonic() < deadline and process.poll() is None:
        new = _token_dirs() - before_dirs
        if token_value is None and new:
            token_file = next(iter(new)) / "token"
            if token_file.is_file() and token_file.read_text():
                token_value = token_file.read_text()
        if token_value and builds.exists() and builds.read_text().count("\n") >= 3:
            break
        time.sleep(0.1)
    assert token_value, "the run never made its token"
    time.sleep(1.0)  # into the next build
    os.killpg(process.pid, signal.SIGINT)  # a terminal's Ctrl-C: the whole foreground group
    _, stderr = process.communicate(timeout=180)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert not _token_dirs() - before_dirs, "the token directory survived Ctrl-C"
    matcher = Matcher([Secret(token_value.encode())])
    new_tmp = set(Path(tempfile.gettempdir()).glob("bench-*")) - before_tmp
    for directory in [run_dir, *new_tmp]:
        assert scan_directory(matcher, directory).findings == [], directory
    assert not (Path(compose_config().engine.run_dir) / f"{server.NAME}.pid").exists(), "server left running"


def test_the_audit_command_on_real_images(tmp_path: Path) -> None:
    """`bench audit IMAGE`: a hex-encoded secret in a layer found (exit 1), a clean image (exit 0), an
    image the engine does not have (exit 2, one line)."""
    config = compose_config()
    value = "cli-audit-" + secrets.token_hex(12)
    secret_file = tmp_path / "secret"
    secret_file.write_text(value + "\n")
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "cfg").write_text(f"key={value.encode().hex()}\n")
    (context / "Dockerfile").write_text("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY cfg /etc/cfg\n")
    tag = "bench-test/audit-leak:1"
    ctx = ["docker", "--context", config.engine.context]
    base = f"BASE_IMAGE={config.engine.registry}/bench/busybox:latest"
    subprocess.run(
        [*ctx, "buildx", "build", "--load", "--build-arg", base, "-t", tag, str(context)],
        check=True,
        capture_output=True,
    )
    try:
        audit = [BENCH, "audit", "--context", config.engine.context, "--secret-file", str(secret_file)]
        leaked = subprocess.run([*audit, tag], capture_output=True, text=True, timeout=120)
        assert leaked.returncode == 1, leaked.stdout + leaked.stderr
        assert "(hex) in image layer 2/2" in leaked.stdout and "/etc/cfg" in leaked.stdout
        assert value not in leaked.stdout + leaked.stderr
        other = tmp_path / "other"
        other.write_text("not-in-any-image-" + secrets.token_hex(8))
        clean = subprocess.run([*audit[:-1], str(other), tag], capture_output=True, text=True, timeout=120)
        assert clean.returncode == 0 and ": clean;" in clean.stdout, clean.stdout + clean.stderr
        missing = subprocess.run([*audit, "bench-test/no-such-image:1"], capture_output=True, text=True)
        assert missing.returncode == 2
        assert missing.stderr.strip().count("\n") == 0 and "no such image" in missing.stderr
    finally:
        subprocess.run([*ctx, "image", "rm", "-f", tag], capture_output=True)


def test_a_secret_mount_run_writes_the_token_nowhere_on_the_engine(tmp_path: Path) -> None:
    """Only secret-mount builds in the run: nothing else can have put the token on the engine's disk, so
    its data root (snapshots, BuildKit cache and history, content blobs) must never hold it."""
    config = compose_config("experiment=secrets", "builder=buildkit", "repetitions=2", "warmup=0")
    config.scenario.variants = {"buildkit-secret": "Dockerfile"}
    console = Console(width=200, record=True)
    code = run_experiment(config, OmegaConf.to_yaml(OmegaConf.structured(config)), tmp_path / "run", console)
    assert code == EXIT_OK, console.export_text()
    rows = load(tmp_path / "run").builds
    assert len(rows) == 2 and (rows["outcome"] == "ok").all()
    assert not rows["leaked"].astype(bool).any(), list(rows["leak_locations"])
    if config.engine.owned:
        assert all(list(found) == [] for found in rows["engine_leak_locations"]), list(
            rows["engine_leak_locations"]
        )
