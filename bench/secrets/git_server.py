"""The servers of one SSH run: an sshd that serves the run's repository to the run's key only, and a git
daemon that serves the same repository without authentication (the no-ssh baseline).

The sshd is Debian's (bench/services/sshd.py), with its own config, host key and authorized_keys file,
all in the run's private directory, on a free port of 127.0.0.1 (another sshd, e.g. an engine's over SSH,
may hold a fixed one).
Key authentication only; the key may run git-shell and nothing else (bench/secrets/ssh_keys.py).
Both are started through bench/services/service.py (log and pid file in the engine's run dir) and stopped
at the end of the run.
"""

from __future__ import annotations

import socket
from pathlib import Path

from bench.secrets.server import free_address
from bench.secrets.ssh_keys import RunKeys
from bench.services import service, sshd

GIT = "git"
SSHD_NAME = "git-sshd"
DAEMON_NAME = "git-daemon"


def sshd_config(keys: RunKeys, port: int) -> str:
    """`StrictModes no`: the run's directory is under /dev/shm (mode 1777), which StrictModes refuses;
    the directory itself is 0700 and its files 0600."""
    return sshd.config_text(
        "sshd of one bench ssh run: the run's key may run git-shell, nothing else",
        port,
        keys.host_key,
        keys.authorized_keys,
        extra=("StrictModes no", "AllowAgentForwarding no", "PermitTTY no"),
    )


def start_sshd(keys: RunKeys, run_dir: str, sshd_binary: str = sshd.SSHD) -> str:
    """Start the run's sshd on a free port of 127.0.0.1; returns `127.0.0.1:PORT` (else EngineError)."""
    address = free_address()
    port = int(address.rpartition(":")[2])
    config = keys.directory / "sshd_config"
    sshd.write_checked(config, sshd_config(keys, port), sshd=sshd_binary)
    sshd.start(SSHD_NAME, config, port, run_dir, f"the ssh scenario's sshd on {address}", timeout_s=10.0)
    return address


def _listens(address: str) -> bool:
    host, _, port = address.rpartition(":")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex((host, int(port))) == 0


def start_git_daemon(repository: Path, run_dir: str) -> str:
    """Serve `repository` read-only over git:// on a free port of 127.0.0.1; returns `127.0.0.1:PORT`."""
    address = free_address()
    argv = [
        GIT,
        "daemon",
        "--reuseaddr",
        "--listen=127.0.0.1",
        f"--port={address.rpartition(':')[2]}",
        f"--base-path={repository.parent}",
        "--export-all",
        str(repository),
    ]
    service.start(DAEMON_NAME, argv, run_dir, lambda: _listens(address), f"git daemon on {address}", 10.0)
    return address


def stop(run_dir: str) -> None:
    service.stop(SSHD_NAME, run_dir)
    service.stop(DAEMON_NAME, run_dir)
