"""`bench engine reset`: empty the engine, as a cold build starts (hyperfine's --prepare)."""

from __future__ import annotations

from bench.commands import arguments

NAME = "reset"
USAGE = "[OVERRIDES...]"
HELP = "empty the engine as a cold build starts: no image, build cache, content or snapshot (owned only)"


def main(args: list[str]) -> int:
    from bench.engine.outside_runs import no_run_meanwhile
    from bench.stack import lifecycle

    config = arguments.composed(f"engine {NAME}", HELP, args)
    engine = config.engine
    with no_run_meanwhile(f"bench engine {NAME} engine={engine.name}", engine):
        lifecycle.reset_cold(engine, tag_prefix=config.tag_prefix)
    return 0
