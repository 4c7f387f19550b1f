"""`bench engine gc`: give back the registry space no kept run needs (bench/services/registry_gc.py)."""

from __future__ import annotations

from bench.commands import arguments

NAME = "gc"
USAGE = "[OVERRIDES...]"
HELP = (
    "delete registry refs that no run directory bench recorded still names (base images stay), free their "
    "blobs; nothing is deleted when that record cannot be read"
)


def main(args: list[str]) -> int:
    """One line of what was deleted and freed; refusals (a run holds the registry) are EngineErrors."""
    from bench.services import registry_gc

    config = arguments.composed(f"engine {NAME}", HELP, args)
    print(registry_gc.collect(config.engine, config.tag_prefix).line())
    return 0
