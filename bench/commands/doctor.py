"""`bench doctor [OVERRIDES...]`: what the engine can do, and how to fix what it cannot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.commands import arguments

if TYPE_CHECKING:
    from bench.config import BenchConfig, EngineConfig

NAME = "doctor"
USAGE = "[OVERRIDES...]"
HELP = (
    "what the engine can do, how to fix what it cannot (exit 2: a required capability is missing), and "
    "what makes timings noisy on this machine now"
)


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


def print_machine(config: BenchConfig) -> None:
    """What makes timings noisy now (bench/machine/noise.py): warnings only, never the exit code."""
    from rich.console import Console
    from rich.table import Table

    from bench.machine.noise import findings

    table = Table(title="this machine: what makes timings noisy")
    for column in ("what", "", "detail"):
        table.add_column(column)
    marks = {"ok": "[green]ok[/]", "warn": "[yellow]warn[/]", "info": "info"}
    for found in findings(config.engine, config.quiet):
        table.add_row(found.what, marks[found.state], found.detail)
    Console().print(table)


def main(args: list[str]) -> int:
    config = arguments.composed(NAME, HELP, args)
    code = print_doctor(config.engine)
    print_machine(config)
    return code
