"""Debian's sshd as bench runs it: on 127.0.0.1 only, its own host key, authorized keys and config file,
key authentication only, started and stopped through bench/services/service.py. The binary is the one
`bench engine up --all` unpacked into bench's prefix (bench/host/sshd_prefix.py), never the machine's.

Two servers use it: an engine reached over SSH (bench/services/ssh_server.py) and the ssh scenario's git
server (bench/secrets/git_server.py). What they share is here once: the hardened config lines, the
config check (with OpenSSH < 9.8's missing option), the greeting probe.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.errors import EngineError
from bench.host import created, sshd_prefix
from bench.host.layout import RUN_ROOT, SSHD_PREFIX
from bench.services import service, sshd_privsep

SSHD = str(sshd_prefix.binary())
#: sshd's privilege separation directory; Debian makes it at boot only when its own sshd is enabled.
PRIVSEP_DIR = Path("/run/sshd")
#: OpenSSH >= 9.8 penalises a source address after a failed login; every client here is 127.0.0.1, so one
#: refused key would lock every later client out: switched off where sshd knows the option.
PENALTIES_OFF = "PerSourcePenalties no"


def config_text(
    header: str, port: int, host_key: Path | str, authorized_keys: Path | str, extra: Sequence[str] = ()
) -> str:
    """An sshd_config: 127.0.0.1:port, root by key only, no forwarding of X11 or TCP, then `extra`."""
    return "".join(
        f"{line}\n"
        for line in (
            f"# {header}",
            f"Port {port}",
            "ListenAddress 127.0.0.1",
            f"HostKey {host_key}",
            f"AuthorizedKeysFile {authorized_keys}",
            "AllowUsers root",
            "PermitRootLogin prohibit-password",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "PidFile none",
            "X11Forwarding no",
            "AllowTcpForwarding no",
            "PrintMotd no",
            *extra,
            PENALTIES_OFF,
        )
    )


def without_penalties(text: str) -> str:
    """The config for an sshd older than 9.8, which refuses the penalties option."""
    return "".join(line + "\n" for line in text.splitlines() if line != PENALTIES_OFF)


@dataclass(frozen=True)
class Launch:
    """How to start the prefix's sshd: its libraries on LD_LIBRARY_PATH (sshd re-executes itself per
    connection with this environment; the sessions it opens get a fresh one), and, on a machine without
    the `sshd` user, the private mount namespace that supplies it (bench/services/sshd_privsep.py)."""

    env: dict[str, str]
    preexec: Callable[[], None] | None


def launch(sshd: str) -> Launch:
    env = dict(os.environ)
    ours = Path(sshd).is_relative_to(SSHD_PREFIX)
    libraries = sshd_prefix.library_path(SSHD_PREFIX) if ours else ""
    if libraries:
        env["LD_LIBRARY_PATH"] = libraries
    preexec = sshd_privsep.bind_passwd(sshd_privsep.write_passwd(RUN_ROOT)) if sshd_privsep.needed() else None
    return Launch(env, preexec)


def _check(config: Path, sshd: str) -> subprocess.CompletedProcess[str]:
    how = launch(sshd)
    return subprocess.run(
        [sshd, "-t", "-f", str(config)],
        capture_output=True,
        text=True,
        check=False,
        env=how.env,
        preexec_fn=how.preexec,
    )


def write_checked(config: Path, text: str, sshd: str = SSHD) -> None:
    """Write the config and have sshd check it (dropping the penalties option for sshd < 9.8); a config
    sshd refuses raises EngineError with sshd's own last line."""
    if not Path(sshd).exists():
        raise EngineError(
            f"{sshd} is missing (Debian's openssh-server, unpacked by bench's set-up)",
            fix="bench engine up --all",
        )
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text)
    with created.recording(PRIVSEP_DIR):  # purge removes it when bench made it
        PRIVSEP_DIR.mkdir(mode=0o755, exist_ok=True)
    checked = _check(config, sshd)
    if checked.returncode != 0 and "PerSourcePenalties" in checked.stderr:
        config.write_text(without_penalties(text))
        checked = _check(config, sshd)
    if checked.returncode != 0:
        why = (checked.stderr.strip().splitlines() or [f"exit {checked.returncode}"])[-1][:200]
        raise EngineError(f"sshd refuses {config} ({why})", fix=f"run `{sshd} -t -f {config}`")


def answers(port: int, timeout_s: float = 1.0) -> bool:
    """An SSH server greets on 127.0.0.1:port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout_s) as conn:
            return conn.recv(4).startswith(b"SSH-")
    except OSError:
        return False


def start(name: str, config: Path, port: int, run_dir: str, what: str, timeout_s: float = 20.0) -> None:
    """Run sshd in the foreground of a service (pid file and log in run_dir) until it greets on `port`."""
    argv = [SSHD, "-D", "-e", "-f", str(config)]
    how = launch(SSHD)
    service.start(
        name,
        argv,
        run_dir,
        lambda: answers(port),
        what,
        timeout_s=timeout_s,
        env=how.env,
        preexec=how.preexec,
    )
