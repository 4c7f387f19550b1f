"""sshd's privilege separation user, given in a private mount namespace: the child sees it, the machine
does not (real namespaces: needs root, as bench does)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bench.services import sshd_privsep


def test_the_copy_adds_one_line_to_the_machines_passwd() -> None:
    machine = "root:x:0:0:root:/root:/bin/bash\n"
    text = sshd_privsep.passwd_text(machine)
    assert text.startswith(machine)
    added = text[len(machine) :].splitlines()
    assert len(added) == 1 and added[0].startswith("sshd:x:")
    assert added[0].endswith(":/run/sshd:/usr/sbin/nologin")


def test_the_child_sees_the_user_and_the_machine_is_unchanged(tmp_path: Path) -> None:
    before = Path("/etc/passwd").read_bytes()
    copy = sshd_privsep.write_passwd(tmp_path)
    seen = subprocess.run(
        ["getent", "passwd", "sshd"],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=sshd_privsep.bind_passwd(copy),
    )
    assert seen.returncode == 0 and seen.stdout.startswith("sshd:x:")
    assert Path("/etc/passwd").read_bytes() == before
    mounts = Path("/proc/self/mountinfo").read_text()
    assert " /etc/passwd " not in mounts  # the bind lived in the child's namespace only
    if sshd_privsep.needed():
        assert subprocess.run(["getent", "passwd", "sshd"], capture_output=True, check=False).returncode == 2
