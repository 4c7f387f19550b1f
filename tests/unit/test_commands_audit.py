"""`bench audit --dir` and its bad input with no engine; the end-of-run audit that fails a run whose
directory or harness logs hold the token."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from bench.commands.audit import EXIT_BAD_INPUT, EXIT_CLEAN, EXIT_LEAKED, main
from bench.config import EngineConfig
from bench.secrets.run import SecretRun
from bench.secrets.token import RunToken

VALUE = b"dir-audit-secret-0123456789"


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret"
    path.write_bytes(VALUE + b"\n")
    return path


def test_a_clean_directory_exits_0(tmp_path: Path, secret_file: Path, capsys) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "builds.jsonl").write_text('{"argv": ["--build-arg", "TOKEN=<redacted>"]}\n')
    assert main(["--dir", str(run), "--secret-file", str(secret_file)]) == EXIT_CLEAN
    out = capsys.readouterr().out
    assert ": clean;" in out and VALUE.decode() not in out


def test_a_leak_in_a_directory_exits_1_and_says_where(tmp_path: Path, secret_file: Path, capsys) -> None:
    run = tmp_path / "run"
    (run / "logs").mkdir(parents=True)
    (run / "logs" / "b.log").write_bytes(b"x " + base64.b64encode(VALUE) + b"\n")
    assert main(["--dir", str(run), "--secret-file", str(secret_file)]) == EXIT_LEAKED
    out = capsys.readouterr().out
    assert f"(base64@0) in {run / 'logs' / 'b.log'}" in out and "LEAKED (1 finding(s))" in out
    assert VALUE.decode() not in out and base64.b64encode(VALUE).decode() not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dir", "{tmp}", "--secret-file", "{tmp}/missing"], "does not exist"),
        (["--dir", "{tmp}", "--secret-file", "{tmp}/empty"], "is empty"),
        (["--dir", "{tmp}/nodir", "--secret-file", "{secret}"], "is not a directory"),
        (["--secret-file", "{secret}"], "audit needs IMAGE"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, secret_file: Path, capsys, args: list[str], message: str
) -> None:
    (tmp_path / "empty").write_text("")
    filled = [a.format(tmp=tmp_path, secret=secret_file) for a in args]
    assert main(filled) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and err[0].startswith("bench: ")


def test_the_end_of_run_audit_finds_the_token_in_the_run_and_service_logs(tmp_path: Path) -> None:
    engine_dir, run_dir = tmp_path / "engine", tmp_path / "run"
    engine_dir.mkdir()
    run_dir.mkdir()
    token = RunToken(tmp_path)
    secret_run = SecretRun(token, EngineConfig(run_dir=str(engine_dir)), docker=None, run_dir=run_dir)  # type: ignore[arg-type]
    (run_dir / "builds.jsonl").write_text("clean\n")
    (engine_dir / "registry.log").write_text(f"GET /v2/ Authorization: Bearer {token.value}\n")
    (engine_dir / "dockerd.log").write_text(f"span=RUN ... {token.value}\n")  # per build, not here
    said: list[str] = []
    found = secret_run.finish(run_dir, say=said.append)
    assert [f.where for f in found] == [str(engine_dir / "registry.log")]
    assert "the run fails" in said[-1] and token.value not in "\n".join(said)
    assert not token.directory.exists(), "finish removes the token"


def test_a_clean_run_passes_the_end_of_run_audit(tmp_path: Path) -> None:
    token = RunToken(tmp_path)
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "builds.jsonl").write_text("TOKEN=<redacted>\n")
    secret_run = SecretRun(token, EngineConfig(run_dir=str(tmp_path / "none")), docker=None, run_dir=run_dir)  # type: ignore[arg-type]
    said: list[str] = []
    assert secret_run.finish(run_dir, say=said.append) == []
    assert "is not there" in said[-1]
