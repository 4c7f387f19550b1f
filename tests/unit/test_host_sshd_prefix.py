"""The sshd bench unpacks instead of installing openssh-server (issue 26): which .deb, which libraries."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bench.errors import EngineError
from bench.host import sshd_prefix
from bench.host.sshd_prefix import Relation

# openssh-server 1:9.2p1-2+deb12u10's Depends, as `dpkg-deb -f DEB Depends` prints it
DEPENDS = (
    "adduser, libpam-modules, libpam-runtime, lsb-base, openssh-client (= 1:9.2p1-2+deb12u10), "
    "openssh-sftp-server, procps, ucf, debconf (>= 0.5) | debconf-2.0, runit-helper (>= 2.14.0~), "
    "libaudit1 (>= 1:2.2.1), libc6 (>= 2.36), libcom-err2 (>= 1.43.9), libcrypt1 (>= 1:4.1.0), "
    "libgssapi-krb5-2 (>= 1.17), libkrb5-3 (>= 1.13~alpha1+dfsg), libpam0g (>= 0.99.7.1), "
    "libselinux1 (>= 3.1~), libssl3 (>= 3.0.19), libsystemd0, libwrap0 (>= 7.6-4~), zlib1g (>= 1:1.1.4)"
)
# what a Debian 12 machine without openssh-server has (libwrap0 is missing, libssl3 is older than asked)
MACHINE = {
    "libaudit1": "1:3.0.9-1",
    "libc6": "2.36-9+deb12u14",
    "libcom-err2": "1.47.0-2",
    "libcrypt1": "1:4.4.33-2",
    "libgssapi-krb5-2": "1.20.1-2+deb12u4",
    "libkrb5-3": "1.20.1-2+deb12u4",
    "libpam0g": "1.5.2-6+deb12u1",
    "libselinux1": "3.4-1+b6",
    "libssl3": "3.0.17-1~deb12u2",
    "libsystemd0": "252.38-1~deb12u1",
    "zlib1g": "1:1.2.13.dfsg-1",
}


def test_depends_keep_first_alternative_and_constraint() -> None:
    relations = sshd_prefix.parse_depends(DEPENDS)
    assert Relation("debconf", ">=", "0.5") in relations
    assert Relation("openssh-client", "=", "1:9.2p1-2+deb12u10") in relations
    assert Relation("libsystemd0") in relations
    assert all(r.name != "debconf-2.0" for r in relations)
    assert len(relations) == 22


def test_missing_libraries_are_those_absent_or_too_old() -> None:
    # dpkg's own comparison: 3.0.17 < 3.0.19, and the epoch of 1:4.4.33 beats 1:4.1.0
    assert sshd_prefix.missing_libraries(DEPENDS, MACHINE.get) == ["libssl3", "libwrap0"]
    current = {**MACHINE, "libssl3": "3.0.19-1~deb12u2", "libwrap0": "7.6.q-32"}
    assert sshd_prefix.missing_libraries(DEPENDS, current.get) == []


def test_strict_relations_use_dpkg_operators() -> None:
    assert sshd_prefix.satisfied("1.0-1", Relation("x", "<", "1.0-2"))
    assert not sshd_prefix.satisfied("1.0-2", Relation("x", "<", "1.0-2"))
    assert sshd_prefix.satisfied("2", Relation("x", ">", "1"))
    assert not sshd_prefix.satisfied(None, Relation("x"))


def _fake_download(available: set[str], calls: list[list[str]]):
    def download(specs: list[str], into: Path) -> subprocess.CompletedProcess[str]:
        calls.append(specs)
        spec = specs[0]
        version = spec.partition("=")[2] or "1:9.2p1-2+deb12u10"
        if spec.partition("=")[0] != "openssh-server" or version not in available:
            return subprocess.CompletedProcess(specs, 100, "", f"E: Version '{version}' was not found")
        (into / f"openssh-server_{version.replace(':', '%3a')}_amd64.deb").write_bytes(b"")
        return subprocess.CompletedProcess(specs, 0, "", "")

    return download


def test_the_installed_clients_version_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[list[str]] = []
    available = {"1:9.2p1-2+deb12u7", "1:9.2p1-2+deb12u10"}
    monkeypatch.setattr(sshd_prefix, "download", _fake_download(available, calls))
    said: list[str] = []
    deb = sshd_prefix.choose(tmp_path, "1:9.2p1-2+deb12u7", said.append)
    assert deb.name == "openssh-server_1%3a9.2p1-2+deb12u7_amd64.deb"
    assert calls == [["openssh-server=1:9.2p1-2+deb12u7"]]
    assert said == []


def test_the_archives_version_when_the_clients_is_gone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(sshd_prefix, "download", _fake_download({"1:9.2p1-2+deb12u10"}, calls))
    monkeypatch.setattr(sshd_prefix, "deb_version", lambda deb: "1:9.2p1-2+deb12u10")
    said: list[str] = []
    deb = sshd_prefix.choose(tmp_path, "1:9.2p1-2+deb12u6", said.append)
    assert deb.name == "openssh-server_1%3a9.2p1-2+deb12u10_amd64.deb"
    assert calls == [["openssh-server=1:9.2p1-2+deb12u6"], ["openssh-server"]]
    assert "no longer has openssh-server 1:9.2p1-2+deb12u6" in said[0]


def test_no_server_at_all_is_one_error_with_a_fix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sshd_prefix, "download", _fake_download(set(), []))
    with pytest.raises(EngineError) as error:
        sshd_prefix.choose(tmp_path, None, print)
    assert "cannot download openssh-server" in str(error.value)
    assert "apt-get update" in error.value.fix


def test_library_path_lists_the_unpacked_library_directories(tmp_path: Path) -> None:
    (tmp_path / "usr" / "lib" / "x86_64-linux-gnu").mkdir(parents=True)
    (tmp_path / "lib" / "x86_64-linux-gnu").mkdir(parents=True)
    assert sshd_prefix.library_path(tmp_path) == (
        f"{tmp_path}/lib/x86_64-linux-gnu:{tmp_path}/usr/lib/x86_64-linux-gnu"
    )
    assert sshd_prefix.library_path(tmp_path / "absent") == ""
