"""`bench engine reset`: empty the engine, as a cold build starts (hyperfine's --prepare)."""

from __future__ import annotations

from bench.commands import arguments

NAME = "reset"
USAGE = "[OVERRIDES...]"
HELP = "empty the engine as a cold build starts: no image, build cache, content or snapshot (owned only)"


def main(args: list[str]) -> int:
    from bench.config import compose
    from bench.engine import lifecycle

    parser = arguments.parser(f"engine {NAME}", HELP)
    arguments.add_overrides(parser)
    lifecycle.reset_cold(compose(parser.parse_args(args).overrides).engine)
    return 0
