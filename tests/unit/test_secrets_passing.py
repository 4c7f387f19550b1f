"""How the run's token reaches each Dockerfile variant, redaction of records, the token's directory and
the token server (a real local HTTP server on a free port, no engine)."""

from __future__ import annotations

import base64
import socket
import urllib.request
from pathlib import Path

import pytest
from fakes import ScriptedBuilder

from bench.builders.dockerfile import read_dockerfile, read_instructions
from bench.builders.records import BuildRecord, BuildRequest, Outcome, Step
from bench.composition import PROJECT_ROOT
from bench.secrets import server
from bench.secrets.passing import TokenBuilder, TokenNeeds, given_token, redact_record, token_needs
from bench.secrets.token import RunToken

SCENARIO = PROJECT_ROOT / "scenarios" / "secrets"


@pytest.fixture
def token(tmp_path: Path):
    made = RunToken(tmp_path)
    yield made
    made.remove()


@pytest.mark.parametrize(
    ("dockerfile", "needs"),
    [
        ("Dockerfile", TokenNeeds(secret_mount=True)),
        ("Dockerfile.no-secret", TokenNeeds()),
        ("Dockerfile.build-arg", TokenNeeds(build_arg=True)),
        ("Dockerfile.copy-delete", TokenNeeds(context_file=True)),
        ("Dockerfile.earlier-stage", TokenNeeds(context_file=True)),
    ],
)
def test_the_scenarios_dockerfiles_say_what_they_need(dockerfile: str, needs: TokenNeeds) -> None:
    assert token_needs(read_dockerfile(SCENARIO / dockerfile)) == needs


def test_copy_from_another_stage_is_not_a_context_file() -> None:
    text = "FROM a AS s\nFROM b\nCOPY --from=s /token /token\nARG TOKENS\n"
    assert token_needs(read_instructions(text)) == TokenNeeds()


def test_the_token_is_passed_as_the_pattern_needs(token: RunToken) -> None:
    request = BuildRequest("ctx", "ctx/Dockerfile", "t", {"A": "1"})
    mounted = given_token(request, token, TokenNeeds(secret_mount=True))
    assert mounted.extra_flags == ("--secret", f"id=token,src={token.path}")
    assert token.value not in " ".join(mounted.extra_flags)
    as_arg = given_token(request, token, TokenNeeds(build_arg=True))
    assert as_arg.build_args == {"A": "1", "TOKEN": token.value} and as_arg.extra_flags == ()


def test_records_are_redacted_everywhere(token: RunToken) -> None:
    encoded = base64.b64encode(token.value.encode()).decode()
    record = BuildRecord(
        "legacy",
        Outcome.FAILED,
        1.0,
        [Step(0, f"RUN echo {token.value}", None, 0.0, 1.0, False, error=f"bad {encoded}")],
        ["docker", "build", "--build-arg", f"TOKEN={token.value}"],
        {"X": token.value},
        error_tail=f"wget: {token.value.encode().hex()}",
    )
    text = repr(redact_record(record, token.secret))
    assert token.value not in text and encoded not in text and token.value.encode().hex() not in text
    assert f"TOKEN=<redacted {token.fingerprint}>" in text


def test_token_builder_writes_the_context_file_only_during_the_build(tmp_path: Path, token: RunToken) -> None:
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "Dockerfile").write_text("FROM scratch\nARG TOKEN\nCOPY token /t\n")
    seen: list[str] = []

    def wall(request: BuildRequest, call: int) -> float:
        seen.append((context / "token").read_text())
        return 1.0

    inner = ScriptedBuilder("legacy", wall)
    record = TokenBuilder(inner, token).build(BuildRequest(str(context), str(context / "Dockerfile"), "t"))
    assert seen == [token.value], "the COPY pattern needs the token file in the context"
    assert not (context / "token").exists(), "the token file must not outlive the build"
    assert inner.requests[0].build_args["TOKEN"] == token.value
    assert token.value not in repr(record)


def test_the_token_directory_is_private_and_removed(tmp_path: Path) -> None:
    made = RunToken(tmp_path)
    assert made.path.read_text() == made.value and len(made.value) >= 32
    assert (made.directory.stat().st_mode & 0o777) == 0o700 and (made.path.stat().st_mode & 0o777) == 0o600
    made.remove()
    assert not made.directory.exists()
    made.remove()  # twice is fine


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_server_refuses_without_the_token(tmp_path: Path, token: RunToken) -> None:
    address = f"127.0.0.1:{_free_port()}"
    server.start(address, token.path, str(tmp_path), size=4096)
    try:
        assert server.status(address, server.ARTIFACT_PATH) == 401
        assert server.status(address, server.ARTIFACT_PATH, token="wrong-token-value") == 401
        assert server.status(address, server.ARTIFACT_PATH, token=token.value) == 200
        assert server.status(address, server.PUBLIC_PATH) == 200
        request = urllib.request.Request(f"http://{address}{server.ARTIFACT_PATH}")
        request.add_header("Authorization", f"Bearer {token.value}")
        with urllib.request.urlopen(request) as response:
            assert response.read() == server.artifact(4096)
    finally:
        assert server.stop(address, str(tmp_path))
    assert server.status(address, "/health") is None
    assert token.value not in (tmp_path / f"{server.NAME}.log").read_text()


def test_the_server_refuses_a_busy_port(tmp_path: Path, token: RunToken) -> None:
    from bench.errors import EngineError

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        address = f"127.0.0.1:{busy.getsockname()[1]}"
        with pytest.raises(EngineError, match="already in use"):
            server.start(address, token.path, str(tmp_path))


def test_a_busy_port_falls_back_to_a_free_one_and_builds_are_told(tmp_path: Path, token: RunToken) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = f"127.0.0.1:{busy.getsockname()[1]}"
        address = server.start(taken, token.path, str(tmp_path), size=64, fallback=True)
        try:
            assert address != taken and server.status(address, server.ARTIFACT_PATH, token=token.value) == 200
        finally:
            server.stop(address, str(tmp_path))
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "Dockerfile").write_text("FROM scratch\n")
    inner = ScriptedBuilder("buildkit", [1.0])
    request = BuildRequest(str(context), str(context / "Dockerfile"), "t", {"ARTIFACT_SERVER": taken})
    TokenBuilder(inner, token, address).build(request)
    assert inner.requests[0].build_args["ARTIFACT_SERVER"] == address
