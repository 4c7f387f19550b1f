"""`bench engine status`: the doctor table, then what the engine takes on disk."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.commands import arguments

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from bench.config import EngineConfig

NAME = "status"
USAGE = "[OVERRIDES...]"
HELP = "the doctor table, then the disk used by the data root, registry, prefix and logs"


def disk_table(engine: EngineConfig) -> Table:
    from rich.table import Table

    from bench.engine import disk_usage
    from bench.machine import disk

    table = Table(title=f"disk used by engine {engine.name!r}")
    for column in ("what", "size", "path"):
        table.add_column(column, justify="right" if column == "size" else "left")
    found = disk_usage.engine_disk(engine)
    for use in found:
        table.add_row(use.what, disk.human(use.bytes), use.path)
    table.add_row("[bold]total[/]", f"[bold]{disk.human(sum(u.bytes for u in found))}[/]", "")
    return table


def print_disk(engine: EngineConfig, console: Console | None = None) -> None:
    from rich.console import Console

    (console or Console()).print(disk_table(engine))


def main(args: list[str]) -> int:
    from bench.commands.doctor import print_doctor

    engine = arguments.composed(f"engine {NAME}", HELP, args).engine
    code = print_doctor(engine)
    print_disk(engine)
    return code
