"""QEMU user emulation through binfmt_misc, so the engine can run RUN steps of foreign platforms."""

from __future__ import annotations

import subprocess
from pathlib import Path

BINFMT = Path("/proc/sys/fs/binfmt_misc")


def register() -> None:
    """Mount binfmt_misc if needed and enable Debian's qemu-user-static entries (they carry the F flag)."""
    if not (BINFMT / "status").exists():
        subprocess.run(["mount", "-t", "binfmt_misc", "binfmt_misc", str(BINFMT)], check=True)
    subprocess.run(["update-binfmts", "--enable"], check=False, capture_output=True)


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
