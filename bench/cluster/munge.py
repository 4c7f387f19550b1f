"""munge, which SLURM's daemons and clients authenticate with: bench's own key and munged, beside (never
instead of) a munged the machine may run on /run/munge.

The key is root's secret: 0600 in a 0700 directory under STATE_ROOT, kept across `down` so a restarted
cluster's saved job credentials stay valid. munged refuses a socket directory that is not executable for
all ("Socket is inaccessible"), so its socket gets a 0755 directory of its own under RUN_ROOT.
"""

from __future__ import annotations

import subprocess

from bench.cluster.layout import ClusterPaths
from bench.errors import EngineError

KEY_BITS = 1024


def ensure_key(paths: ClusterPaths) -> bool:
    """Create the key once (mungekey); True when it was created now. Modes are set on every call."""
    paths.key_dir.mkdir(parents=True, exist_ok=True)
    paths.key_dir.chmod(0o700)
    created = False
    if not paths.key.exists():
        result = subprocess.run(
            ["mungekey", "--create", f"--keyfile={paths.key}", f"--bits={KEY_BITS}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            said = (result.stderr or result.stdout).strip().splitlines()
            raise EngineError(
                f"mungekey could not create {paths.key}: {said[-1] if said else f'exit {result.returncode}'}",
                fix="check that the munge package is installed (bench cluster up installs it)",
            )
        created = True
    paths.key.chmod(0o600)
    return created


def socket_dir(paths: ClusterPaths) -> None:
    paths.munge_dir.mkdir(parents=True, exist_ok=True)
    paths.munge_dir.chmod(0o755)


def argv(paths: ClusterPaths) -> list[str]:
    """munged in the foreground (bench keeps its pid and output, bench/services/service.py)."""
    return [
        "munged",
        "--foreground",
        f"--socket={paths.munge_socket}",
        f"--key-file={paths.key}",
        f"--pid-file={paths.own_pidfile('munged')}",
        f"--seed-file={paths.seed}",
    ]


def answers(paths: ClusterPaths, timeout_s: float = 5.0) -> bool:
    """A credential made on bench's socket decodes on it (`munge -n | unmunge`)."""
    if not paths.munge_socket.exists():
        return False
    socket = f"--socket={paths.munge_socket}"
    try:
        credential = subprocess.run(
            ["munge", socket, "--no-input"], capture_output=True, timeout=timeout_s, check=False
        )
        if credential.returncode != 0:
            return False
        decoded = subprocess.run(
            ["unmunge", socket], input=credential.stdout, capture_output=True, timeout=timeout_s, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return decoded.returncode == 0
