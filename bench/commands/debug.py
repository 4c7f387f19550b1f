"""`bench debug CONTAINER`: a toolbox container in its PID and network namespaces (bench/debug/toolbox.py);
`bench debug --run RUN_DIR --seq N`: a shell in the last state a failed build reached (failed_build.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bench.commands import arguments

if TYPE_CHECKING:
    from python_on_whales import DockerClient

NAME = "debug"
USAGE = "CONTAINER [--verify] [-- CMD...] | --run RUN_DIR --seq N [-- CMD...]"
HELP = "a toolbox container in CONTAINER's PID and network namespaces, or a shell where a build failed"
NEEDS_TERMINAL = "debug needs a terminal for a shell, or `-- CMD...` to run one command"


def _parser() -> argparse.ArgumentParser:
    parser = arguments.parser(
        NAME,
        "Start a toolbox container sharing CONTAINER's PID and network namespaces "
        "(interactive shell, or `-- CMD...` to run one command); or, with --run and --seq, a shell in the "
        "last state a failed build of a run reached.",
    )
    parser.add_argument("container", nargs="?", help="a running container (or --run and --seq)")
    parser.add_argument("--run", type=Path, help="a run directory: debug its failed build --seq N")
    parser.add_argument("--seq", type=int, help="with --run: the failed build's seq")
    arguments.add_context(parser)
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
    return parser


def main(args: list[str]) -> int:
    """`bench debug CONTAINER [--context CTX] [--image IMG] [--verify [--out PATH]] [-- CMD...]`, or
    `bench debug --run RUN_DIR --seq N [-- CMD...]` for a failed build (bench/debug/failed_build.py)."""
    from python_on_whales import DockerClient

    from bench.debug.toolbox import TOOLBOX, debug_container

    command: list[str] = []
    if "--" in args:
        args, command = args[: args.index("--")], args[args.index("--") + 1 :]
    ns = _parser().parse_args(args)
    if (ns.run is None) == (ns.container is None) or (ns.run is not None and ns.seq is None):
        print("bench: debug needs a CONTAINER, or --run RUN_DIR --seq N of a failed build", file=sys.stderr)
        return 2
    docker = DockerClient(context=ns.context)
    image = ns.image or TOOLBOX.format(registry=ns.registry)
    if ns.verify and ns.run is None:
        return _verify(docker, ns.container, image, ns.out)
    interactive = not command and sys.stdin.isatty()
    if not command and not interactive:
        print(f"bench: {NEEDS_TERMINAL}", file=sys.stderr)
        return 2
    if ns.run is not None:
        from bench.debug.failed_build import debug_failed_build

        output = debug_failed_build(docker, ns.run, ns.seq, command, interactive)
    else:
        output = debug_container(docker, ns.container, command, image, interactive)
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
