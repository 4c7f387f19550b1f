"""The servers of one SSH run: an sshd that serves the run's repository to the run's key only, and a git
daemon that serves the same repository without authentication (the no-ssh baseline).

The sshd is Debian's, with its own config, host key and authorized_keys file, all in the run's private
directory, on a free port of 127.0.0.1 (another sshd, e.g. an engine's over SSH, may hold a fixed one).
Key authentication only; the key may run git-shell and nothing else (bench/secrets/ssh_keys.py).
Both are started through bench/services/service.py (log and pid file in the engine's run dir) and stopped
at the end of the run.
"""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

from bench.engine.errors import EngineError
from bench.secrets.server import free_address
from bench.secrets.ssh_keys import RunKeys
from bench.services import service
from bench.services.ssh_server import PRIVSEP_DIR, answers

SSHD = "/usr/sbin/sshd"
GIT = "git"
SSHD_NAME = "git-sshd"
DAEMON_NAME = "git-daemon"


class ServerError(EngineError):
    """A server of the SSH scenario that did not start; the message says what and why."""


def sshd_config(keys: RunKeys, port: int, penalties_option: bool = True) -> str:
    """`StrictModes no`: the run's directory is under /dev/shm (mode 1777), which StrictModes refuses;
    the directory itself is 0700 and its files 0600. `PerSourcePenalties no` (OpenSSH >= 9.8): every
    client is 127.0.0.1, one refused key must not lock the next build out."""
    return (
        "# sshd of one bench ssh run: the run's key may run git-shell, nothing else\n"
        f"Port {port}\nListenAddress 127.0.0.1\n"
        f"HostKey {keys.host_key}\n"
        f"AuthorizedKeysFile {keys.authorized_keys}\n"
        "AllowUsers root\nPermitRootLogin prohibit-password\n"
        "PubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        "UsePAM no\nStrictModes no\nPidFile none\nX11Forwarding no\nAllowTcpForwarding no\n"
        "AllowAgentForwarding no\nPermitTTY no\nPrintMotd no\n"
    ) + ("PerSourcePenalties no\n" if penalties_option else "")


def _check(config: Path, sshd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sshd, "-t", "-f", str(config)], capture_output=True, text=True, check=False)


def start_sshd(keys: RunKeys, run_dir: str, sshd: str = SSHD) -> str:
    """Start the run's sshd on a free port of 127.0.0.1; returns `127.0.0.1:PORT` (else ServerError)."""
    if not Path(sshd).exists():
        raise ServerError(f"{sshd} is missing (Debian's openssh-server)", fix="bench engine up")
    address = free_address()
    port = int(address.rpartition(":")[2])
    config = keys.directory / "sshd_config"
    config.write_text(sshd_config(keys, port))
    PRIVSEP_DIR.mkdir(mode=0o755, exist_ok=True)
    checked = _check(config, sshd)
    if checked.returncode != 0 and "PerSourcePenalties" in checked.stderr:  # OpenSSH < 9.8
        config.write_text(sshd_config(keys, port, penalties_option=False))
        checked = _check(config, sshd)
    if checked.returncode != 0:
        why = (checked.stderr.strip().splitlines() or [f"exit {checked.returncode}"])[-1][:200]
        raise ServerError(f"sshd refuses its configuration ({why})", fix=f"run `{sshd} -t -f CONFIG`")
    service.start(
        SSHD_NAME,
        [sshd, "-D", "-e", "-f", str(config)],
        run_dir,
        lambda: answers(port),
        f"the ssh scenario's sshd on {address}",
        timeout_s=10.0,
    )
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
