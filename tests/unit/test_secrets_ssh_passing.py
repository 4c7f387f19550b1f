"""The ssh scenario without an engine: what each Dockerfile variant needs, how the run's key reaches a
build (agent socket flag, key file in the context, build args), redaction of the key in every form a
record can hold it, the run's key material and its removal, the sshd's config, and C6 from audited rows."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from engine_setup import compose_config

from bench.audit.key_material import is_private_key, private_key_parts
from bench.audit.leaks import Matcher, read_secret_file
from bench.builders.dockerfile import read_dockerfile
from bench.builders.records import BuildRecord, BuildRequest, Outcome, Step
from bench.composition import PROJECT_ROOT
from bench.report.claims.registry import CHECKS, CLAIMS
from bench.report.claims.ssh import check_c6
from bench.report.verdicts import NOT_MEASURED, NOT_SUPPORTED, SUPPORTED, Evidence
from bench.scenario.definition import load_scenario
from bench.secrets.git_repo import make_repository
from bench.secrets.git_server import sshd_config
from bench.secrets.ssh_keys import RunKeys
from bench.secrets.ssh_passing import KeyBuilder, KeyNeeds, SshEndpoints, given_key, key_needs

SCENARIO = PROJECT_ROOT / "scenarios" / "ssh"
ARGS = frozenset({"BASE_IMAGE", "KNOWN_HOSTS", "GIT_URL"})


@pytest.fixture
def keys(tmp_path: Path):
    made = RunKeys(tmp_path)
    yield made
    made.remove()


def _endpoints(socket: Path | None = Path("/dev/shm/x/agent.sock"), git_url: str | None = "ssh://u@h/r.git"):
    return SshEndpoints(git_url, "git://127.0.0.1:9/r.git", "[127.0.0.1]:2 ssh-ed25519 AAAA", socket)


@pytest.mark.parametrize(
    ("dockerfile", "needs"),
    [
        ("Dockerfile", KeyNeeds(ssh_mount=True, build_args=ARGS)),
        ("Dockerfile.copy-key", KeyNeeds(context_key=True, build_args=ARGS)),
        ("Dockerfile.copy-key-earlier-stage", KeyNeeds(context_key=True, build_args=ARGS)),
        (
            "Dockerfile.no-ssh",
            KeyNeeds(build_args=frozenset({"BASE_IMAGE", "KNOWN_HOSTS", "GIT_PUBLIC_URL"})),
        ),
    ],
)
def test_the_scenarios_dockerfiles_say_what_they_need(dockerfile: str, needs: KeyNeeds) -> None:
    assert key_needs(read_dockerfile(SCENARIO / dockerfile)) == needs


def test_the_experiment_has_the_four_variants_on_host_network() -> None:
    config = compose_config("experiment=ssh")
    scenario = load_scenario(config.scenario)
    assert set(scenario.variants) == {"buildkit-ssh", "no-ssh", "copy-key", "copy-key-earlier-stage"}
    assert scenario.network == "host" and scenario.secret == {"ssh_key": "per-run"}
    assert scenario.build_args["BASE_IMAGE"].endswith("/bench/debian-git:bookworm")
    assert {b.value for b in config.builder.names} == {"legacy", "buildkit"}


def test_the_agent_is_forwarded_only_to_a_mounting_build() -> None:
    request = BuildRequest("ctx", "ctx/Dockerfile", "t", {"BASE_IMAGE": "b"})
    mounted = given_key(request, _endpoints(), KeyNeeds(ssh_mount=True, build_args=ARGS))
    assert mounted.extra_flags == ("--ssh", "default=/dev/shm/x/agent.sock")
    assert mounted.build_args == {
        "BASE_IMAGE": "b",
        "GIT_URL": "ssh://u@h/r.git",
        "KNOWN_HOSTS": "[127.0.0.1]:2 ssh-ed25519 AAAA",
    }
    public = given_key(request, _endpoints(), KeyNeeds(build_args=frozenset({"GIT_PUBLIC_URL"})))
    assert public.extra_flags == () and public.build_args == {
        "BASE_IMAGE": "b",
        "GIT_PUBLIC_URL": "git://127.0.0.1:9/r.git",
    }


def test_run_keys_are_private_and_removed(keys: RunKeys) -> None:
    assert keys.key_path.stat().st_mode & 0o077 == 0 and keys.directory.stat().st_mode & 0o777 == 0o700
    authorized = keys.authorized_keys.read_text()
    assert authorized.startswith('restrict,command="git-shell -c') and "PRIVATE" not in authorized
    line = keys.known_hosts_line("127.0.0.1:2022")
    assert (
        line.startswith("[127.0.0.1]:2022 ssh-ed25519 ")
        and line.split()[2] in keys.host_key.with_suffix(".pub").read_text()
    )
    assert keys.secret.value.startswith(b"-" * 5 + b"BEGIN OPENSSH") and is_private_key(keys.secret.value)
    directory = keys.directory
    keys.remove()
    assert not directory.exists()


def test_the_key_is_found_however_it_was_wrapped(keys: RunKeys) -> None:
    """A key pasted into YAML (indented, CRLF) no longer holds the whole file; its body lines betray it.
    The first body line (format header, the same for every unencrypted ed25519 key) is not searched."""
    pem = keys.key_path.read_bytes()
    body = pem.splitlines()[1:-1]
    assert private_key_parts(pem) == tuple(body[1:])
    matcher = Matcher([keys.secret])
    indented = b"deploy_key: |\r\n" + b"".join(b"  " + line + b"\r\n" for line in pem.splitlines())
    assert {enc for _, enc in matcher.in_bytes(pem)} >= {"plain", "part 1"}
    assert matcher.in_bytes(indented) and "plain" not in {enc for _, enc in matcher.in_bytes(indented)}
    assert matcher.in_bytes(body[0]) == [], "the header line is shared by every such key"
    other = RunKeys(keys.directory.parent)
    try:
        assert matcher.in_bytes(other.key_path.read_bytes()) == [], "another key is not this one"
    finally:
        other.remove()


def test_a_key_file_given_to_bench_audit_is_searched_by_its_body_too(keys: RunKeys) -> None:
    assert read_secret_file(keys.key_path).parts == keys.secret.parts


class _KeyEchoingBuilder:
    """Sees the context's key file during its build, and puts the key in the record (as a broken
    build's output might), to show the wrapper removes the file and redacts the record."""

    name = "buildkit"

    def __init__(self) -> None:
        self.requests: list[BuildRequest] = []
        self.saw_key: bytes | None = None

    def supports(self, request: BuildRequest) -> str | None:
        return "--ssh needs BuildKit" if "--ssh" in request.extra_flags else None

    def build(self, request: BuildRequest) -> BuildRecord:
        self.requests.append(request)
        copied = Path(request.context_dir) / "id_ed25519"
        self.saw_key = copied.read_bytes() if copied.exists() else None
        key = (self.saw_key or b"").decode()
        step = Step(0, f"RUN echo {key[40:120]}", None, 0.0, 1.0, False)
        return BuildRecord(
            "buildkit", Outcome.OK, 1.0, [step], ["docker", key], {"K": key}, 0, key, "sha256:1"
        )


def _context(tmp_path: Path, dockerfile: str) -> BuildRequest:
    context = tmp_path / "ctx"
    shutil.copytree(SCENARIO, context, dirs_exist_ok=True)
    return BuildRequest(str(context), str(context / dockerfile), "t", {"BASE_IMAGE": "b"}, network="host")


def test_copy_key_gets_the_file_for_the_build_only_and_records_are_redacted(
    keys: RunKeys, tmp_path: Path
) -> None:
    inner = _KeyEchoingBuilder()
    request = _context(tmp_path, "Dockerfile.copy-key")
    record = KeyBuilder(inner, keys, _endpoints()).build(request)
    assert inner.saw_key == keys.key_path.read_bytes()
    assert not (Path(request.context_dir) / "id_ed25519").exists()
    text = " ".join([*record.argv, *record.env.values(), record.error_tail or "", record.steps[0].name])
    assert Matcher([keys.secret]).in_bytes(text.encode()) == []
    assert "<redacted " in record.error_tail


def test_faults_fail_only_the_builds_they_make_pointless(keys: RunKeys, tmp_path: Path) -> None:
    inner = _KeyEchoingBuilder()
    no_agent = KeyBuilder(inner, keys, _endpoints(socket=None), agent_fault="the ssh-agent holds no keys")
    mounted = no_agent.build(_context(tmp_path, "Dockerfile"))
    assert (
        mounted.outcome is Outcome.FAILED and mounted.error_tail == "not built: the ssh-agent holds no keys"
    )
    assert no_agent.build(_context(tmp_path, "Dockerfile.copy-key")).outcome is Outcome.OK
    no_sshd = KeyBuilder(inner, keys, _endpoints(git_url=None), sshd_fault="sshd did not start")
    assert no_sshd.build(_context(tmp_path, "Dockerfile.copy-key")).outcome is Outcome.FAILED
    assert no_sshd.build(_context(tmp_path, "Dockerfile.no-ssh")).outcome is Outcome.OK
    assert len(inner.requests) == 2, "a pointless build is not run"


def test_legacy_is_told_about_the_ssh_flag(keys: RunKeys, tmp_path: Path) -> None:
    wrapped = KeyBuilder(_KeyEchoingBuilder(), keys, _endpoints())
    assert wrapped.supports(_context(tmp_path, "Dockerfile")) == "--ssh needs BuildKit"
    assert wrapped.supports(_context(tmp_path, "Dockerfile.copy-key")) is None


def test_the_sshd_takes_keys_only(keys: RunKeys) -> None:
    config = sshd_config(keys, 40022)
    assert "Port 40022\nListenAddress 127.0.0.1\n" in config
    assert "PasswordAuthentication no" in config and f"AuthorizedKeysFile {keys.authorized_keys}" in config
    assert f"HostKey {keys.host_key}" in config


def test_the_repository_has_one_commit_with_the_marker(tmp_path: Path) -> None:
    repo = make_repository(tmp_path)
    shown = subprocess.run(
        ["git", "--git-dir", str(repo.path), "show", "main:README.md"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout == repo.readme and repo.readme.startswith("bench private repository ")


# --- C6 from rows -----------------------------------------------------------------------------------

C6 = next(c for c in CLAIMS if c.id == "C6")
LAYER = "bench-run/ssh:buildkit-1 layer 2/4 sha256:0123456789ab /root/.ssh/id_ed25519 [abcd1234 plain]"


def _row(variant: str, builder: str, leaked: bool | None, locations=(), cloned=True, outcome="ok") -> dict:
    return {
        "scenario": "ssh",
        "variant": variant,
        "builder": builder,
        "outcome": outcome,
        "warmup": False,
        "leaked": leaked,
        "leak_locations": list(locations) if leaked is not None else None,
        "clone_verified": cloned if outcome == "ok" else None,
        "error_tail": "--ssh needs BuildKit" if outcome == "unsupported" else None,
    }


def _rows(mount_leaked: bool = False, copy_found: bool = True, cloned: bool = True) -> Evidence:
    rows = [
        _row("buildkit-ssh", "buildkit", mount_leaked, [LAYER] if mount_leaked else [], cloned),
        _row("buildkit-ssh", "legacy", None, outcome="unsupported"),
        _row("copy-key", "buildkit", copy_found, [LAYER] if copy_found else []),
        _row("copy-key", "legacy", True, [LAYER]),
        _row("no-ssh", "buildkit", False),
    ]
    empty = pd.DataFrame()
    return Evidence(pd.DataFrame(rows), empty, empty, empty)


def test_c6_is_registered() -> None:
    assert CHECKS["C6"] is check_c6


def test_c6_supported_when_cloned_clean_and_the_copied_key_found() -> None:
    verdict = check_c6(C6, _rows())
    assert verdict.verdict == SUPPORTED
    text = "\n".join(verdict.numbers)
    assert "buildkit-ssh (buildkit): clean, 0 of 1 audited builds; clone in the image in 1" in text
    assert "copy-key (legacy): leaks, 1 of 1 audited builds in image layer: /root/.ssh/id_ed25519" in text
    assert "buildkit-ssh (legacy): unsupported: --ssh needs BuildKit" in text


def test_c6_not_supported_when_the_mounted_build_leaks() -> None:
    assert check_c6(C6, _rows(mount_leaked=True)).verdict == NOT_SUPPORTED


def test_c6_not_measured_when_the_audit_misses_the_copied_key() -> None:
    verdict = check_c6(C6, _rows(copy_found=False))
    assert verdict.verdict == NOT_MEASURED and "missed the copied key" in verdict.numbers[-1]


def test_c6_not_measured_without_the_clone_in_the_image() -> None:
    verdict = check_c6(C6, _rows(cloned=False))
    assert verdict.verdict == NOT_MEASURED and "access is not shown" in verdict.numbers[-1]


def test_c6_not_measured_without_ssh_rows() -> None:
    empty = pd.DataFrame()
    assert (
        check_c6(C6, Evidence(pd.DataFrame([{"builder": "buildkit"}]), empty, empty, empty)).verdict
        == NOT_MEASURED
    )
