"""`bench engine env`: the shell exports that point docker, buildx and compose at bench's engine."""

from __future__ import annotations

from bench.commands import arguments

NAME = "env"
USAGE = "[OVERRIDES...]"
HELP = 'the shell exports to use bench\'s engine: eval "$(bench engine env)"'


def main(args: list[str]) -> int:
    from bench.host.client import exports

    print(exports(arguments.composed(f"engine {NAME}", HELP, args).engine.context), end="")
    return 0
