"""How much disk bench's engine takes: data roots, registry, prefix, logs (`bench engine status`).

Sizes are blocks really allocated (as `du`), each file counted once, without crossing into other file
systems (a dockerd data root holds overlay mounts while the daemon runs) or following symbolic links.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.config import EngineConfig
from bench.host.layout import PREFIX
from bench.machine.disk import tree_bytes


@dataclass(frozen=True)
class DiskUse:
    what: str
    path: str
    bytes: int


def logs(run_dir: str | Path) -> list[Path]:
    """The service logs in an engine's run dir, rotated generations included."""
    directory = Path(run_dir)
    return sorted([*directory.glob("*.log"), *directory.glob("*.log.1")]) if directory.is_dir() else []


def engine_disk(engine: EngineConfig, prefix: Path = PREFIX) -> list[DiskUse]:
    """One line per place bench writes to for this engine."""
    found = [
        DiskUse("engine data root", engine.state_dir, tree_bytes(engine.state_dir)),
        DiskUse("registry", engine.registry_dir, tree_bytes(engine.registry_dir)),
        DiskUse("engine prefix", str(prefix), tree_bytes(prefix)),
    ]
    found += [DiskUse(f"log {p.name}", str(p), tree_bytes(p)) for p in logs(engine.run_dir)]
    return found
