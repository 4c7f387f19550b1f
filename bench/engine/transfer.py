"""Image push and pull as a user's CLI runs them: one timed `docker` process each (argv kept for replay)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.builders.process import ProcessRun, Runner, run_timed

if TYPE_CHECKING:
    from python_on_whales import DockerClient


class CliTransfer:
    """`docker push` / `docker pull` on the engine's context; never raises for a failed transfer.

    No parser reads a transfer's output: its run keeps the bounded tail of lines (bench/builders/process.py)
    that an error message is made of, however much the CLI prints.
    """

    def __init__(self, client: DockerClient, runner: Runner = run_timed) -> None:
        self._client = client
        self._runner = runner

    def _run(self, verb: str, ref: str) -> ProcessRun:
        cmd = self._client.client_config.docker_cmd
        cmd.extend([verb, "--quiet", ref])
        return self._runner([str(word) for word in cmd], {})

    def push(self, ref: str) -> ProcessRun:
        return self._run("push", ref)

    def pull(self, ref: str) -> ProcessRun:
        return self._run("pull", ref)
