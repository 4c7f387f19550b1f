"""`bench doctor [OVERRIDES...]`: what the engine can do, and how to fix what it cannot."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bench.commands import arguments

if TYPE_CHECKING:
    from bench.config import BenchConfig, EngineConfig

NAME = "doctor"
USAGE = "[OVERRIDES...] | --cluster [--partition P] [--probe]"
HELP = (
    "what the engine can do, how to fix what it cannot (exit 2: a required capability is missing), and "
    "what makes timings noisy on this machine now; --cluster: what a SLURM sweep needs from the cluster"
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
    """What makes timings noisy now (bench/engine/noise.py): warnings only, never the exit code."""
    from rich.console import Console
    from rich.table import Table

    from bench.engine.noise import findings

    table = Table(title="this machine: what makes timings noisy")
    for column in ("what", "", "detail"):
        table.add_column(column)
    marks = {"ok": "[green]ok[/]", "warn": "[yellow]warn[/]", "info": "info"}
    for found in findings(config.engine, config.quiet):
        table.add_row(found.what, marks[found.state], found.detail)
    Console().print(table)


def print_cluster(partition: str | None, probe: bool) -> int:
    """The SLURM checks (bench/cluster/slurm_checks.py); 0 when nothing is missing, else 2."""
    import os
    import shutil

    from rich.console import Console
    from rich.table import Table

    from bench.cluster import slurm_checks
    from bench.cluster.layout import PATHS

    bench_sacct = shutil.which("sacct") == str(PATHS.sacct)  # the stand-in of `bench cluster up`
    found = slurm_checks.findings(partition, Path(os.getcwd()) / "results", bench_sacct, with_probe=probe)
    table = Table(title=f"SLURM cluster (partition {partition or 'default'}): what a sweep needs")
    for column in ("what", "", "detail", "fix"):
        table.add_column(column)
    marks = {"ok": "[green]ok[/]", "warn": "[yellow]warn[/]", "missing": "[red]missing[/]"}
    for item in found:
        table.add_row(item.what, marks[item.state], item.detail, "" if item.state == "ok" else item.fix)
    Console().print(table)
    return 2 if any(item.state == "missing" for item in found) else 0


def main(args: list[str]) -> int:
    if "--cluster" in args:
        parser = arguments.parser(NAME, HELP)
        parser.add_argument("--cluster", action="store_true", help="check the SLURM cluster of a sweep")
        parser.add_argument("--partition", default=None, help="default: the cluster's default partition")
        parser.add_argument("--probe", action="store_true", help="also run a one-minute job on a whole node")
        ns = parser.parse_args(args)
        return print_cluster(ns.partition, ns.probe)
    config = arguments.composed(NAME, HELP, args)
    code = print_doctor(config.engine)
    print_machine(config)
    return code
