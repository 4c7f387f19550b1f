"""An SSH endpoint for a daemon bench starts: Debian's sshd on 127.0.0.1:PORT, its own keys and config.

This is how the test suite reaches an engine "over SSH" the way `docker context` does for a remote build
server: the docker CLI runs the system `ssh` binary (`ssh HOST docker system dial-stdio`), so the client
side is a block in ~/.ssh/config (key, port, pinned host key, BatchMode: never a prompt) and the server
side an sshd whose sessions get DOCKER_HOST pointing at this engine's socket (sshd_config SetEnv).
Nothing of the machine's own sshd or /root/.ssh/authorized_keys is touched: everything lives under
STATE_DIR/ssh and RUN_DIR.

The user's ~/.ssh/config gets one marked `Include STATE_DIR/ssh/client_config` line per engine, at the top
(issue 21, item 10): ssh reads an included file in place and restores the Host/Match state after it, so the
user's global directives (IdentityFile, ServerAliveInterval, their own Include) still apply to every host,
where a `Host` block put on top made every line after it apply to bench's host alone. The file is replaced
atomically (bench/safe/atomic_file.py) with its mode and owner kept (a symlinked config is written at its
target), and `bench engine purge` takes out exactly the bytes bench put in (remove_client_config); a file
bench created is deleted when nothing else is left in it.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

from bench.config import EngineConfig
from bench.errors import EngineError
from bench.safe import atomic_file
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
    """The engine's client config, in a file of bench's (`client_path`): BatchMode, so a bad key fails,
    never prompts."""
    keys, alias = ssh_dir(engine), host_alias(engine)
    return (
        f"# bench engine {engine.name}: written by `bench engine up`, included from ~/.ssh/config\n"
        f"Host {alias}\n"
        f"    HostName 127.0.0.1\n    Port {engine.ssh_port}\n"
        f"    IdentityFile {keys}/id_ed25519\n    IdentitiesOnly yes\n"
        f"    HostKeyAlias {alias}\n    UserKnownHostsFile {keys}/known_hosts\n"
        "    StrictHostKeyChecking yes\n    BatchMode yes\n    ConnectTimeout 10\n"
    )


def client_path(engine: EngineConfig) -> Path:
    return ssh_dir(engine) / "client_config"


def _begin(engine: EngineConfig) -> str:
    return f"# >>> bench engine {engine.name} (written by `bench engine up`; bench rewrites only this block)"


def _end(engine: EngineConfig) -> str:
    return f"# <<< bench engine {engine.name}"


#: inside a block: bench made the file, so purge deletes it when nothing of the user's is in it
CREATED = "# (bench created this file)"


def include_block(engine: EngineConfig, created: bool = False) -> str:
    """The lines bench puts at the top of ~/.ssh/config for one engine."""
    mark = f"{CREATED}\n" if created else ""
    return f"{_begin(engine)}\n{mark}Include {client_path(engine)}\n{_end(engine)}\n"


def _split_block(text: str, engine: EngineConfig) -> tuple[str, str]:
    """(`text` without bench's block for this engine, the block): exactly the bytes bench inserted, from
    its first marker line to the end of its last (also the Host block of earlier versions)."""
    begin, end = _begin(engine), _end(engine)
    start = text.find(begin)
    if start < 0 or (start > 0 and text[start - 1] != "\n"):
        return text, ""
    stop = text.find(f"\n{end}\n", start)
    if stop < 0:
        return text, ""
    stop += len(end) + 2
    return text[:start] + text[stop:], text[start:stop]


def without_block(text: str, engine: EngineConfig) -> str:
    """`text` with bench's block for this engine removed (everything else kept byte for byte)."""
    return _split_block(text, engine)[0]


def _config_file(config: Path | None) -> Path:
    """~/.ssh/config, or where it points when it is a symlink (a dotfile manager's): written in place."""
    config = config or Path.home() / ".ssh" / "config"
    return Path(os.path.realpath(config)) if config.is_symlink() else config


def write_client_config(engine: EngineConfig, config: Path | None = None) -> Path:
    """The engine's client config in bench's own file, and one Include line for it at the top of
    ~/.ssh/config (module docstring); the config is replaced atomically, its mode kept (0600 when new)."""
    ssh_dir(engine).mkdir(mode=0o700, parents=True, exist_ok=True)
    atomic_file.write(client_path(engine), client_block(engine), mode=0o600)
    config = _config_file(config)
    config.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    exists = config.exists()
    old = config.read_text() if exists else ""
    rest, block = _split_block(old, engine)
    new = include_block(engine, created=not exists or CREATED in block) + rest
    if new != old:
        atomic_file.write(config, new, mode=None if exists else 0o600)
    return config


def remove_client_config(engines: list[EngineConfig], config: Path | None = None) -> bool:
    """`bench engine purge`: take bench's blocks out of ~/.ssh/config, leaving the user's bytes as they
    were (a file bench created and nothing else is in is deleted); True when something was removed."""
    config = _config_file(config)
    if not config.is_file():
        return False
    old = config.read_text()
    new, created = old, False
    for engine in engines:
        new, block = _split_block(new, engine)
        created = created or CREATED in block
    if new == old:
        return False
    if created and not new:
        config.unlink()
    else:
        atomic_file.write(config, new)
    return True


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
