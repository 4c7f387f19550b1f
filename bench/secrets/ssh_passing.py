"""How each Dockerfile variant of the ssh scenario is given the run's key, and the builder wrapper that
gives it.

The Dockerfile says what its pattern needs, as in bench/secrets/passing.py:
- `RUN --mount=type=ssh`: BuildKit's `--ssh default=<the run's agent socket>` (the key stays in the agent);
- `COPY id_ed25519 ...` (any stage): the private key written into the build's private context copy;
- `ARG GIT_URL` / `ARG GIT_PUBLIC_URL` / `ARG KNOWN_HOSTS`: where the run's sshd and git daemon serve the
  repository, and the sshd's host key line (public).
A fault that makes a build pointless (the sshd did not start, the agent holds no key) fails that build
with the reason, without running it; the others go on. Every record is redacted of the key before
anything is written (bench/secrets/passing.redact_record).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench.builders.dockerfile import Instruction, read_dockerfile
from bench.builders.protocol import Builder
from bench.builders.records import BuildRecord, BuildRequest, Outcome
from bench.safe.contained import open_in
from bench.secrets.passing import redact_record, token_needs
from bench.secrets.ssh_keys import CLIENT_KEY, RunKeys

URL_ARG = "GIT_URL"  # ssh://root@127.0.0.1:PORT/<run dir>/private.git
PUBLIC_URL_ARG = "GIT_PUBLIC_URL"  # git://127.0.0.1:PORT/private.git (no authentication: the baseline)
KNOWN_HOSTS_ARG = "KNOWN_HOSTS"  # the sshd's host key line
SSH_ID = "default"
_SSH_MOUNT = re.compile(r"--mount=\S*type=ssh")


@dataclass(frozen=True)
class KeyNeeds:
    """What one Dockerfile needs: the agent forwarded, the key file in the context, which build args."""

    ssh_mount: bool = False
    context_key: bool = False
    build_args: frozenset[str] = frozenset()

    @property
    def clones_over_ssh(self) -> bool:
        return self.ssh_mount or URL_ARG in self.build_args


def key_needs(instructions: list[Instruction]) -> KeyNeeds:
    mount = any(i.keyword.upper() == "RUN" and _SSH_MOUNT.search(i.args) for i in instructions)
    copied = token_needs(instructions, build_arg="", context_file=CLIENT_KEY).context_file
    args = {i.args.split("=", 1)[0].strip() for i in instructions if i.keyword.upper() == "ARG"}
    return KeyNeeds(mount, copied, frozenset(args))


@dataclass(frozen=True)
class SshEndpoints:
    """Where this run serves its repository, and what builds need to reach it."""

    git_url: str | None  # None: the sshd did not start
    public_url: str
    known_hosts: str
    agent_socket: Path | None  # None: no agent
    build_args: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        args = {PUBLIC_URL_ARG: self.public_url, KNOWN_HOSTS_ARG: self.known_hosts}
        if self.git_url is not None:
            args[URL_ARG] = self.git_url
        object.__setattr__(self, "build_args", args)


def given_key(request: BuildRequest, endpoints: SshEndpoints, needs: KeyNeeds) -> BuildRequest:
    """The request with the agent forwarded when mounted and the endpoints' build args it declares."""
    flags = request.extra_flags
    if needs.ssh_mount and endpoints.agent_socket is not None:
        flags = (*flags, "--ssh", f"{SSH_ID}={endpoints.agent_socket}")
    args = dict(request.build_args)
    args.update({k: v for k, v in endpoints.build_args.items() if k in needs.build_args})
    return replace(request, extra_flags=flags, build_args=args)


class KeyBuilder:
    """A builder that hands the run's key to each build as its Dockerfile needs, and redacts records.

    `sshd_fault` / `agent_fault`: why builds that clone over SSH / mount the agent cannot succeed."""

    def __init__(
        self,
        inner: Builder,
        keys: RunKeys,
        endpoints: SshEndpoints,
        sshd_fault: str | None = None,
        agent_fault: str | None = None,
    ) -> None:
        self.inner = inner
        self.keys = keys
        self.endpoints = endpoints
        self.sshd_fault = sshd_fault
        self.agent_fault = agent_fault
        self.name = inner.name

    def _needs(self, request: BuildRequest) -> KeyNeeds:
        return key_needs(read_dockerfile(request.dockerfile))

    def supports(self, request: BuildRequest) -> str | None:
        """The inner builder's answer for the request as it will run (with `--ssh` when mounted)."""
        return self.inner.supports(given_key(request, self.endpoints, self._needs(request)))

    def fault(self, needs: KeyNeeds) -> str | None:
        if needs.clones_over_ssh and self.sshd_fault:
            return self.sshd_fault
        return self.agent_fault if needs.ssh_mount else None

    def build(self, request: BuildRequest) -> BuildRecord:
        needs = self._needs(request)
        given = given_key(request, self.endpoints, needs)
        fault = self.fault(needs)
        if fault is not None:
            return BuildRecord(self.name, Outcome.FAILED, None, [], [], {}, error_tail=f"not built: {fault}")
        copied = Path(request.context_dir) / CLIENT_KEY if needs.context_key else None
        written = False
        try:
            if copied is not None:  # 0600 like the original: ssh refuses a key others can read
                fd = open_in(copied.parent, CLIENT_KEY, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                written = True  # never through a link the scenario shipped (bench/safe/contained.py)
                with os.fdopen(fd, "wb") as out:
                    out.write(self.keys.key_path.read_bytes())
            record = self.inner.build(given)
        finally:
            if copied is not None and written:
                copied.unlink(missing_ok=True)
        return redact_record(record, self.keys.secret)
