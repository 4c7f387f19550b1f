"""Packages from the machine's own Debian suite (runc, debootstrap, QEMU...), installed only when missing,
never upgrading anything, and recorded in the manifest so that `bench engine purge` can remove them.

An earlier set-up wrote a Debian 13 apt source and pin and upgraded 108 packages of a Debian 12 machine
(docs/install.md). `remove_legacy_apt_source` takes that source and pin away; it cannot undo the upgrade.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

from bench.errors import EngineError
from bench.host import manifest, version_alignment

LEGACY_APT_FILES = (
    Path("/etc/apt/sources.list.d/bench-trixie.sources"),
    Path("/etc/apt/preferences.d/bench-trixie"),
)
# What each group is for; `bench engine up` installs ENGINE, `--all` (and `make test`) every group but
# CLUSTER, which only `bench cluster up` installs (bench/cluster/lifecycle.py).
ENGINE = ("runc", "debootstrap", "iproute2")  # runc under the prefix's containerd; base images; tc
EMULATION = ("qemu-user-static", "binfmt-support")  # foreign platforms (QEMU through binfmt_misc)
# engines over SSH, the ssh scenario's repository; the SSH *server* is never installed (Debian's pins the
# client to its own version, so it would upgrade an older client): bench/host/sshd_prefix.py unpacks it
SSH = ("openssh-client", "git")
TOOLS = ("hyperfine",)  # replaying a row's build outside the harness
BROWSER = ("chromium",)  # the report's browser test
APPARMOR = ("apparmor",)  # dockerd loads its profile with apparmor_parser on AppArmor hosts
CLUSTER = ("munge", "slurmctld", "slurmd", "slurm-client")  # a single-node SLURM cluster
_UPGRADE = re.compile(r"^Inst (\S+) \[([^\]]+)\]", re.MULTILINE)
_REMOVAL = re.compile(r"^(?:Purg|Remv) (\S+)", re.MULTILINE)


def debian_mirror() -> str:
    """The mirror the machine already uses, so set-up reaches only archives the machine is allowed to."""
    for path in [Path("/etc/apt/sources.list.d/debian.sources"), Path("/etc/apt/sources.list")]:
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            line = line.strip()
            if line.startswith("URIs:") and "security" not in line:
                return line.split()[1]
            if line.startswith("deb ") and "security" not in line:
                return next(p for p in line.split()[1:] if p.startswith("http"))
    return "http://deb.debian.org/debian"


def remove_legacy_apt_source(say: Callable[[str], object] = print) -> list[Path]:
    """Delete the Debian 13 source and pin that earlier versions of bench wrote; returns what was removed."""
    removed = [path for path in LEGACY_APT_FILES if path.exists()]
    for path in removed:
        path.unlink()
    if removed:
        say(
            "removed the Debian 13 apt source and pin an earlier bench wrote "
            f"({', '.join(map(str, removed))}); packages it upgraded stay upgraded (docs/install.md: "
            "'Machines set up by an earlier bench')"
        )
    return removed


def installed() -> set[str]:
    """Names of the packages dpkg has installed now (`name:arch` for foreign architectures, as dpkg says)."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${binary:Package} ${db:Status-Status}\n"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        name
        for name, _, status in (line.partition(" ") for line in out.splitlines())
        if status == "installed"
    }


def apt_get(args: list[str], capture: bool = False, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """apt-get on the machine's own sources, never interactive; `cwd` is where `download` writes."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(
        ["apt-get", "-q", "-y", "--no-install-recommends", "-o", "APT::Sandbox::User=root", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def upgrades_in(simulation: str) -> list[str]:
    """Packages an `apt-get -s install` output would upgrade (`Inst NAME [OLD] (NEW ...)` lines)."""
    return [f"{name} {old}" for name, old in _UPGRADE.findall(simulation)]


def ensure(
    packages: Iterable[str], why: str, say: Callable[[str], object] = print, avoid: str | None = None
) -> list[str]:
    """Install the packages that are missing, from the host's own suite, upgrading nothing; returns the
    packages dpkg gained (dependencies included), which the manifest records for purge. `avoid` names the
    bench command or option that does without them, for the refusal."""
    before = installed()
    missing = [p for p in packages if p not in before]
    if not missing:
        return []
    say(f"installing {' '.join(missing)} from the machine's own Debian suite ({why})")
    update = apt_get(["update", "-qq"])
    if update.returncode != 0:
        raise EngineError(
            f"apt-get update failed: {_tail(update)}", fix="check the machine's apt sources and network"
        )
    wanted, upgrades = _without_upgrades(missing)
    pinned = [w for w in wanted if w not in missing]
    if pinned:
        say(f"  at the versions the machine's packages match: {' '.join(pinned)}")
    if upgrades:
        raise EngineError(
            f"installing {' '.join(missing)} would upgrade {len(upgrades)} installed package(s) "
            f"({', '.join(upgrades[:5])}); bench does not change what the machine has",
            fix=(f"{avoid}; or " if avoid else "")
            + f"upgrade or install them yourself (apt-get install {' '.join(missing)}), then run again",
        )
    result = apt_get(["install", *wanted])
    gained = sorted(installed() - before)
    manifest.add("host_packages", gained)  # recorded even after a failure: purge removes a partial install
    if result.returncode != 0:
        raise EngineError(
            f"apt-get install {' '.join(missing)} failed: {_tail(result)}",
            fix="run `bench engine up` again once the archive answers",
        )
    return gained


def _without_upgrades(missing: list[str], rounds: int = 3) -> tuple[list[str], list[str]]:
    """What to ask apt for so that it upgrades nothing: `missing`, plus new packages pinned to their
    installed siblings' versions where their candidates would upgrade them (bench/host/version_alignment.py);
    returns that list and the upgrades it still implies (empty when none)."""
    wanted = list(missing)
    for _ in range(rounds):
        simulated = apt_get(["-s", "install", *wanted])
        if simulated.returncode != 0:
            raise EngineError(f"apt-get cannot install {' '.join(wanted)}: {_tail(simulated)}")
        upgrades = upgrades_in(simulated.stdout)
        pinned = [p for p in version_alignment.pins(simulated.stdout) if p not in wanted]
        if not upgrades or not pinned:
            return wanted, upgrades
        names = {p.partition("=")[0] for p in pinned}
        wanted = [w for w in wanted if w.partition("=")[0] not in names] + pinned
    return wanted, upgrades


def _bare(package: str) -> str:
    """`libc6:amd64` -> `libc6`: dpkg qualifies Multi-Arch: same packages, apt's simulation may not."""
    return package.split(":")[0]


def _tail(result: subprocess.CompletedProcess) -> str:
    lines = [line for line in (result.stderr or result.stdout or "").splitlines() if line.strip()]
    return lines[-1] if lines else f"exit {result.returncode}"


def remove(packages: Iterable[str], say: Callable[[str], object] = print) -> list[str]:
    """Purge those of `packages` still installed (the manifest's); returns what was removed."""
    present = sorted(set(packages) & installed())
    if not present:
        return []
    simulated = apt_get(["-s", "purge", *present])
    ours = {_bare(name) for name in present}
    others = sorted({_bare(name) for name in _REMOVAL.findall(simulated.stdout)} - ours)
    if others:
        raise EngineError(
            f"removing what bench installed would also remove {', '.join(others[:5])}, which depend on it",
            fix=f"keep them: remove the rest yourself, or apt-get purge {' '.join(present)} knowing that",
        )
    result = apt_get(["purge", *present])
    if result.returncode != 0:
        raise EngineError(f"apt-get purge failed: {_tail(result)}", fix="apt-get purge " + " ".join(present))
    return present
