"""One run of a secrets scenario: make the token, serve the artifact, wrap the builders, audit, clean up.

`SecretRun.open` (for a scenario whose bench.yaml has a `secret` section; bench/run/engine.py opens it)
makes the run's token and starts the token server; `wrap` gives the builders the token; `chain` adds the
leak audit after every build; `finish` audits the run directory and the harness's own logs (the engine's
run dir: service and daemon logs) and then `close`s: server stopped, token directory removed. `close` also
runs at interpreter exit, so an exception or a signal cannot leave the token on disk.
"""

from __future__ import annotations

import atexit
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.audit.leak_check import LeakCheck
from bench.audit.leaks import Finding, Matcher, scan_directory, scan_files
from bench.builders.protocol import Builder
from bench.builders.records import BuildRecord
from bench.config import EngineConfig
from bench.plan import Measurement
from bench.secrets import server
from bench.secrets.passing import TokenBuilder, redact_text
from bench.secrets.token import RunToken

if TYPE_CHECKING:
    from python_on_whales import DockerClient

AfterBuild = Callable[[Measurement, BuildRecord], dict[str, Any]]
DAEMON_LOG = "dockerd.log"  # bench/engine/daemon.py writes it in the engine's run dir


class SecretRun:
    noun = "the run's token"  # how lines name the secret (a subclass audits another kind of secret)

    def __init__(self, token: RunToken, engine: EngineConfig, docker: DockerClient, run_dir: Path) -> None:
        self.token = token
        self.engine = engine
        self.run_dir = run_dir
        self.matcher = Matcher([token.secret])
        self._docker = docker
        self._closed = False
        atexit.register(self.close)

    @classmethod
    def open(cls, engine: EngineConfig, docker: DockerClient, run_dir: Path) -> SecretRun:
        """The token made and its server answering (the ssh scenario has SshRun, bench/secrets/ssh_run.py;
        bench/run/engine.py picks by the scenario's `secret` section)."""
        token = RunToken()
        try:
            address = server.start(engine.token_server, token.path, engine.run_dir, fallback=True)
        except BaseException:
            token.remove()
            raise
        return cls(token, replace(engine, token_server=address), docker, Path(run_dir))

    def wrap(self, builders: Mapping[str, Builder]) -> dict[str, Builder]:
        address = self.engine.token_server  # where this run's server listens (the configured port if free)
        return {name: TokenBuilder(builder, self.token, address) for name, builder in builders.items()}

    def chain(self, after_build: AfterBuild | None) -> AfterBuild:
        """The scenario's other checks, then the leak audit (both outside the timed span)."""
        storage = (
            Path(self.engine.state_dir) / "data" if self.engine.owned else None
        )  # bench/engine/daemon.py
        check = LeakCheck(self._docker, self.matcher, daemon_log=self.daemon_log(), engine_storage=storage)

        def both(m: Measurement, record: BuildRecord) -> dict[str, Any]:
            fields = dict(after_build(m, record)) if after_build is not None else {}
            if fields.get("image_files"):  # the image's config kept for the equivalence: no token in it
                self._redact_file(self.run_dir / str(fields["image_files"]))
            fields.update(check(m, record))
            return fields

        return both

    def daemon_log(self) -> Path:
        """The engine daemon's log: audited after each build, its findings going to that build's row."""
        return Path(self.engine.run_dir) / DAEMON_LOG

    def log_files(self) -> list[Path]:
        """The harness's own logs: its services' logs in the engine's run dir (registry, package index,
        token server), with the generation a restart rotated (bench/services/log_rotation.py: the registry
        restarts at a run's end). The daemon's log is the engine's, audited per build (`daemon_log`)."""
        logs = [*Path(self.engine.run_dir).glob("*.log"), *Path(self.engine.run_dir).glob("*.log.1")]
        return sorted(p for p in logs if p.name not in (DAEMON_LOG, f"{DAEMON_LOG}.1"))

    def _redact_file(self, path: Path) -> None:
        if path.is_file():
            path.write_text(redact_text(path.read_text(errors="surrogateescape"), self.token.secret))

    def audit_outputs(self, run_dir: Path) -> list[Finding]:
        """Search the run directory (rows, summary, Hydra's files) and the harness's logs for the token."""
        scan = scan_directory(self.matcher, run_dir)
        return scan_files(self.matcher, self.log_files(), scan).findings

    def finish(self, run_dir: Path, say: Callable[[str], object] = print) -> list[Finding]:
        """Audit the outputs, say each finding and a verdict line, then close; returns the findings."""
        try:
            found = self.audit_outputs(run_dir)
        finally:
            self.close()
        for finding in found:
            say(finding.line())
        where = f"{run_dir} and {len(self.log_files())} harness log(s) in {self.engine.run_dir}"
        if found:
            say(f"[red]{self.noun} ({self.token.fingerprint}) was found in {where}: the run fails[/]")
        else:
            say(f"secret audit of {where}: {self.noun} ({self.token.fingerprint}) is not there")
        return found

    def close(self) -> None:
        """Stop the server and remove the token's directory; safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        try:
            server.stop(self.engine.token_server, self.engine.run_dir)
        finally:
            self.token.remove()
            atexit.unregister(self.close)


def with_leak_audit(secret: SecretRun | None, after_build: AfterBuild) -> AfterBuild:
    """`after_build`, followed by the leak audit when the run has a secret."""
    return after_build if secret is None else secret.chain(after_build)
