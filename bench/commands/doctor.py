"""`bench doctor [OVERRIDES...]`: what the engine can do, and how to fix what it cannot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.commands import arguments

if TYPE_CHECKING:
    from bench.config import EngineConfig

NAME = "doctor"
USAGE = "[OVERRIDES...]"
HELP = "what the engine can do, and how to fix what it cannot (exit 2: a required capability is missing)"


def print_doctor(engine: EngineConfig) -> int:
    """The capability table; 0 when every required capability is there, else 2."""
    from rich.console import Console
    from rich.table import Table

    from bench.engine.probe import doctor

    table = Table(title=f"engine {engine.name!r} (context {engine.context!r})")
    for column in ("capability", "", "detail", "fix"):
        table.add_column(column)
    found = doctor(engine)
    for cap in found:
        mark = "[green]ok[/]" if cap.ok else ("[red]missing[/]" if cap.required else "[yellow]missing[/]")
        table.add_row(cap.name, mark, cap.detail, "" if cap.ok else (cap.fix or ""))
    Console().print(table)
    return 0 if all(c.ok for c in found if c.required) else 2


def main(args: list[str]) -> int:
    return print_doctor(arguments.composed(NAME, HELP, args).engine)
