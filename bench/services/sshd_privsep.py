"""sshd's privilege separation user on a machine without Debian's openssh-server.

sshd started as root refuses to run unless the user `sshd` exists: its unprivileged pre-authentication
child runs as that user, chrooted to /run/sshd. Debian's openssh-server adds the user in its maintainer
script; bench runs sshd from its own prefix (bench/host/sshd_prefix.py) and adds no user to the machine.
Instead, where the user is missing, bench's sshd starts in a private mount namespace in which /etc/passwd
is a copy of the machine's with that one line added (the ids of `nobody`). The machine's file is not
changed, and the namespace ends with the sshd that holds it.
"""

from __future__ import annotations

import ctypes
import os
import pwd
from collections.abc import Callable
from pathlib import Path

from bench.safe import atomic_file

USER = "sshd"
PASSWD = Path("/etc/passwd")
NOBODY_IDS = (65534, 65534)
# linux/sched.h and linux/mount.h
CLONE_NEWNS = 0x00020000
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000


def needed() -> bool:
    """The machine has no `sshd` user (it has never installed openssh-server)."""
    try:
        pwd.getpwnam(USER)
    except KeyError:
        return True
    return False


def passwd_text(machine_passwd: str) -> str:
    """The machine's passwd with the privilege separation user added, as Debian's package adds it."""
    try:
        nobody = pwd.getpwnam("nobody")
        uid, gid = nobody.pw_uid, nobody.pw_gid
    except KeyError:
        uid, gid = NOBODY_IDS
    text = machine_passwd if machine_passwd.endswith("\n") or not machine_passwd else machine_passwd + "\n"
    return text + f"{USER}:x:{uid}:{gid}:bench's sshd privilege separation:/run/sshd:/usr/sbin/nologin\n"


def write_passwd(directory: Path) -> Path:
    """The passwd copy sshd's namespace binds over /etc/passwd, one for all of bench's sshds in bench's
    run root (0644 as the machine's: sshd reads it as root, its child needs nothing from it)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "sshd-passwd"
    atomic_file.write(path, passwd_text(PASSWD.read_text()), mode=0o644)
    return path


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def bind_passwd(copy: Path) -> Callable[[], None]:
    """A preexec function for subprocess: a private mount namespace with `copy` on /etc/passwd.

    It runs in the child between fork and exec, so the process bench records (its pid, name and start
    time) is sshd itself, not a wrapper that execs it."""
    source = os.fsencode(copy)
    target = os.fsencode(PASSWD)
    libc = ctypes.CDLL(None, use_errno=True)  # loaded before the fork: the child only calls into it

    def enter() -> None:
        _check(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
        _check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
        _check(libc.mount(source, target, None, MS_BIND, None), f"mount --bind {copy} {PASSWD}")

    return enter
