"""How each Dockerfile variant is given the run's token, and the builder wrapper that gives it.

The Dockerfile says what its pattern needs, so no variant is special-cased:
- `RUN --mount=type=secret,id=token`: BuildKit's `--secret id=token,src=<the token file>`;
- `ARG TOKEN`: the build arg `TOKEN=<value>` (the legacy pattern that leaks into the image history);
- `COPY token ...` (any stage): the token file written into the build's private context copy (the
  copy-then-delete and earlier-stage patterns).
Every record the wrapped builder returns has the value (and its encodings) replaced by a redaction mark
in its argv, environment, error text and step names, before anything is written.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from bench.audit.leaks import Secret
from bench.builders.dockerfile import Instruction, read_dockerfile
from bench.builders.protocol import Builder
from bench.builders.records import BuildRecord, BuildRequest
from bench.safe.contained import open_in
from bench.secrets.token import RunToken

SECRET_ID = "token"
BUILD_ARG = "TOKEN"
CONTEXT_FILE = "token"
SERVER_BUILD_ARG = "ARTIFACT_SERVER"  # the build arg naming the token server (set to where it listens)
_SECRET_MOUNT = re.compile(r"--mount=\S*type=secret")


@dataclass(frozen=True)
class TokenNeeds:
    """What one Dockerfile needs to receive the token."""

    secret_mount: bool = False
    build_arg: bool = False
    context_file: bool = False


def _copy_sources(args: str) -> list[str]:
    words = [w for w in args.split() if not w.startswith("--")]
    return [w.strip("\"'[],").removeprefix("./") for w in words[:-1]]


def token_needs(
    instructions: list[Instruction], build_arg: str = BUILD_ARG, context_file: str = CONTEXT_FILE
) -> TokenNeeds:
    """What the Dockerfile asks for: a secret mount, `ARG <build_arg>`, a COPY/ADD of <context_file>."""
    mount = arg = copied = False
    for instruction in instructions:
        keyword = instruction.keyword.upper()
        if keyword == "RUN" and _SECRET_MOUNT.search(instruction.args):
            mount = True
        elif keyword == "ARG" and instruction.args.split("=", 1)[0].strip() == build_arg:
            arg = True
        elif keyword in ("COPY", "ADD") and "--from" not in instruction.flags():
            copied = copied or context_file in _copy_sources(instruction.args)
    return TokenNeeds(mount, arg, copied)


def given_token(request: BuildRequest, token: RunToken, needs: TokenNeeds) -> BuildRequest:
    """The request with the token passed the way the Dockerfile needs it (the context file aside)."""
    flags = request.extra_flags
    if needs.secret_mount:
        flags = (*flags, "--secret", f"id={SECRET_ID},src={token.path}")
    args = dict(request.build_args)
    if needs.build_arg:
        args[BUILD_ARG] = token.value
    return replace(request, extra_flags=flags, build_args=args)


def redact_text(text: str, secret: Secret) -> str:
    mark = f"<redacted {secret.fingerprint}>"
    for needle in sorted(secret.needles().values(), key=len, reverse=True):
        text = text.replace(needle.decode(errors="surrogateescape"), mark)
    return text


def redact_record(record: BuildRecord, secret: Secret) -> BuildRecord:
    """The record with every trace of the secret replaced (argv, env, error tail, buildx metadata, step names
    and errors)."""

    def clean(text: str | None) -> str | None:
        return None if text is None else redact_text(text, secret)

    record.argv = [redact_text(word, secret) for word in record.argv]
    record.env = {key: redact_text(value, secret) for key, value in record.env.items()}
    record.error_tail = clean(record.error_tail)
    record.metadata = clean(record.metadata)
    record.steps = [replace(s, name=redact_text(s.name, secret), error=clean(s.error)) for s in record.steps]
    return record


class TokenBuilder:
    """A builder that hands the run's token to each build as its Dockerfile needs, and redacts records."""

    def __init__(self, inner: Builder, token: RunToken, server: str | None = None) -> None:
        self.inner = inner
        self.token = token
        self.server = server
        self.name = inner.name

    def _given(self, request: BuildRequest, needs: TokenNeeds) -> BuildRequest:
        request = given_token(request, self.token, needs)
        if self.server is not None and SERVER_BUILD_ARG in request.build_args:
            request = replace(request, build_args={**request.build_args, SERVER_BUILD_ARG: self.server})
        return request

    def _needs(self, request: BuildRequest) -> TokenNeeds:
        return token_needs(read_dockerfile(request.dockerfile))

    def supports(self, request: BuildRequest) -> str | None:
        """The inner builder's answer for the request as it will run (with `--secret` when mounted)."""
        return self.inner.supports(self._given(request, self._needs(request)))

    def build(self, request: BuildRequest) -> BuildRecord:
        needs = self._needs(request)
        copied = Path(request.context_dir) / CONTEXT_FILE if needs.context_file else None
        written = False
        try:
            if copied is not None:  # never through a link the scenario shipped (bench/safe/contained.py)
                fd = open_in(copied.parent, CONTEXT_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                written = True
                with os.fdopen(fd, "w") as out:
                    out.write(self.token.value)
            record = self.inner.build(self._given(request, needs))
        finally:
            if copied is not None and written:
                copied.unlink(missing_ok=True)
        return redact_record(record, self.token.secret)
