"""`bench engine up`'s host part, in order: checks that change nothing, then the engine's binaries (Docker
already on the machine, or the private prefix), the host packages of the chosen groups, QEMU's binfmt
entries, and bench's docker client configuration. Idempotent; one set-up at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bench.host import binfmt, client, existing_docker, host_packages, manifest, prefix, system
from bench.host.layout import PREFIX, PREFIX_PLUGINS
from bench.host.setup_lock import setup_lock

APPARMOR_ENABLED = Path("/sys/module/apparmor/parameters/enabled")


def apparmor_enabled() -> bool:
    try:
        return APPARMOR_ENABLED.read_text().strip().upper().startswith("Y")
    except OSError:
        return False


def package_groups(everything: bool, ssh: bool) -> list[tuple[tuple[str, ...], str]]:
    """(packages, why) for this set-up: the engine's always; the rest with --all or when asked for."""
    groups = [(host_packages.ENGINE, "the engine's runtime, base images, link shaping")]
    if apparmor_enabled():
        groups.append((host_packages.APPARMOR, "dockerd loads its AppArmor profile"))
    if ssh or everything:
        groups.append((host_packages.SSH, "engines over SSH and the ssh scenario"))
    if everything:
        groups += [
            (host_packages.EMULATION, "foreign platforms"),
            (host_packages.TOOLS, "replaying builds"),
            (host_packages.BROWSER, "the report's browser test"),
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
        wanted = (
            [] if existing is not None else [(("runc",), "the prefix's containerd runs containers with it")]
        )
        for packages, why in wanted + package_groups(everything, ssh):
            host_packages.ensure(packages, why, say)
        if everything or binfmt.emulators_installed():
            manifest.add("binfmt_entries", binfmt.register())
