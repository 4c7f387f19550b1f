"""What the secrets scenarios leave when their run is killed, for `bench engine purge` (issue 21, item 2).

A run stops its token server, git sshd, git daemon and ssh-agent and removes its private directory when it
ends; a SIGKILL skips that. The servers run in their own sessions with their pid files (and identities) in
the engine's run dir (bench/services/service.py), so purge stops them by those, never by name; the private
directories (a token, a key, the agent's socket) whose run is gone are swept (bench/safe/scratch.py).
"""

from __future__ import annotations

from bench.config import EngineConfig
from bench.errors import EngineError
from bench.safe import scratch
from bench.secrets import git_server, server, ssh_agent
from bench.services import service

#: the pid file names of bench/secrets/'s servers, and what purge calls them
SERVERS = (
    (server.NAME, "token server"),
    (git_server.SSHD_NAME, "git sshd"),
    (git_server.DAEMON_NAME, "git daemon"),
    (ssh_agent.NAME, "ssh-agent"),
)


def stop_and_sweep(engines: list[EngineConfig]) -> tuple[list[str], list[str]]:
    """Stop each engine's secrets servers that still run, then sweep the private directories of runs that
    are gone; (what was done, what could not be), as purge reports them."""
    done: list[str] = []
    left: list[str] = []
    for engine in engines:
        for name, what in SERVERS:
            try:
                if service.stop(name, engine.run_dir):
                    done.append(f"stopped the secrets scenario's {what} of engine {engine.name!r}")
            except (EngineError, OSError) as error:
                left.append(f"the secrets scenario's {what} of engine {engine.name!r}: {error}")
    done += [f"deleted {path} (left by a killed run)" for path in scratch.sweep()]
    return done, left
