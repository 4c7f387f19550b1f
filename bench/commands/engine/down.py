"""`bench engine down`: stop the engine bench started, and its registry (their data stay)."""

from __future__ import annotations

from bench.commands import arguments

NAME = "down"
USAGE = "[OVERRIDES...]"
HELP = "stop the engine and its registry (their data stay)"


def main(args: list[str]) -> int:
    from bench.engine.outside_runs import no_run_meanwhile
    from bench.stack import lifecycle

    engine = arguments.composed(f"engine {NAME}", HELP, args).engine
    with no_run_meanwhile(f"bench engine {NAME} engine={engine.name}", engine):
        lifecycle.down(engine)
    return 0
