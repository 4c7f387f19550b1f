"""What bench created on the machine, recorded where it creates it: the manifest's `paths` (bench/host/
manifest.py), which is all `bench engine purge` deletes.

A path is recorded only when it did not exist before the step that made it: BENCH_STATE_ROOT=/data names a
directory of the user's, which bench then fills but never owns, so purge takes out only bench's parts.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from bench.host import manifest
from bench.host.layout import MANIFEST


@contextlib.contextmanager
def recording(*candidates: Path, manifest_path: Path = MANIFEST) -> Iterator[None]:
    """Record in the manifest each of `candidates` (directories or files) that the block creates: absent
    before it, present after it (a block that fails halfway still records what it made)."""
    missing = [Path(p) for p in dict.fromkeys(candidates) if not os.path.lexists(p)]
    try:
        yield
    finally:
        made = [p for p in missing if os.path.lexists(p) and p != manifest_path]
        if made:  # the manifest itself is made by this very record when it was missing
            mine = [manifest_path] if manifest_path in missing else []
            manifest.add("paths", [str(p) for p in [*made, *mine]], manifest_path)
