"""`bench engine up`'s host part, in order: checks that change nothing, then the engine's binaries (Docker
already on the machine, or the private prefix), the host packages of the chosen groups, QEMU's binfmt
entries, and bench's docker client configuration. Idempotent; one set-up at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.host import binfmt, client, existing_docker, host_packages, manifest, prefix, sshd_prefix, system
from bench.host.layout import PREFIX, PREFIX_PLUGINS
from bench.host.setup_lock import setup_lock

APPARMOR_ENABLED = Path("/sys/module/apparmor/parameters/enabled")


@dataclass(frozen=True)
class PackageGroup:
    """Host packages installed together: what they are for, and what does without them."""

    packages: tuple[str, ...]
    why: str
    avoid: str


def apparmor_enabled() -> bool:
    try:
        return APPARMOR_ENABLED.read_text().strip().upper().startswith("Y")
    except OSError:
        return False


#: what does without a group, said when installing it would upgrade something (bench never upgrades)
WITHOUT_ENGINE = (
    "to install nothing, use an engine you already have: bench run engine=context engine.context=NAME"
)
WITHOUT_ALL = "`bench engine up` without --all does without {what}"


def package_groups(everything: bool, ssh: bool) -> list[PackageGroup]:
    """The host packages of this set-up: the engine's always; the rest with --all or when asked for."""
    groups = [
        PackageGroup(host_packages.ENGINE, "the engine's runtime, base images, link shaping", WITHOUT_ENGINE)
    ]
    if apparmor_enabled():
        groups.append(
            PackageGroup(host_packages.APPARMOR, "dockerd loads its AppArmor profile", WITHOUT_ENGINE)
        )
    if ssh or everything:
        groups.append(
            PackageGroup(
                host_packages.SSH,
                "engines over SSH and the ssh scenario",
                "leave out engines over SSH and the ssh scenario: `bench engine up` without --all and "
                "without engine.ssh_port",
            )
        )
    if everything:
        groups += [
            PackageGroup(
                host_packages.EMULATION,
                "foreign platforms",
                WITHOUT_ALL.format(what="QEMU (runs with platform=native need none)"),
            ),
            PackageGroup(
                host_packages.TOOLS,
                "replaying builds",
                WITHOUT_ALL.format(what="hyperfine (tests/benchmarks/harness_vs_hyperfine.py only)"),
            ),
            PackageGroup(
                host_packages.BROWSER,
                "the report's browser test",
                WITHOUT_ALL.format(what="chromium (the report's browser test only)"),
            ),
        ]
    return groups


def install(everything: bool, ssh: bool, say: Callable[[str], object] = print) -> None:
    """Everything `bench engine up` puts on the host; raises EngineError (one line) on what it cannot do."""
    system.require_root()
    system.require_supported()
    with setup_lock(say):
        host_packages.remove_legacy_apt_source(say)
        existing = existing_docker.find(exclude=PREFIX)
        if existing is not None:
            major, minor = existing.engine_version
            say(
                f"using the machine's Docker Engine {major}.{minor} ({existing.dockerd}) and buildx from "
                f"{existing.plugin_dir} for bench's own daemon"
            )
            prefix.install(prefix.TOOL_DEBS, say)
            plugin_dir = existing.plugin_dir
        else:
            prefix.install(prefix.ENGINE_DEBS + prefix.TOOL_DEBS, say)
            plugin_dir = PREFIX_PLUGINS
        client.write_config(plugin_dir)
        client.activate()
        runc = PackageGroup(("runc",), "the prefix's containerd runs containers with it", WITHOUT_ENGINE)
        groups = package_groups(everything, ssh)
        for group in ([] if existing is not None else [runc]) + groups:
            host_packages.ensure(group.packages, group.why, say, avoid=group.avoid)
        if ssh or everything:
            sshd_prefix.install(say)
        if everything or binfmt.emulators_installed():
            manifest.add("binfmt_entries", binfmt.register())
