"""The SSH material of one run, in its private directory (bench/secrets/token.py's RunDirectory): the
client key pair the builds clone with, the sshd's host key, the authorized_keys file that lets only that
key in (and only to run git), and the known_hosts line builds are given so host key checking stays strict.

The private key is the run's secret: `secret` searches for the whole file and for its base64 body lines
(bench/audit/key_material.py), which is what a copied key file leaves in a layer.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from bench.audit.key_material import private_key_parts
from bench.audit.leaks import Secret
from bench.secrets.token import RunDirectory

CLIENT_KEY = "id_ed25519"  # also the name a Dockerfile COPYs (the legacy pattern)
HOST_KEY = "ssh_host_ed25519_key"
AUTHORIZED_KEYS = "authorized_keys"
#: what the key may do on the sshd: nothing but git's fetch and push commands, no pty, no forwarding
KEY_OPTIONS = 'restrict,command="git-shell -c \\"$SSH_ORIGINAL_COMMAND\\""'


def keygen(path: Path, comment: str) -> None:
    """An ed25519 key pair without a passphrase (ssh-keygen writes the private half 0600; the public half,
    0644 by default, is made 0600 too: every file of a run's secret directory is private)."""
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
        check=True,
        capture_output=True,
    )
    path.with_name(f"{path.name}.pub").chmod(0o600)


class RunKeys(RunDirectory):
    """A client and a host key pair made for one run; removed with the run's directory."""

    def __init__(self, directory: Path | None = None) -> None:
        super().__init__(directory)
        try:
            self.key_path = self.directory / CLIENT_KEY
            keygen(self.key_path, "bench-ssh-run")
            keygen(self.directory / HOST_KEY, "bench-ssh-run-host")
            public = (self.directory / f"{CLIENT_KEY}.pub").read_text().strip()
            self.authorized_keys = self.write_private(AUTHORIZED_KEYS, f"{KEY_OPTIONS} {public}\n")
            pem = self.key_path.read_bytes()
        except BaseException:
            self.remove()
            raise
        self.secret = Secret(pem.rstrip(b"\n"), "run ssh key", private_key_parts(pem))

    @property
    def fingerprint(self) -> str:
        return self.secret.fingerprint

    @property
    def host_key(self) -> Path:
        return self.directory / HOST_KEY

    def known_hosts_line(self, address: str) -> str:
        """The sshd's host key as a known_hosts line for `host:port` (`[host]:port` unless port 22)."""
        host, _, port = address.rpartition(":")
        name = host if port == "22" else f"[{host}]:{port}"
        kind, key = (self.directory / f"{HOST_KEY}.pub").read_text().split()[:2]
        return f"{name} {kind} {key}"

    def __repr__(self) -> str:
        return f"RunKeys(fingerprint={self.fingerprint}, directory={self.directory})"
