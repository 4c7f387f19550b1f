"""The ssh-agent of one run: its socket in the run's private directory, the run's key added to it.

BuildKit forwards this socket into a `RUN --mount=type=ssh` step (`--ssh default=SOCKET`): the step can
authenticate with the key, but only the agent, on the host, ever holds it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from bench.errors import EngineError
from bench.services import service

NAME = "ssh-agent"
SOCKET = "agent.sock"


class AgentError(EngineError):
    """The agent did not start, or holds no key; the message says which."""


def start(directory: Path, run_dir: str) -> Path:
    """An agent listening on DIRECTORY/agent.sock (foreground, so the service's pid file is its pid)."""
    socket = directory / SOCKET
    service.start(NAME, ["ssh-agent", "-D", "-a", str(socket)], run_dir, socket.exists, "ssh-agent", 10.0)
    return socket


def _env(socket: Path) -> dict[str, str]:
    return {**os.environ, "SSH_AUTH_SOCK": str(socket)}


def add_key(socket: Path, key: Path) -> None:
    added = subprocess.run(["ssh-add", "-q", str(key)], env=_env(socket), capture_output=True, text=True)
    if added.returncode != 0:
        raise AgentError(f"ssh-add could not add the run's key ({added.stderr.strip()[:160]})")


def key_count(socket: Path) -> int:
    """How many keys the agent holds (`ssh-add -l`: exit 1 and no lines when none)."""
    listed = subprocess.run(["ssh-add", "-l"], env=_env(socket), capture_output=True, text=True)
    if listed.returncode == 2:
        raise AgentError(f"the ssh-agent on {socket} does not answer ({listed.stderr.strip()[:160]})")
    return 0 if listed.returncode == 1 else len(listed.stdout.strip().splitlines())


def stop(run_dir: str) -> bool:
    return service.stop(NAME, run_dir)
