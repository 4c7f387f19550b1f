"""Quality flags a build row can carry: what the harness checked and found not as claimed.

A flagged row stays in the data and the statistics; reports name the flags and say what each means.
"""

from __future__ import annotations

COLD_HAD_CACHED_STEPS = "cold-had-cached-steps"
ENGINE_NOT_EMPTY = "engine-not-empty"
WARM_NO_CACHED_STEPS = "warm-no-cached-steps"
ENGINE_NOT_OWNED = "engine-not-owned"
CACHE_IMPORT_MISSED = "cache-import-missed"
LINK_DELAY_NOT_EMULATED = "link-delay-not-emulated"
MACHINE_BUSY = "machine-busy"

DESCRIPTIONS: dict[str, str] = {
    COLD_HAD_CACHED_STEPS: "a build measured from the cold state took steps from a cache that was there"
    " before it started, so it was not fully cold and its time is likely too short (a step reused from a"
    " layer the same build made earlier, as the legacy builder does for stages that begin alike, does not"
    " count: the row's steps_reused_in_build)",
    ENGINE_NOT_EMPTY: "before a cold build the engine still held images, build cache, containerd content or"
    " snapshots (pruning alone leaves pulled blobs behind on the containerd image store)",
    WARM_NO_CACHED_STEPS: "a warm build took no step from a cache that was there before it started (reuse"
    " within the build does not count), so it measured a cold build",
    CACHE_IMPORT_MISSED: "a build told to import a cache (registry, inline image or directory) took no"
    " Dockerfile step from it: the cache ref was missing or unusable (BuildKit only warns), so it measured"
    " a cache miss",
    LINK_DELAY_NOT_EMULATED: "the link profile names a round-trip delay the kernel could not emulate (no"
    " sch_netem): the rate was applied, the delay was not (the row's link_delay_ms is what was applied)",
    MACHINE_BUSY: "processes outside the engine and bench used more CPU during the build than the quiet"
    " threshold allows (the row's outside_cpu_s and load_1m): its time is likely too long",
    ENGINE_NOT_OWNED: "the engine is not the harness's own: cold builds used --no-cache and may have found"
    " base images already present",
}
