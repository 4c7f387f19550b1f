"""The domain's words and their rules, for every layer: what a run's images may be called.

It imports nothing of bench (no Hydra either), so the config schema (bench/config.py) and the
engine (bench/engine/own_images.py) share one definition.
"""

from __future__ import annotations

import re

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
