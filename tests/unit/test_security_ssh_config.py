"""The user's ~/.ssh/config (bench/services/ssh_server.py): bench's engines are reached through a file of
bench's own, included by one marked line at the top, so no global directive of the user's moves under
bench's `Host`; written atomically with its mode kept, and purge gives the file back byte for byte.
Checked with the real `ssh -G`, which prints the configuration ssh would use. Issue 21, item 10.
"""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from bench.config import EngineConfig
from bench.services import ssh_server

pytestmark = pytest.mark.security

#: a user's config: global directives first (they apply to every host), odd blank lines, no last newline
USERS = (
    b"\n\n# mine\nIdentityFile ~/.ssh/id_work\nServerAliveInterval 42\nUser alice\n\n"
    b"Host other-host\n    Port 2222\n\n\n"
    b"Host *\n    ForwardAgent no"
)


def _engine(tmp_path: Path, name: str, port: int) -> EngineConfig:
    return EngineConfig(
        name=name, host=f"ssh://root@bench-{name}", ssh_port=port, state_dir=str(tmp_path / name)
    )


def _ssh_g(config: Path, host: str) -> dict[str, str]:
    """`ssh -G HOST` with this file as the user's config: what ssh would use, one `key value` a line."""
    if shutil.which("ssh") is None:
        pytest.skip("needs the ssh client")
    done = subprocess.run(["ssh", "-F", str(config), "-G", host], capture_output=True, text=True, check=True)
    return dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "home" / ".ssh" / "config"
    path.parent.mkdir(parents=True, mode=0o700)
    path.write_bytes(USERS)
    path.chmod(0o640)
    return path


def test_the_users_global_directives_still_apply_to_every_other_host(tmp_path: Path, config: Path) -> None:
    """Today the block went on top as `Host bench-t ...`, so ServerAliveInterval, IdentityFile and User
    after it applied to bench's host alone."""
    before = _ssh_g(config, "other-host")
    assert before["serveraliveinterval"] == "42" and before["user"] == "alice" and before["port"] == "2222"
    ssh_server.write_client_config(_engine(tmp_path, "t", 2299), config)
    assert _ssh_g(config, "other-host") == before
    assert _ssh_g(config, "elsewhere")["serveraliveinterval"] == "42"
    bench = _ssh_g(config, "bench-t")
    assert bench["hostname"] == "127.0.0.1" and bench["port"] == "2299" and bench["batchmode"] == "yes"
    assert bench["user"] == "alice"  # bench's host gets the user's globals, as any host does


def test_the_config_is_replaced_atomically_with_its_mode(tmp_path: Path, config: Path) -> None:
    ssh_server.write_client_config(_engine(tmp_path, "t", 2299), config)
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    text = config.read_bytes()
    assert text.endswith(USERS) and text.count(b"\n") - USERS.count(b"\n") <= 3  # one Include line, marked
    assert b"Include " in text[: -len(USERS)] and b"Host " not in text[: -len(USERS)]
    assert sorted(p.name for p in config.parent.iterdir()) == ["config"]  # no temporary file left


def test_purge_gives_the_config_back_byte_for_byte(tmp_path: Path, config: Path) -> None:
    engines = [_engine(tmp_path, "t", 2299), _engine(tmp_path, "u", 2300)]
    before = _ssh_g(config, "other-host")
    for engine in engines:
        ssh_server.write_client_config(engine, config)
    ssh_server.write_client_config(engines[0], config)  # `bench engine up` again: still one line each
    assert _ssh_g(config, "bench-u")["port"] == "2300" and _ssh_g(config, "bench-t")["port"] == "2299"
    assert ssh_server.remove_client_config(engines, config) is True
    assert config.read_bytes() == USERS
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    assert _ssh_g(config, "other-host") == before
    assert ssh_server.remove_client_config(engines, config) is False  # nothing of bench's left


def test_a_config_bench_created_is_removed_by_purge_and_one_the_user_had_empty_is_kept(
    tmp_path: Path,
) -> None:
    engine = _engine(tmp_path, "t", 2299)
    created = tmp_path / "created" / ".ssh" / "config"
    ssh_server.write_client_config(engine, created)
    assert stat.S_IMODE(created.stat().st_mode) == 0o600
    ssh_server.remove_client_config([engine], created)
    assert not created.exists()
    empty = tmp_path / "empty" / ".ssh" / "config"
    empty.parent.mkdir(parents=True)
    empty.write_bytes(b"")
    ssh_server.write_client_config(engine, empty)
    ssh_server.remove_client_config([engine], empty)
    assert empty.exists() and empty.read_bytes() == b""


def test_an_older_bench_s_host_block_is_replaced_and_purge_still_gives_the_users_bytes(
    tmp_path: Path, config: Path
) -> None:
    """The block earlier versions put on top (a whole `Host` block between the same markers)."""
    engine = _engine(tmp_path, "t", 2299)
    older = (
        "# >>> bench engine t (written by `bench engine up`; bench rewrites only this block)\n"
        "Host bench-t\n    HostName 127.0.0.1\n    Port 2299\n    BatchMode yes\n"
        "# <<< bench engine t\n"
    )
    config.write_bytes(older.encode() + USERS)
    ssh_server.write_client_config(engine, config)
    assert b"Host bench-t" not in config.read_bytes() and config.read_bytes().endswith(USERS)
    assert _ssh_g(config, "other-host")["serveraliveinterval"] == "42"
    ssh_server.remove_client_config([engine], config)
    assert config.read_bytes() == USERS
