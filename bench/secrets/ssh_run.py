"""One run of the ssh scenario: key pairs, repository, sshd, ssh-agent and git daemon made per run, the
builders given the key, every image audited for it and checked to hold the clone, all of it removed.

The audit, the end-of-run audit of the run directory and logs, and the clean-up at exit or on a signal
are SecretRun's (bench/secrets/run.py), with the private key as the secret. A server that does not start
or an agent without a key is said in one line; the builds it makes pointless fail with that reason and
the matrix goes on.
"""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.builders.protocol import Builder
from bench.builders.records import BuildRecord, Outcome
from bench.config import EngineConfig
from bench.engine import ownership
from bench.errors import EngineError
from bench.plan import Measurement
from bench.secrets import git_server, ssh_agent
from bench.secrets.git_repo import CLONED_TO, README, Repository, make_repository
from bench.secrets.run import AfterBuild, SecretRun
from bench.secrets.ssh_keys import RunKeys
from bench.secrets.ssh_passing import KeyBuilder, SshEndpoints

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from python_on_whales import DockerClient


def _one_line(error: Exception) -> str:
    return error.one_line() if isinstance(error, EngineError) else str(error).strip().splitlines()[0]


class SshRun(SecretRun):
    noun = "the run's SSH key"

    def __init__(
        self,
        keys: RunKeys,
        engine: EngineConfig,
        docker: DockerClient,
        run_dir: Path,
        repository: Repository,
        endpoints: SshEndpoints,
        faults: dict[str, str | None],
    ) -> None:
        super().__init__(keys, engine, docker, run_dir)  # type: ignore[arg-type]  # a RunDirectory too
        self.keys = keys
        self.repository = repository
        self.endpoints = endpoints
        self.faults = faults

    @classmethod
    def open(
        cls,
        engine: EngineConfig,
        docker: DockerClient,
        run_dir: Path,
        say: Callable[[str], object] = print,
    ) -> SshRun:
        """The keys, repository and servers made; a server that did not start, or an agent without the
        key, is said in one line and fails only the builds that need it."""
        keys = RunKeys()
        faults: dict[str, str | None] = {"sshd": None, "agent": None}
        try:
            repository = make_repository(keys.directory)
            git_url = None
            try:
                sshd = git_server.start_sshd(keys, engine.run_dir)
                git_url = f"ssh://root@{sshd}{repository.path}"
                known_hosts = keys.known_hosts_line(sshd)
            except (EngineError, OSError) as error:
                faults["sshd"] = f"the ssh scenario's sshd did not start: {_one_line(error)}"
                known_hosts = keys.known_hosts_line("127.0.0.1:22")
            public = git_server.start_git_daemon(repository.path, engine.run_dir)
            socket = None
            try:
                socket = ssh_agent.start(keys.directory, engine.run_dir)
                ssh_agent.add_key(socket, keys.key_path)
                if ssh_agent.key_count(socket) == 0:
                    faults["agent"] = (
                        f"the run's ssh-agent ({socket}) holds no keys: check that ssh-add can add one"
                    )
            except (EngineError, OSError) as error:
                faults["agent"] = f"the ssh-agent is not usable: {_one_line(error)}"
        except BaseException:
            _stop_servers(engine)
            keys.remove()
            raise
        endpoints = SshEndpoints(git_url, f"git://{public}/{repository.path.name}", known_hosts, socket)
        for fault in faults.values():
            if fault:
                say(f"{fault}; the builds that need it fail, the others go on")
        return cls(keys, engine, docker, Path(run_dir), repository, endpoints, faults)

    def wrap(self, builders: Mapping[str, Builder]) -> dict[str, Builder]:
        return {
            name: KeyBuilder(builder, self.keys, self.endpoints, self.faults["sshd"], self.faults["agent"])
            for name, builder in builders.items()
        }

    def chain(self, after_build: AfterBuild | None) -> AfterBuild:
        """The other checks and the leak audit (SecretRun's), then whether the image holds the clone."""
        audited = super().chain(after_build)

        def with_clone(m: Measurement, record: BuildRecord) -> dict[str, Any]:
            fields = audited(m, record)
            fields.update(self.clone_check(record))
            return fields

        return with_clone

    def clone_check(self, record: BuildRecord) -> dict[str, Any]:
        """`clone_verified`: the image's CLONED_TO/README.md is this run's repository's (None: not built)."""
        from python_on_whales.exceptions import DockerException

        if record.outcome is not Outcome.OK or not record.image_id:
            return {"clone_verified": None}
        try:
            found = self._docker.run(
                record.image_id,
                ["cat", f"{CLONED_TO}/{README}"],
                remove=True,
                networks=["none"],
                labels=ownership.LABELS,
            )
        except DockerException as error:
            why = (str(error).strip().splitlines() or [""])[-1][:200]
            return {"clone_verified": False, "clone_error": why}
        verified = str(found).strip() == self.repository.readme.strip()
        return {"clone_verified": verified} | ({} if verified else {"clone_error": "README differs"})

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            _stop_servers(self.engine)
        finally:
            self.keys.remove()
            atexit.unregister(self.close)


def _stop_servers(engine: EngineConfig) -> None:
    git_server.stop(engine.run_dir)
    ssh_agent.stop(engine.run_dir)
