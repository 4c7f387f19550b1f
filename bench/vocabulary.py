"""The domain's words and their rules, for every layer: the builders, cache sources, changes and pairings a
run is made of, and what a run's images may be called.

It imports no Hydra or OmegaConf and nothing of bench, so the config schema (bench/config.py), the plan,
the caches and the rows all name a builder or a cache source from one definition.
"""

from __future__ import annotations

import re
from enum import StrEnum


class BuilderName(StrEnum):
    """The two image builders of one Docker Engine."""

    legacy = "legacy"
    buildkit = "buildkit"


class CacheSource(StrEnum):
    """Where a measured build may take cached steps from (bench/caches/ says how each is primed).

    `none` is a cold build on an empty engine; `local` is the engine's own cache left by a primed build
    of the same scenario (the warm rebuild every developer knows). The registry sources (`inline`,
    `registry_min`, `registry_max`) and `local_dir` are primed, exported, and then measured on an engine
    emptied again: only the exported cache survives. `mounts` is `local` with the scenario's
    `RUN --mount=type=cache` Dockerfile; `cross_builder` primes with the other builder (are caches shared?).
    YAML names the members (`registry_max`); rows carry the values (`registry-max`).
    """

    none = "none"
    local = "local"
    inline = "inline"
    registry_min = "registry-min"
    registry_max = "registry-max"
    local_dir = "local-dir"
    mounts = "mounts"
    cross_builder = "cross-builder"


class ChangeKind(StrEnum):
    """What differs between the primed build and the measured one (only meaningful with a warm cache).

    `source`: one application file edited; `deps`: the dependency manifest edited; `base`: the base
    images swapped for their `-variant` tags (same rootfs plus one file: a new digest, a full pull).
    `test`: one test deliberately broken (the scenario's `failing_test` in bench.yaml): the measured build
    must fail at the test stage (claim C10).
    """

    none = "none"
    source = "source"
    deps = "deps"
    base = "base"
    test = "test"


class Pairing(StrEnum):
    """How a warm (cache=local) build gets its prime: `paired` takes the state the same builder's cold
    measured build left (reset -> cold -> change -> warm: no priming build of its own); `independent`
    resets and primes before every warm build, as before pairing existed (bench/plan.py)."""

    paired = "paired"
    independent = "independent"


#: one path component of a repository name (distribution's reference grammar), lower case
COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*$")
#: repositories bench keeps apart: base images, cache refs, the probes' scratch images
RESERVED = ("bench", "bench-cache", "bench-probe")


def prefix_problem(prefix: str) -> str | None:
    """Why `tag_prefix` cannot name a run's images (one line with an example), or None when it can."""
    if not COMPONENT.match(prefix or "") or "." in prefix:
        return (
            f"tag_prefix={prefix!r} is not one repository name component (lower-case letters and digits, "
            "joined by '-' or '_'); bench removes exactly the images under it, e.g. tag_prefix=bench-run"
        )
    if prefix in RESERVED:
        return f"tag_prefix={prefix!r} is a repository bench keeps for itself ({', '.join(RESERVED)})"
    return None
