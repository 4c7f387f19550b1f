"""Tab completion: Hydra's bash completion for `bench run` overrides, and bench's command names.

`bench run --shell-completion install=bash` prints Hydra's bash function, registered for `bench` (the
name `bench run` gives Hydra as argv[0]). On TAB the function runs `bench -sc query=bash` with the line
in COMP_LINE; the top level hands that here. The command names are completed here; for `bench run` and
`bench doctor` the command word is taken out of COMP_LINE and Hydra completes the rest against the config.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

#: Commands (and engine subcommands) whose arguments are Hydra overrides of `bench run`'s config.
TAKE_OVERRIDES = ("run", "doctor")
ENGINE_TAKE_OVERRIDES = ("up", "down", "reset", "status", "gc", "env")


def asked(args: list[str]) -> bool:
    """Is this the query Hydra's bash function runs (`bench -sc query=bash`)?"""
    first = args[0] if args else ""
    return first in ("-sc", "--shell-completion") or first.startswith("--shell-completion=")


def main(args: list[str], commands: Iterable[str]) -> int:
    """Answer the query for the line in COMP_LINE; `commands`: the names of bench's command table."""
    from bench.commands import engine, run

    line = os.environ.get("COMP_LINE")
    if line is None:  # `bench -sc install=bash`: Hydra prints its script, as for `bench run -sc ...`
        return run.main(args)
    words = line.split()
    typing = len(words) - (0 if line.endswith(" ") else 1)  # the index of the word the cursor is in
    if typing <= 1:
        print(" ".join(commands))
    elif words[1] == "engine" and typing == 2:
        print(" ".join(engine.SUBCOMMANDS))
    elif words[1] in TAKE_OVERRIDES:
        return _hydra(line, words[1:2], args)
    elif words[1] == "engine" and words[2] in ENGINE_TAKE_OVERRIDES:
        return _hydra(line, words[1:3], args)
    return 0


def _hydra(line: str, command: list[str], args: list[str]) -> int:
    """Hydra completes the overrides: the line without the command words, as if it were `bench run`'s."""
    from bench.commands import run

    parts = line.split(None, len(command) + 1)
    os.environ["COMP_LINE"] = f"{parts[0]} {parts[-1] if len(parts) > len(command) + 1 else ''}"
    return run.main(args)
