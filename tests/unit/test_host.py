"""Set-up's host part (bench/host/): what it installs, where, and how it is undone, without an engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bench.errors import EngineError
from bench.host import client, existing_docker, host_packages, manifest, mounts, prefix, system

SIMULATION = textwrap.dedent(
    """\
    NOTE: This is only a simulation!
    Inst libc6 [2.36-9+deb12u1] (2.36-9+deb12u4 Debian:12.8/stable [amd64])
    Inst runc (1.1.5+ds1-1+deb12u1 Debian:12.8/stable [amd64])
    Conf runc (1.1.5+ds1-1+deb12u1 Debian:12.8/stable [amd64])
    """
)


def test_a_simulated_install_that_upgrades_is_seen() -> None:
    assert host_packages.upgrades_in(SIMULATION) == ["libc6 2.36-9+deb12u1"]
    fresh_only = "\n".join(line for line in SIMULATION.splitlines() if "libc6" not in line)
    assert host_packages.upgrades_in(fresh_only) == []


def test_legacy_apt_source_and_pin_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, pin, other = (
        tmp_path / "bench-trixie.sources",
        tmp_path / "bench-trixie",
        tmp_path / "debian.sources",
    )
    for path in (source, pin, other):
        path.write_text("x")
    monkeypatch.setattr(host_packages, "LEGACY_APT_FILES", (source, pin))
    said: list[str] = []
    assert host_packages.remove_legacy_apt_source(said.append) == [source, pin]
    assert not source.exists() and not pin.exists() and other.exists()
    assert "stay upgraded" in said[0]
    assert host_packages.remove_legacy_apt_source(said.append) == []


def test_manifest_records_each_package_once(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    manifest.add("host_packages", ["runc", "debootstrap"], path)
    manifest.add("host_packages", ["runc", "qemu-user-static"], path)
    assert manifest.read(path)["host_packages"] == ["debootstrap", "qemu-user-static", "runc"]
    assert manifest.read(tmp_path / "absent.json") == {"host_packages": [], "binfmt_entries": [], "paths": []}
    with pytest.raises(KeyError):
        manifest.add("anything", ["x"], path)


def test_private_apt_reads_and_writes_only_its_own_directory(tmp_path: Path) -> None:
    options = prefix.apt_options(tmp_path)
    values = [options[i + 1] for i in range(0, len(options), 2)]
    dirs = dict(value.partition("=")[::2] for value in values if value.startswith("Dir::"))
    # every place apt reads sources, pins, lists and packages from is redirected
    assert set(dirs) == {
        "Dir::Etc::SourceList",
        "Dir::Etc::SourceParts",
        "Dir::Etc::Preferences",
        "Dir::Etc::PreferencesParts",
        "Dir::State::Lists",
        "Dir::Cache",
    }
    for key, target in dirs.items():
        assert target == "/dev/null" or target.startswith(str(tmp_path)), key
    assert "trixie main" in prefix.sources_line("http://mirror.example/debian")
    assert "signed-by=" in prefix.sources_line("http://mirror.example/debian")


def _deb(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    tree = tmp_path / f"tree-{name}"
    (tree / "DEBIAN").mkdir(parents=True)
    (tree / "DEBIAN" / "control").write_text(
        f"Package: {name}\nVersion: 1\nArchitecture: all\nMaintainer: t <t@t>\nDescription: t\n"
    )
    for path, text in files.items():
        (tree / path).parent.mkdir(parents=True, exist_ok=True)
        (tree / path).write_text(text)
    deb = tmp_path / f"{name}.deb"
    subprocess.run(["dpkg-deb", "--build", str(tree), str(deb)], check=True, capture_output=True)
    return deb


def test_unpack_builds_the_prefix_whole_and_drops_what_misleads(tmp_path: Path) -> None:
    debs = [
        _deb(
            tmp_path, "engine", {"usr/sbin/dockerd": "d", "usr/bin/tini": "dynamic", "etc/init.d/docker": "s"}
        ),
        _deb(tmp_path, "init", {"usr/bin/tini-static": "static"}),
    ]
    target = tmp_path / "prefix"
    prefix.unpack(debs, target)
    assert (target / "usr/sbin/dockerd").read_text() == "d"
    assert (target / "usr/bin/tini-static").exists()
    assert not (target / "usr/bin/tini").exists() and not (target / "etc").exists()
    assert prefix.installed(target)
    assert [p.name for p in tmp_path.glob(".prefix-*")] == []


def test_an_interrupted_unpack_leaves_no_half_prefix(tmp_path: Path) -> None:
    good = _deb(tmp_path, "engine", {"usr/sbin/dockerd": "d"})
    broken = tmp_path / "cut.deb"
    broken.write_bytes(good.read_bytes()[:300])  # a download cut off
    target = tmp_path / "prefix"
    with pytest.raises(subprocess.CalledProcessError):
        prefix.unpack([good, broken], target)
    assert not target.exists() and not prefix.installed(target)
    assert [p.name for p in tmp_path.glob(".prefix-*")] == []


def test_client_environment_puts_the_prefix_first_once(tmp_path: Path) -> None:
    (tmp_path / ".complete").write_text("")
    first = client.path_with_prefix("/usr/bin:/bin", tmp_path)
    assert first.split(os.pathsep)[-2:] == ["/usr/bin", "/bin"]
    assert client.path_with_prefix(first, tmp_path).split(os.pathsep).count(first.split(os.pathsep)[0]) == 1
    assert client.path_with_prefix("/usr/bin", tmp_path / "absent") == "/usr/bin"


def test_client_config_names_the_plugin_dir_and_keeps_the_rest(tmp_path: Path) -> None:
    config_dir = tmp_path / "docker-config"
    config_dir.mkdir()
    (config_dir / "config.json").write_text(json.dumps({"currentContext": "bench"}))
    client.write_config(Path("/opt/plugins"), config_dir)
    written = json.loads((config_dir / "config.json").read_text())
    assert written == {"currentContext": "bench", "cliPluginsExtraDirs": ["/opt/plugins"]}
    assert (config_dir.stat().st_mode & 0o777) == 0o700


def test_engine_env_exports_config_and_context() -> None:
    text = client.exports("bench")
    assert "export DOCKER_CONFIG=" in text and "export DOCKER_CONTEXT=bench" in text


def test_existing_docker_versions_are_read_from_their_version_lines() -> None:
    assert existing_docker.version("Docker version 27.3.1, build ce12230") == (27, 3)
    assert existing_docker.version("v0.17.1-desktop.1 abc") == (0, 17)
    assert existing_docker.version("nothing") is None


@pytest.mark.parametrize(
    ("release", "says"),
    [({"ID": "fedora"}, "Debian-like"), ({"ID": "alpine", "ID_LIKE": ""}, "Debian-like")],
)
def test_unsupported_systems_get_one_line(release: dict[str, str], says: str) -> None:
    with pytest.raises(EngineError) as raised:
        system.require_supported(release)
    assert says in str(raised.value) and "\n" not in raised.value.one_line() and raised.value.fix


def test_debian_and_ubuntu_are_debian_like() -> None:
    assert system.debian_like({"ID": "debian"}) and system.debian_like({"ID": "ubuntu", "ID_LIKE": "debian"})


def test_mounts_under_a_root_deepest_first(tmp_path: Path) -> None:
    info = tmp_path / "mountinfo"
    info.write_text(
        "22 1 0:21 / /proc rw - proc proc rw\n"
        "30 1 8:1 /r /srv/root rw - ext4 /dev/sda1 rw\n"
        "31 30 0:5 / /srv/root/dev rw - devtmpfs udev rw\n"
        "32 31 0:6 / /srv/root/dev/pts rw - devpts devpts rw\n"
        "33 1 0:7 / /srv/root\\040two rw - tmpfs tmpfs rw\n"
        "34 1 0:8 / /srv/rootless rw - tmpfs tmpfs rw\n"
    )
    found = mounts.mounted_under(Path("/srv/root"), info)
    assert found == [Path("/srv/root/dev/pts"), Path("/srv/root/dev"), Path("/srv/root")]
    assert mounts.mounted_under(Path("/srv/root two"), info) == [Path("/srv/root two")]


def test_a_second_setup_waits_and_names_the_holder(tmp_path: Path) -> None:
    lock = tmp_path / "setup.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import time
            from pathlib import Path
            from bench.host.setup_lock import setup_lock
            with setup_lock(path=Path({str(lock)!r})):
                print("held", flush=True)
                time.sleep(1.5)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    said: list[str] = []
    from bench.host.setup_lock import setup_lock

    started = time.monotonic()
    with setup_lock(said.append, lock):
        waited = time.monotonic() - started
    holder.wait(5)
    assert said and f"pid {holder.pid}" in said[0]
    assert waited > 0.5


def test_an_unreachable_archive_is_one_line_and_leaves_no_prefix(tmp_path: Path) -> None:
    """Nothing listens on port 9: apt's update fails at once, and no prefix is made."""
    with pytest.raises(EngineError) as raised:
        prefix.download(("docker.io",), apt_dir=tmp_path / "apt", mirror="http://127.0.0.1:9/debian")
    assert "apt-get update" in str(raised.value) and "bench engine up" in (raised.value.fix or "")
    assert "\n" not in raised.value.one_line()
    assert not list((tmp_path / "apt").glob("debs/*.deb"))
