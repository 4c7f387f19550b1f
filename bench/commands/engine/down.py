"""`bench engine down`: stop the engine bench started, and its registry (their data stay)."""

from __future__ import annotations

from bench.commands import arguments

NAME = "down"
USAGE = "[OVERRIDES...]"
HELP = "stop the engine and its registry (their data stay)"


def main(args: list[str]) -> int:
    from bench.config import compose
    from bench.engine import lifecycle

    parser = arguments.parser(f"engine {NAME}", HELP)
    arguments.add_overrides(parser)
    lifecycle.down(compose(parser.parse_args(args).overrides).engine)
    return 0
