"""Which registry refs bench may collect, and which it keeps: pure, read from run directories.

Collectable: only the repositories runs write, `bench-cache/*` (one cache ref per measurement) and
`<tag_prefix>/*` (images a run pushed, e.g. multi-platform ones). The base images (`bench/*`, with their
`-variant` tags) and anything else in the registry are never collected.

Kept: every tag a run directory that still exists under results/ (results/reference/ included, sweeps too)
names in its rows (`cache_ref`, and registry refs in `argv`). A person who keeps a run directory keeps what
its rows name; deleting the directory lets `bench engine gc` collect it. Refs are compared by repository
and tag, not host: a run over a delayed link names the registry through its relay's port.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

CACHE_REPOSITORIES = "bench-cache/"
BASE_REPOSITORIES = "bench/"
ROWS_FILE = "builds.jsonl"
# host:port/repository:tag, as a registry ref appears in a row (alone, after `ref=`, after `NAME=`)
_REF = re.compile(r"[\w.-]+:\d+/([a-z0-9][a-z0-9._/-]*):([\w][\w.-]{0,127})")


def collectable(repository: str, tag_prefix: str) -> bool:
    """A repository runs write into (never a base image's)."""
    if repository.startswith(BASE_REPOSITORIES):
        return False
    return repository.startswith(CACHE_REPOSITORIES) or repository.startswith(f"{tag_prefix.strip('/')}/")


def refs_in(text: str) -> set[tuple[str, str]]:
    """(repository, tag) of each registry ref in a string of a row."""
    return {(m.group(1), m.group(2)) for m in _REF.finditer(text)}


def row_refs(row: dict) -> set[tuple[str, str]]:
    """The registry refs a row names: its cache ref and those in its command line."""
    texts = [row.get("cache_ref") or "", *(str(a) for a in row.get("argv") or [])]
    return set().union(*(refs_in(t) for t in texts))


def rows(run_dir: Path) -> Iterator[dict]:
    """The rows of a run directory; a torn or foreign line is skipped (it names nothing to keep)."""
    try:
        lines = (run_dir / ROWS_FILE).read_text(errors="replace").splitlines()
    except OSError:
        return
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict):
            yield row


def run_refs(run_dir: Path) -> set[tuple[str, str]]:
    return set().union(*(row_refs(r) for r in rows(run_dir)))


def run_cache_refs(run_dir: Path) -> set[tuple[str, str]]:
    """The cache refs among a run's refs: needed only between a priming and its measured build. Images
    the run pushed (multi-platform cells) are its results and stay while its directory does."""
    return {(repo, tag) for repo, tag in run_refs(run_dir) if repo.startswith(CACHE_REPOSITORIES)}


def run_dirs(results: Path) -> list[Path]:
    """Every run directory under results/ (any depth: reference runs, sweeps)."""
    return sorted(p.parent for p in results.rglob(ROWS_FILE)) if results.is_dir() else []


def kept_refs(results_roots: Iterable[Path]) -> set[tuple[str, str]]:
    return set().union(*(run_refs(d) for root in results_roots for d in run_dirs(root)))
