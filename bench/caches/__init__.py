"""Cache sources: how each is reset, primed and exported, and which flags the measured build gets.
`strategy_for(source)` is the only entry point the runner needs; base.py says what a strategy answers.
May import: builders, scenario, config and below.
"""

from __future__ import annotations

from bench.caches.base import CacheJob, CacheStrategy, ImageTransfer, PreBuild, Primed
from bench.caches.directory import LocalDirCache
from bench.caches.engine_cache import CacheMounts, Cold, EngineCache, OtherBuilderCache
from bench.caches.registry import InlineCache, RegistryMaxCache, RegistryMinCache
from bench.vocabulary import CacheSource

STRATEGIES: dict[CacheSource, CacheStrategy] = {
    strategy.source: strategy
    for strategy in (
        Cold(),
        EngineCache(),
        InlineCache(),
        RegistryMinCache(),
        RegistryMaxCache(),
        LocalDirCache(),
        CacheMounts(),
        OtherBuilderCache(),
    )
}


def strategy_for(source: CacheSource) -> CacheStrategy:
    return STRATEGIES[source]


__all__ = ["STRATEGIES", "CacheJob", "CacheStrategy", "ImageTransfer", "PreBuild", "Primed", "strategy_for"]
