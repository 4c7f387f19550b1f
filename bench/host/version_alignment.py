"""New packages at the versions the machine's installed packages match, so that installing upgrades nothing.

apt installs a new package at its candidate, the newest version the machine's sources hold. On a machine
that is not fully upgraded, that version may require a newer sibling built from the same source: `git`
pulls in `perl`, whose security update depends on the `perl-base` of its own version, so apt would upgrade
`perl-base` (seen on a Debian 12 root with the security suite in its sources). The archive usually still
holds the new package at the installed sibling's version; asking for that version (`perl=5.36.0-7+deb12u3`)
installs the same software and upgrades nothing. Where the archive no longer has it, bench refuses as
before (bench/host/host_packages.py), or unpacks the tool into its prefix (bench/host/sshd_prefix.py).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable

from bench.host import dpkg_status

#: `Inst NAME (VERSION ...)`: a package the simulation installs new (an upgrade has `[OLD]` after NAME)
_NEW = re.compile(r"^Inst (\S+) \(", re.MULTILINE)
_UPGRADE = re.compile(r"^Inst (\S+) \[([^\]]+)\]", re.MULTILINE)

SourceOf = Callable[[str, str], "str | None"]


def source_in_archive(package: str, version: str) -> str | None:
    """The source package of `package` at `version` in the machine's sources, None when not there."""
    shown = subprocess.run(
        ["apt-cache", "show", "--no-all-versions", f"{package}={version}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if shown.returncode != 0 or not shown.stdout.strip():
        return None
    for line in shown.stdout.splitlines():
        if line.startswith("Source:"):
            return line.split()[1]
        if not line.strip():
            break
    return package  # no Source field: the source has the binary's name


def source_installed(package: str) -> str | None:
    """The source package an installed package was built from."""
    return dpkg_status.installed_field(package, "source:Package")


def pins(
    simulation: str,
    source_of: SourceOf = source_in_archive,
    installed_source: Callable[[str], str | None] = source_installed,
) -> list[str]:
    """`NEW=VERSION` for each package the simulation installs new that the archive holds at the installed
    version of an upgraded package built from the same source."""
    upgraded = {name.split(":")[0]: version for name, version in _UPGRADE.findall(simulation)}
    siblings = {
        (source, version)
        for name, version in upgraded.items()
        if (source := installed_source(name)) is not None
    }
    wanted = []
    for new in dict.fromkeys(name.split(":")[0] for name in _NEW.findall(simulation)):
        for source, version in sorted(siblings):
            if source_of(new, version) == source:
                wanted.append(f"{new}={version}")
                break
    return wanted
