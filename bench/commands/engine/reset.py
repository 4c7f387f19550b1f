"""`bench engine reset`: empty the engine, as a cold build starts (hyperfine's --prepare)."""

from __future__ import annotations

from bench.commands import arguments

NAME = "reset"
USAGE = "[OVERRIDES...]"
HELP = "empty the engine as a cold build starts: no image, build cache, content or snapshot (owned only)"


def main(args: list[str]) -> int:
    from bench.engine import lifecycle

    lifecycle.reset_cold(arguments.composed(f"engine {NAME}", HELP, args).engine)
    return 0
