"""What a cell needs from the engine that not every engine has: such cells are *unsupported* there, with
the reason, instead of failing in the middle of a sweep over engines.

Facts from docs/install.md: without the containerd image store, BuildKit's docker driver exports no cache but
inline ("Cache export is not supported for the docker driver") and builds no multi-platform image.
The decision reads the run's recorded environment, so it is the engine that answered that decides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bench.plan import Measurement
from bench.platforms import is_multi
from bench.vocabulary import BuilderName, CacheSource

#: cache sources whose priming build exports a cache (--cache-to type=registry|local)
EXPORTED_CACHES = frozenset({CacheSource.registry_min, CacheSource.registry_max, CacheSource.local_dir})
CLASSIC = "the engine's classic image store (no containerd image store, e.g. engine=overlay2)"


def engine_lacks(environment: Mapping[str, Any]) -> Callable[[Measurement], str | None]:
    """A check for the runner: why this engine cannot measure a cell, or None (also when not known)."""
    classic = environment.get("containerd_image_store") is False

    def lacks(m: Measurement) -> str | None:
        if not classic or m.cell.builder is not BuilderName.buildkit:
            return None
        if m.cell.cache in EXPORTED_CACHES:
            return f"cache={m.cell.cache.value} exports a cache, which {CLASSIC} cannot do"
        if is_multi(m.cell.platform):
            return f"a multi-platform image cannot be built on {CLASSIC}"
        return None

    return lacks
