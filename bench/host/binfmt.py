"""QEMU user emulation through binfmt_misc, so the engine can run RUN steps of foreign platforms."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

BINFMT = Path("/proc/sys/fs/binfmt_misc")


def emulators_installed() -> bool:
    """Debian's qemu-user-static and binfmt-support are there (`bench engine up --all` installs them)."""
    return shutil.which("update-binfmts") is not None and shutil.which("qemu-aarch64-static") is not None


def register() -> list[str]:
    """Mount binfmt_misc if needed and enable Debian's qemu-user-static entries (they carry the F flag);
    returns the entries enabled now (those already there were someone else's, and purge leaves them)."""
    if not emulators_installed():
        return []
    if not (BINFMT / "status").exists():
        subprocess.run(["mount", "-t", "binfmt_misc", "binfmt_misc", str(BINFMT)], check=True)
    before = set(emulators())
    subprocess.run(["update-binfmts", "--enable"], check=False, capture_output=True)
    return sorted(set(emulators()) - before)


def unregister(entries: list[str]) -> list[str]:
    """Remove these binfmt_misc entries (writing -1 to each); returns those removed."""
    removed = []
    for name in entries:
        entry = BINFMT / name
        if entry.exists():
            entry.write_text("-1")
            removed.append(name)
    return removed


def emulators() -> dict[str, str]:
    """Registered qemu emulators and their flags, e.g. {'qemu-aarch64': 'F'}; empty when none."""
    found: dict[str, str] = {}
    if not BINFMT.exists():
        return found
    for entry in sorted(BINFMT.glob("qemu-*")):
        try:
            text = entry.read_text()
        except OSError:
            continue
        if not text.startswith("enabled"):
            continue
        flags = next(
            (line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("flags:")), ""
        )
        found[entry.name] = flags
    return found
