"""What dpkg says of one installed package, for set-up's choices of versions (bench/host/sshd_prefix.py,
bench/host/version_alignment.py); read only, never changed."""

from __future__ import annotations

import subprocess


def installed_field(package: str, field: str) -> str | None:
    """One field of an installed package as dpkg records it (`Version`, `source:Package`), None when the
    package is not installed."""
    result = subprocess.run(
        ["dpkg-query", "-W", f"-f=${{db:Status-Status}} ${{{field}}}", package],
        capture_output=True,
        text=True,
        check=False,
    )
    status, _, value = result.stdout.strip().partition(" ")
    return value if result.returncode == 0 and status == "installed" and value else None
