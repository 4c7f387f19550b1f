"""New packages pinned to the versions of their installed siblings, so that set-up upgrades nothing."""

from __future__ import annotations

import pytest

from bench.host import host_packages, version_alignment

# `apt-get -s install git` on a Debian 12 root at the point release's perl, with the security suite in its
# sources (the acceptance test's root; perl's candidate is the security update)
GIT_ON_A_POINT_RELEASE = """\
Inst perl-base [5.36.0-7+deb12u3] (5.36.0-7+deb12u4 Debian-Security:12/oldstable-security [amd64])
Inst perl-modules-5.36 (5.36.0-7+deb12u4 Debian-Security:12/oldstable-security [all])
Inst libperl5.36 (5.36.0-7+deb12u4 Debian-Security:12/oldstable-security [amd64])
Inst perl (5.36.0-7+deb12u4 Debian-Security:12/oldstable-security [amd64])
Inst liberror-perl (0.17029-2 Debian:12.15/oldstable [all])
Inst git-man (1:2.39.5-0+deb12u3 Debian:12.15/oldstable [all])
Inst git (1:2.39.5-0+deb12u3 Debian:12.15/oldstable [amd64])
"""
# what the archive holds: perl's binaries at both versions, the others at their candidates only
ARCHIVE = {
    ("perl", "5.36.0-7+deb12u3"): "perl",
    ("perl-modules-5.36", "5.36.0-7+deb12u3"): "perl",
    ("libperl5.36", "5.36.0-7+deb12u3"): "perl",
}


def test_new_siblings_are_pinned_to_the_installed_version() -> None:
    pins = version_alignment.pins(
        GIT_ON_A_POINT_RELEASE, lambda name, version: ARCHIVE.get((name, version)), {"perl-base": "perl"}.get
    )
    assert pins == [
        "perl-modules-5.36=5.36.0-7+deb12u3",
        "libperl5.36=5.36.0-7+deb12u3",
        "perl=5.36.0-7+deb12u3",
    ]


def test_nothing_is_pinned_when_the_archive_lost_the_installed_version() -> None:
    assert (
        version_alignment.pins(GIT_ON_A_POINT_RELEASE, lambda name, version: None, {"perl-base": "perl"}.get)
        == []
    )


def test_ensure_installs_the_pinned_versions_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole refusal path: the first simulation upgrades perl-base, the pinned one nothing."""
    asked: list[list[str]] = []

    class Done:
        def __init__(self, stdout: str = "", returncode: int = 0) -> None:
            self.stdout, self.stderr, self.returncode = stdout, "", returncode

    def apt(args: list[str], capture: bool = False, cwd: object = None) -> Done:
        asked.append(args)
        if args[:2] == ["-s", "install"]:
            pinned = any(a.startswith("perl=") for a in args)
            return Done(
                "Inst git (1:2.39.5-0+deb12u3 Debian [amd64])\n" if pinned else GIT_ON_A_POINT_RELEASE
            )
        return Done()

    states = iter([{"libc6"}, {"libc6", "git", "perl"}])
    monkeypatch.setattr(host_packages, "installed", lambda: next(states))
    monkeypatch.setattr(host_packages, "apt_get", apt)
    monkeypatch.setattr(host_packages.manifest, "add", lambda key, items: None)
    monkeypatch.setattr(
        version_alignment, "source_in_archive", lambda name, version: ARCHIVE.get((name, version))
    )
    monkeypatch.setattr(version_alignment, "source_installed", {"perl-base": "perl"}.get)
    said: list[str] = []
    assert host_packages.ensure(["git"], "tests", said.append) == ["git", "perl"]
    install = [a for a in asked if a[0] == "install"]
    assert install == [
        [
            "install",
            "git",
            "perl-modules-5.36=5.36.0-7+deb12u3",
            "libperl5.36=5.36.0-7+deb12u3",
            "perl=5.36.0-7+deb12u3",
        ]
    ]
    assert "perl=5.36.0-7+deb12u3" in said[-1]


def test_an_upgrade_that_no_pin_avoids_is_refused_with_what_does_without(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Done:
        stdout, stderr, returncode = GIT_ON_A_POINT_RELEASE, "", 0

    monkeypatch.setattr(host_packages, "installed", lambda: {"libc6"})
    monkeypatch.setattr(host_packages, "apt_get", lambda args, capture=False, cwd=None: Done())
    monkeypatch.setattr(version_alignment, "source_in_archive", lambda name, version: None)
    monkeypatch.setattr(version_alignment, "source_installed", {"perl-base": "perl"}.get)
    with pytest.raises(host_packages.EngineError) as error:
        host_packages.ensure(
            ["git"], "tests", print, avoid="`bench engine up` without --all does without git"
        )
    assert "would upgrade 1 installed package(s) (perl-base 5.36.0-7+deb12u3)" in str(error.value)
    assert error.value.fix.startswith("`bench engine up` without --all does without git; or upgrade")
