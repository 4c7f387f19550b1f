"""An SSH endpoint for a daemon bench starts: Debian's sshd on 127.0.0.1:PORT, its own keys and config.

This is how the test suite reaches an engine "over SSH" the way `docker context` does for a remote build
server: the docker CLI runs the system `ssh` binary (`ssh HOST docker system dial-stdio`), so the client
side is a block in ~/.ssh/config (key, port, pinned host key, BatchMode: never a prompt) and the server
side an sshd whose sessions get DOCKER_HOST pointing at this engine's socket (sshd_config SetEnv).
Nothing of the machine's own sshd or /root/.ssh/authorized_keys is touched: everything lives under
STATE_DIR/ssh and RUN_DIR, and only bench's own marked block of ~/.ssh/config is rewritten.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

from bench.config import EngineConfig
from bench.engine.errors import EngineError
from bench.services import service, sshd


def ssh_dir(engine: EngineConfig) -> Path:
    return Path(engine.state_dir) / "ssh"


def host_alias(engine: EngineConfig) -> str:
    """The host name of the engine's ssh:// endpoint: the ~/.ssh/config block is written for it."""
    parsed = urlparse(engine.host or "")
    if parsed.scheme != "ssh" or not parsed.hostname:
        raise EngineError(
            f"engine {engine.name!r} has ssh_port set but host {engine.host!r} is not ssh://USER@HOST",
            fix=f"engine.host=ssh://root@bench-{engine.name}",
        )
    return parsed.hostname


def _keygen(path: Path, comment: str) -> None:
    if not path.exists():
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
            check=True,
            capture_output=True,
        )


def sshd_config(engine: EngineConfig) -> str:
    """The engine's sshd (bench/services/sshd.py): its sessions talk to this engine's dockerd."""
    keys = ssh_dir(engine)
    return sshd.config_text(
        f"sshd for bench engine {engine.name!r}: its sessions talk to this engine's dockerd",
        engine.ssh_port or 0,
        keys / "ssh_host_ed25519_key",
        keys / "authorized_keys",
        extra=(f"SetEnv DOCKER_HOST=unix://{engine.socket}",),
    )


def client_block(engine: EngineConfig) -> str:
    """The ~/.ssh/config block for the engine's host alias; BatchMode so a bad key fails, never prompts."""
    keys, alias = ssh_dir(engine), host_alias(engine)
    return (
        f"{_begin(engine)}\n"
        f"Host {alias}\n"
        f"    HostName 127.0.0.1\n    Port {engine.ssh_port}\n"
        f"    IdentityFile {keys}/id_ed25519\n    IdentitiesOnly yes\n"
        f"    HostKeyAlias {alias}\n    UserKnownHostsFile {keys}/known_hosts\n"
        "    StrictHostKeyChecking yes\n    BatchMode yes\n    ConnectTimeout 10\n"
        f"{_end(engine)}\n"
    )


def _begin(engine: EngineConfig) -> str:
    return f"# >>> bench engine {engine.name} (written by `bench engine up`; bench rewrites only this block)"


def _end(engine: EngineConfig) -> str:
    return f"# <<< bench engine {engine.name}"


def without_block(text: str, engine: EngineConfig) -> str:
    """`text` with bench's block for this engine removed (everything else kept byte for byte)."""
    begin, end = _begin(engine), _end(engine)
    if begin not in text or end not in text:
        return text
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    return head + tail.lstrip("\n")


def write_client_config(engine: EngineConfig, config: Path | None = None) -> Path:
    """Put the block at the top of ~/.ssh/config (first match wins in ssh_config)."""
    config = config or Path.home() / ".ssh" / "config"
    config.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    old = config.read_text() if config.exists() else ""
    new = client_block(engine) + without_block(old, engine)
    if new != old:
        config.write_text(new)
        config.chmod(0o600)
    return config


def _keys(engine: EngineConfig) -> None:
    keys = ssh_dir(engine)
    keys.mkdir(mode=0o700, parents=True, exist_ok=True)
    _keygen(keys / "ssh_host_ed25519_key", f"bench-{engine.name}-host")
    _keygen(keys / "id_ed25519", f"bench-{engine.name}-client")
    (keys / "authorized_keys").write_text((keys / "id_ed25519.pub").read_text())
    host_key = (keys / "ssh_host_ed25519_key.pub").read_text().split()[:2]
    (keys / "known_hosts").write_text(f"{host_alias(engine)} {' '.join(host_key)}\n")


def answers(port: int, timeout_s: float = 1.0) -> bool:
    """The engine's sshd greets on 127.0.0.1:port."""
    return sshd.answers(port, timeout_s)


def start(engine: EngineConfig) -> bool:
    """Keys, sshd_config and client block, then sshd unless it already answers; True when started now."""
    if engine.ssh_port is None:
        return False
    _keys(engine)
    write_client_config(engine)
    config = Path(engine.run_dir) / "sshd_config"
    wanted = sshd_config(engine)
    old = config.read_text() if config.exists() else None
    if answers(engine.ssh_port):
        # the penalties line depends on sshd's version: compare without it
        if old is not None and sshd.without_penalties(old) == sshd.without_penalties(wanted):
            return False
        stop(engine)  # its configuration changed: restart it (sessions open now keep their process)
        time.sleep(0.3)
    sshd.write_checked(config, wanted)
    sshd.start("sshd", config, engine.ssh_port, engine.run_dir, f"sshd on 127.0.0.1:{engine.ssh_port}")
    return True


def stop(engine: EngineConfig) -> bool:
    return service.stop("sshd", engine.run_dir)
