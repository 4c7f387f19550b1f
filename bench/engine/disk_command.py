"""`bench engine status` (its disk part) and `bench engine gc`: what bench's engine takes on disk, and
giving back what no kept run needs (bench/services/registry_gc.py)."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.table import Table

from bench.config import BenchConfig, EngineConfig
from bench.engine import disk_usage
from bench.services import registry_gc


def disk_table(engine: EngineConfig) -> Table:
    table = Table(title=f"disk used by engine {engine.name!r}")
    for column in ("what", "size", "path"):
        table.add_column(column, justify="right" if column == "size" else "left")
    found = disk_usage.engine_disk(engine)
    for use in found:
        table.add_row(use.what, disk_usage.human(use.bytes), use.path)
    table.add_row("[bold]total[/]", f"[bold]{disk_usage.human(sum(u.bytes for u in found))}[/]", "")
    return table


def print_disk(engine: EngineConfig, console: Console | None = None) -> None:
    (console or Console()).print(disk_table(engine))


def gc(overrides: list[str], compose: Callable[[list[str]], BenchConfig]) -> int:
    """`bench engine gc [OVERRIDES]`: one line of what was deleted and freed; refusals are EngineErrors."""
    config = compose(overrides)
    print(registry_gc.collect(config.engine, config.tag_prefix).line())
    return 0
