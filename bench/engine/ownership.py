"""What on an engine bench created itself: the label it puts on every container it creates.

An owned engine is emptied by each cold reset (containers, volumes, images, build cache). Before a
person declares an engine owned (`bench engine add NAME --owned`), whatever runs or is kept there must
be bench's, recognised by this label; anything else is somebody's work that the next reset would delete.
bench creates no volumes, so every volume on an engine is someone else's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from python_on_whales import DockerClient

#: on every container bench creates (goss checks, debug toolboxes)
CREATED_BY = "org.bench.created-by"
LABELS: dict[str, str] = {CREATED_BY: "bench"}


def bench_created(labels: Mapping[str, str] | None) -> bool:
    return (labels or {}).get(CREATED_BY) == LABELS[CREATED_BY]


@dataclass(frozen=True)
class Held:
    """One thing an engine holds: a container or a volume, with its labels."""

    kind: str  # "container", "volume" (bench/engine/adoption.py adds "image", "build cache")
    name: str
    labels: Mapping[str, str] | None
    detail: str = ""  # e.g. "running postgres:16"


def not_bench_s(held: Iterable[Held]) -> list[Held]:
    return [item for item in held if not bench_created(item.labels)]


def describe(foreign: list[Held], shown: int = 3) -> str:
    """`3 containers, 1 volume (container db running postgres:16, volume pgdata, ...)`."""
    kinds = dict.fromkeys(item.kind for item in foreign)  # container, volume, image, build cache
    counts = {kind: sum(1 for item in foreign if item.kind == kind) for kind in kinds}
    total = ", ".join(f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in counts.items() if n)
    names = [f"{item.kind} {item.name}{f' {item.detail}' if item.detail else ''}" for item in foreign]
    more = ", ..." if len(names) > shown else ""
    return f"{total} ({', '.join(names[:shown])}{more})"


def holdings(docker: DockerClient) -> list[Held]:
    """Every container (running or stopped: a reset removes both) and every volume on the engine."""
    held = [
        Held("container", c.name, c.config.labels, f"{c.state.status} {c.config.image}")
        for c in docker.container.list(all=True)
    ]
    held += [Held("volume", v.name, v.labels) for v in docker.volume.list()]
    return held
