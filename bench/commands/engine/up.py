"""`bench engine up [--all]`: the dedicated engine (binaries in a private prefix) and its registry."""

from __future__ import annotations

from bench.commands import arguments

NAME = "up"
USAGE = "[--all] [OVERRIDES...]"
HELP = "set up and start the engine and registry (idempotent); --all also makes every base image, QEMU..."


def main(args: list[str]) -> int:
    from bench.composition import compose
    from bench.stack import lifecycle

    parser = arguments.parser(
        f"engine {NAME}",
        "Set up and start bench's dedicated engine and its registry (idempotent; root).",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="also make every base image, QEMU, the SSH tools and the package index ahead of time",
    )
    arguments.add_overrides(parser)
    ns = parser.parse_args(args)
    lifecycle.up(compose(ns.overrides).engine, everything=ns.all)
    return 0
