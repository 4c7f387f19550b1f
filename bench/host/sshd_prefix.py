"""Debian's sshd unpacked into bench's own directory (`dpkg-deb -x`), never installed on the machine.

Debian's openssh-server depends on openssh-client of exactly its own version. On a machine whose client
is older than the archive's (most Debian 12 machines that are not fully upgraded), installing the server
would upgrade the client, which bench refuses to do. So bench takes the server's `.deb` of the *installed*
client's version when the archive still has it, else the archive's own version, plus the shared libraries
that sshd links and the machine lacks (libwrap0 on most), unpacks them under `SSHD_PREFIX` and runs sshd
from there with its own config, keys and port (bench/services/sshd.py). The machine's dpkg state is not
changed: nothing is installed, no maintainer script runs, no user is added (bench/services/sshd_privsep.py).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.errors import EngineError
from bench.host import dpkg_status, host_packages, manifest, prefix
from bench.host.layout import SSHD_PREFIX

PACKAGE = "openssh-server"
CLIENT = "openssh-client"
#: what sshd does not need from the .debs: maintainer files, init scripts and units, docs
DROPPED = ("etc", "lib/systemd", "usr/lib/systemd", "usr/share/doc", "usr/share/man", "usr/share/lintian")
_RELATION = re.compile(r"^\s*([a-z0-9][a-z0-9+.-]*)(?::\w+)?\s*(?:\(\s*([<>=]+)\s*([^)\s]+)\s*\))?\s*$")
#: Debian names a shared library's package after its soname, so it carries a number (libwrap0, libssl3,
#: zlib1g); libpam-modules and libpam-runtime are PAM's modules and configuration, which bench's sshd
#: (UsePAM no) does not load
_SHARED_LIBRARY = re.compile(r"^(lib|zlib)[a-z0-9+.-]*\d")


@dataclass(frozen=True)
class Relation:
    """One package a .deb depends on, with its version constraint (Debian's `op` and version), if any."""

    name: str
    op: str | None = None
    version: str | None = None


def binary(root: Path = SSHD_PREFIX) -> Path:
    return root / "usr" / "sbin" / "sshd"


def installed(root: Path = SSHD_PREFIX) -> bool:
    """The prefix is complete (prefix.unpack writes `.complete` last, after the rename)."""
    return (root / ".complete").exists() and binary(root).exists()


def library_path(root: Path = SSHD_PREFIX) -> str:
    """LD_LIBRARY_PATH for the prefix's sshd: the library directories the unpacked .debs brought."""
    dirs = [d for pattern in ("lib/*-linux-gnu*", "usr/lib/*-linux-gnu*") for d in sorted(root.glob(pattern))]
    return ":".join(str(d) for d in dirs if d.is_dir())


def parse_depends(field: str) -> list[Relation]:
    """A Depends field as relations, the first alternative of each (`a (>= 1) | b` -> a >= 1)."""
    relations = []
    for clause in field.split(","):
        first = clause.split("|")[0]
        match = _RELATION.match(first)
        if match:
            relations.append(Relation(*match.groups()))
    return relations


def installed_version(package: str) -> str | None:
    """The version dpkg has installed of `package`, None when it is not installed."""
    return dpkg_status.installed_field(package, "Version")


def satisfied(installed: str | None, relation: Relation) -> bool:
    """The installed version meets the relation (dpkg's own comparison of Debian versions)."""
    if installed is None:
        return False
    if relation.op is None or relation.version is None:
        return True
    op = {"<": "<<", ">": ">>"}.get(relation.op, relation.op)
    return (
        subprocess.run(
            ["dpkg", "--compare-versions", installed, op, relation.version], check=False
        ).returncode
        == 0
    )


def missing_libraries(depends: str, version_of: Callable[[str], str | None] = installed_version) -> list[str]:
    """The shared-library packages sshd depends on that the machine lacks or has too old.

    Only shared libraries matter to a binary run from the prefix; the others (adduser, ucf, procps,
    openssh-client itself) serve maintainer scripts bench does not run."""
    libraries = [r for r in parse_depends(depends) if _SHARED_LIBRARY.match(r.name)]
    return [r.name for r in libraries if not satisfied(version_of(r.name), r)]


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
    return lines[-1] if lines else f"exit {result.returncode}"


def download(specs: list[str], into: Path) -> subprocess.CompletedProcess[str]:
    """`apt-get download` from the machine's own sources (its lists, read only) into `into`."""
    return host_packages.apt_get(["download", *specs], cwd=into)


def choose(into: Path, client_version: str | None, say: Callable[[str], object]) -> Path:
    """The server .deb: of the client's version when the archive has it, else the archive's."""
    tried = []
    for spec in ([f"{PACKAGE}={client_version}"] if client_version else []) + [PACKAGE]:
        result = download([spec], into)
        debs = sorted(into.glob(f"{PACKAGE}_*.deb"))
        if result.returncode == 0 and debs:
            if spec == PACKAGE and client_version:
                say(
                    f"the archive no longer has {PACKAGE} {client_version} (the installed client's version): "
                    f"using the archive's {deb_version(debs[0])}, which speaks the same protocol"
                )
            return debs[0]
        tried.append(f"{spec}: {_last_line(result)}")
    raise EngineError(
        f"cannot download {PACKAGE} from the machine's apt sources ({'; '.join(tried)})",
        fix="run `apt-get update` (the machine's package lists may be old), then `bench engine up --all`",
    )


def deb_field(deb: Path, name: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True, check=True
    ).stdout.strip()


def deb_version(deb: Path) -> str:
    return deb_field(deb, "Version")


def install(say: Callable[[str], object] = print, root: Path = SSHD_PREFIX) -> bool:
    """Unpack sshd and the libraries it lacks into `root` unless it is there; True when done now."""
    if installed(root):
        return False
    client = installed_version(CLIENT)
    with tempfile.TemporaryDirectory(prefix="bench-sshd-debs-") as scratch:
        into = Path(scratch)
        if host_packages.apt_get(["update", "-qq"]).returncode != 0:
            say("apt-get update failed: downloading sshd with the package lists the machine has")
        server = choose(into, client, say)
        libraries = missing_libraries(deb_field(server, "Depends"))
        if libraries:
            fetched = download(libraries, into)
            if fetched.returncode != 0:
                raise EngineError(
                    f"cannot download {', '.join(libraries)} (libraries sshd needs): {_last_line(fetched)}",
                    fix="check the machine's apt sources, then `bench engine up --all` again",
                )
        debs = sorted(into.glob("*.deb"))
        say(
            f"unpacking {PACKAGE} {deb_version(server)}"
            + (f" and {', '.join(libraries)}" if libraries else "")
            + f" into {root} (nothing is installed on the host)"
        )
        manifest.add("paths", [str(root)])
        prefix.unpack(debs, root, dropped=DROPPED)
    return True
