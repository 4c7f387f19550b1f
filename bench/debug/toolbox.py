"""`bench debug CONTAINER`: a toolbox container sharing the target's PID and network namespaces.

The talk's last tip: to look into a misbehaving container without changing it, start another container
(`--pid container:X --network container:X`) with the tools the target lacks. The toolbox is the seeded
static busybox from the local registry; its applets are linked into /tmp/bin of the *toolbox* (not the
target), so `ps`, `netstat`, `top`, `nsenter`... work. `/proc/1/root` in the toolbox is the target's root
filesystem. The toolbox is removed when it exits; the target is never written to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.engine import ownership
from bench.errors import BenchError

if TYPE_CHECKING:
    from python_on_whales import DockerClient

TOOLBOX = "{registry}/bench/busybox:latest"
#: Link every busybox applet into the toolbox's own /tmp/bin, then run the command (or a shell).
_PREPARE = (
    'mkdir -p /tmp/bin && /bin/busybox --install -s /tmp/bin && export PATH=/tmp/bin:$PATH && exec "$@"'
)


def toolbox_argv(command: list[str]) -> list[str]:
    """The toolbox's command: prepare the applets, then `command` (an interactive shell when empty)."""
    return ["-c", _PREPARE, "toolbox", *(command or ["sh"])]


def debug_container(
    docker: DockerClient, target: str, command: list[str], image: str, interactive: bool
) -> str | None:
    """Run the toolbox in the namespaces of `target`; returns the output of a non-interactive command."""
    from python_on_whales.exceptions import NoSuchContainer

    try:
        state = docker.container.inspect(target).state
    except NoSuchContainer:
        raise BenchError(
            f"no container {target!r} on this engine", "give a running container's name or id"
        ) from None
    if not state.running:
        raise BenchError(
            f"container {target!r} is not running (its namespaces exist only then)", f"docker start {target}"
        )
    namespace = f"container:{target}"
    return docker.run(
        image,
        toolbox_argv(command),
        entrypoint="/bin/sh",
        pid=namespace,
        networks=[namespace],
        remove=True,
        labels=ownership.LABELS,
        interactive=interactive,
        tty=interactive,
    )
