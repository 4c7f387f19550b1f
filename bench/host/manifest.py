"""The record of what set-up changed on the host (packages it installed, binfmt entries it registered),
written as it happens, so that `bench engine purge` removes exactly that and nothing the user had."""

from __future__ import annotations

import json
from pathlib import Path

from bench.errors import EngineError
from bench.host.layout import MANIFEST
from bench.safe import atomic_file

#: host_packages: what dpkg gained; binfmt_entries: entries registered; paths: files and directories set-up
#: created outside bench's own roots or as separate units inside them (purge removes exactly these)
KEYS = ("host_packages", "binfmt_entries", "paths")


def read(path: Path = MANIFEST) -> dict[str, list[str]]:
    """The record; an absent file is an empty record, a damaged one an EngineError (purge must not guess)."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        data = {}
    except (OSError, ValueError) as error:
        raise EngineError(
            f"{path} cannot be read as bench's manifest ({type(error).__name__}: {str(error)[:80]}); "
            "nothing was changed",
            fix=f"restore it, or move it aside (mv {path} {path}.damaged): purge then removes only what "
            "a later set-up records",
        ) from None
    if not isinstance(data, dict) or not all(isinstance(data.get(key, []), list) for key in KEYS):
        raise EngineError(
            f"{path} is not bench's manifest (not an object of lists); nothing was changed",
            fix=f"restore it, or move it aside (mv {path} {path}.damaged)",
        )
    return {key: list(data.get(key, [])) for key in KEYS}


def add(key: str, items: list[str], path: Path = MANIFEST) -> None:
    """Append `items` to the record under `key` (once each), atomically: a kill or a power cut never leaves
    half a file (bench/safe/atomic_file.py)."""
    if key not in KEYS:
        raise KeyError(f"unknown manifest key {key!r}")
    data = read(path)
    data[key] = sorted(set(data[key]) | set(items))
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_file.write(path, json.dumps(data, indent=2) + "\n")  # unique temp name, fsync (issue 21, item 11)
