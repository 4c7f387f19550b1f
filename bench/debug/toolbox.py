"""`bench debug CONTAINER`: a toolbox container sharing the target's PID and network namespaces.

The talk's last tip: to look into a misbehaving container without changing it, start another container
(`--pid container:X --network container:X`) with the tools the target lacks. The toolbox is the seeded
static busybox from the local registry; its applets are linked into /tmp/bin of the *toolbox* (not the
target), so `ps`, `netstat`, `top`, `nsenter`... work. `/proc/1/root` in the toolbox is the target's root
filesystem. The toolbox is removed when it exits; the target is never written to.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bench.engine import ownership

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
        raise ValueError(
            f"no container {target!r} on this engine; give a running container's name or id"
        ) from None
    if not state.running:
        raise ValueError(
            f"container {target!r} is not running; start it first (its namespaces exist only then)"
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


def main(args: list[str]) -> int:
    """`bench debug CONTAINER [--context CTX] [--image IMG] [--verify [--out PATH]] [-- CMD...]`, or
    `bench debug --run RUN_DIR --seq N [-- CMD...]` for a failed build (bench/debug/failed_build.py)."""
    from python_on_whales import DockerClient

    command: list[str] = []
    if "--" in args:
        args, command = args[: args.index("--")], args[args.index("--") + 1 :]
    parser = argparse.ArgumentParser(
        prog="bench debug",
        description="Start a toolbox container sharing CONTAINER's PID and network namespaces "
        "(interactive shell, or `-- CMD...` to run one command).",
    )
    parser.add_argument("container", nargs="?", help="a running container (or --run and --seq)")
    parser.add_argument("--run", type=Path, help="a run directory: debug its failed build --seq N")
    parser.add_argument("--seq", type=int, help="with --run: the failed build's seq")
    parser.add_argument("--context", default="bench", help="docker context of the engine (bench)")
    parser.add_argument(
        "--registry", default="127.0.0.1:5000", help="the local registry of the toolbox image"
    )
    parser.add_argument("--image", help="toolbox image (default: the seeded busybox of the local registry)")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="check claim C13: the toolbox sees the target's processes and sockets; the target is unchanged",
    )
    parser.add_argument(
        "--out", type=Path, help="with --verify: write debug.json here (a run directory or a file)"
    )
    ns = parser.parse_args(args)
    image = ns.image or TOOLBOX.format(registry=ns.registry)
    if (ns.run is None) == (ns.container is None) or (ns.run is not None and ns.seq is None):
        print("bench: debug needs a CONTAINER, or --run RUN_DIR --seq N of a failed build", file=sys.stderr)
        return 2
    if ns.run is not None:
        from bench.debug.failed_build import debug_failed_build

        interactive = not command and sys.stdin.isatty()
        if not command and not interactive:
            print(
                "bench: debug needs a terminal for a shell, or `-- CMD...` to run one command",
                file=sys.stderr,
            )
            return 2
        output = debug_failed_build(DockerClient(context=ns.context), ns.run, ns.seq, command, interactive)
        if output:
            print(output)
        return 0
    if ns.verify:
        return _verify(DockerClient(context=ns.context), ns.container, image, ns.out)
    interactive = not command and sys.stdin.isatty()
    if not command and not interactive:
        print("bench: debug needs a terminal for a shell, or `-- CMD...` to run one command", file=sys.stderr)
        return 2
    output = debug_container(DockerClient(context=ns.context), ns.container, command, image, interactive)
    if output:
        print(output)
    return 0


def _verify(docker: DockerClient, target: str, image: str, out: Path | None) -> int:
    """Exit 0 when the toolbox saw the target's processes (and sockets, if checkable) and changed nothing."""
    from bench.debug.check import verify, write

    result = verify(docker, target, image)
    print(f"toolbox sees the target's processes: {result['sees_target_processes']}")
    print(
        f"toolbox sees the target's listening sockets: {result['sees_target_sockets']} "
        f"(target {result['target_listening_ports']}, toolbox {result['toolbox_listening_ports']})"
    )
    print(f"target unchanged (diff, pid, start time, restarts, state): {result['target_unchanged']}")
    if out is not None:
        print(f"written: {write(result, out)}")
    ok = (
        result["sees_target_processes"]
        and result["target_unchanged"]
        and result["sees_target_sockets"] is not False
    )
    return 0 if ok else 1
