"""Bounded registry: delete the manifests no kept run needs, then let the registry collect their blobs.

`bench engine gc` (collect): every manifest of the repositories runs write (bench-cache/*, <tag_prefix>/*)
that no kept tag resolves to (kept: the tags named by the run directories bench recorded when each run
started, bench/services/known_runs.py, that still exist, wherever gc is run from; base images are never
touched; nothing at all when that record cannot be read) is deleted through the API, untagged ones
(left by a tag pushed again) included; then the registry is stopped, `docker-registry garbage-collect`
frees the blobs nothing references any more, and the registry is started again. It refuses while any run
holds the machine's lock: a measurement's cache ref exists before its row names it.

At the end of a run (after_run): the run deletes the cache refs its own rows name, since a cache ref is
needed only between its priming and its measured build; images it pushed (multi-platform cells) are its
results, kept while its run directory exists. Then, when this engine is the one that serves the
registry and no other engine's run uses it, the blob GC runs too. Measured (tests/benchmarks/
registry_growth.py, five tiny registry-max runs on a 937 MB registry): 1.3 to 2.1 s per run end, of which
garbage-collect itself is 0.03 s and the rest the registry's stop and start; against 16 to 25 s runs. It
is what keeps repeated runs' registry flat (-0.1% from run 1 to run 5; without it each run's cache blobs
and layer links stay). Skipped, a deleted cache ref's blobs stay until the next `bench engine gc`.
"""

from __future__ import annotations

import subprocess
import time
import urllib.error
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from bench.config import EngineConfig
from bench.errors import EngineError
from bench.machine.disk import human, tree_bytes
from bench.machine.lock import engine_lock, engines_busy
from bench.services import known_runs, registry, registry_manifests, registry_refs

#: the record of run directories (bench/services/known_runs.py), read when collect runs (tests point it away)
KNOWN_RUNS = known_runs.KNOWN_RUNS
GC_TIMEOUT_S = 600


@dataclass(frozen=True)
class Collected:
    manifests: int  # manifests deleted through the API
    bytes_before: int  # the registry's storage, before and after
    bytes_after: int
    blobs_collected: bool  # the registry's garbage-collect ran
    seconds: float

    def line(self) -> str:
        freed = self.bytes_before - self.bytes_after
        blobs = "" if self.blobs_collected else "; blobs not collected (registry not restarted)"
        return (
            f"registry: deleted {self.manifests} manifest(s), freed {human(freed)} "
            f"({human(self.bytes_before)} -> {human(self.bytes_after)}) in {self.seconds:.1f} s{blobs}"
        )


def doomed(engine: EngineConfig, tag_prefix: str, kept: set[tuple[str, str]]) -> dict[str, list[str]]:
    """repository -> manifest digests to delete: those of collectable repositories that no kept tag
    resolves to (directly, or as a child of a kept index)."""
    found: dict[str, list[str]] = {}
    for repository in registry_manifests.repositories(engine.registry):
        if not registry_refs.collectable(repository, tag_prefix):
            continue
        keep: set[str] = set()
        for tag in registry_manifests.tags(engine.registry, repository):
            if (repository, tag) in kept and (
                d := registry_manifests.digest(engine.registry, repository, tag)
            ):
                keep |= {d, *registry_manifests.children(engine.registry, repository, d)}
        stored = registry_manifests.revisions(engine.registry_dir, repository)
        if drop := [d for d in stored if d not in keep]:
            found[repository] = drop
    return found


def delete(engine: EngineConfig, manifests: dict[str, list[str]]) -> int:
    return sum(registry_manifests.delete(engine.registry, r, d) for r, ds in manifests.items() for d in ds)


def collect_blobs(engine: EngineConfig, tag_prefix: str) -> bool:
    """Stop the registry bench started, run its garbage collection, prune what that leaves in the
    repositories runs write (registry_manifests.prune_links), start it again; False (nothing done) when a
    registry bench did not start answers on the address: it cannot be stopped safely."""
    was_running = registry.reachable(engine)
    if was_running and not registry.stop(engine):
        return False
    try:
        run = subprocess.run(
            ["docker-registry", "garbage-collect", str(registry.write_config(engine))],
            capture_output=True,
            text=True,
            timeout=GC_TIMEOUT_S,
        )
        if run.returncode == 0:
            for repository in registry_manifests.stored_repositories(engine.registry_dir):
                if registry_refs.collectable(repository, tag_prefix):
                    registry_manifests.prune_links(engine.registry_dir, repository)
    finally:
        if was_running:
            registry.start(engine)
    if run.returncode != 0:
        tail = (run.stderr or run.stdout).strip().splitlines()[-1:] or [f"exit {run.returncode}"]
        raise EngineError(f"docker-registry garbage-collect failed: {tail[0]}")
    return True


def _refuse_if_busy(engine: EngineConfig, others_only: bool = False) -> list[str]:
    busy = engines_busy()
    if others_only:
        busy = [b for b in busy if not b.endswith(f" on {engine.name}")]
    return busy


def kept(results_roots: Iterable[Path] = ()) -> set[tuple[str, str]]:
    """The refs no collection may delete: those every recorded run directory names (UnknownRuns when the
    record cannot be read), and those of the run directories under `results_roots`."""
    recorded = set().union(*(registry_refs.run_refs(run) for run in known_runs.read(KNOWN_RUNS)))
    return recorded | registry_refs.kept_refs(results_roots)


def collect(
    engine: EngineConfig,
    tag_prefix: str,
    results_roots: Iterable[Path] = (),
    say: Callable[[str], object] = print,
) -> Collected:
    """`bench engine gc`: see the module docstring. Holds the engine's lock (not waiting) meanwhile;
    deletes nothing when the record of run directories cannot be read."""
    if not engine.provisions_services or not engine.started_by_bench:
        raise EngineError(
            f"engine {engine.name!r} does not serve the registry; collect it through the default engine",
            fix="bench engine gc",
        )
    if busy := _refuse_if_busy(engine):
        raise EngineError(f"not collecting the registry while a run uses it: {busy[0]}")
    if not registry.reachable(engine):
        raise EngineError(f"the registry on {engine.registry} does not answer", fix="bench engine up")
    t0 = time.monotonic()
    before = tree_bytes(engine.registry_dir)
    with engine_lock(replace(engine, lock_wait_s=0, concurrent_runs=False), "bench engine gc", say=say):
        manifests = delete(engine, doomed(engine, tag_prefix, kept(results_roots)))
        blobs = collect_blobs(engine, tag_prefix)
    return Collected(manifests, before, tree_bytes(engine.registry_dir), blobs, time.monotonic() - t0)


def forget(engine: EngineConfig, tag_prefix: str, refs: set[tuple[str, str]]) -> int:
    """Delete these refs' manifests (an index with its platform manifests), unless a tag outside `refs`
    resolves to the same manifest."""
    by_repository: dict[str, set[str]] = {}
    for repository, tag in refs:
        if registry_refs.collectable(repository, tag_prefix):
            by_repository.setdefault(repository, set()).add(tag)
    deleted = 0
    for repository, own in by_repository.items():
        resolved = {
            t: registry_manifests.digest(engine.registry, repository, t)
            for t in registry_manifests.tags(engine.registry, repository)
        }

        def with_children(digests: set[str | None], repository: str = repository) -> set[str]:
            found = {d for d in digests if d}
            return found | {
                c for d in found for c in registry_manifests.children(engine.registry, repository, d)
            }

        others = with_children({d for t, d in resolved.items() if t not in own})
        for digest in sorted(with_children({resolved.get(t) for t in own}) - others):
            deleted += registry_manifests.delete(engine.registry, repository, digest)
    return deleted


def after_run(
    engine: EngineConfig, run_dir: Path, tag_prefix: str, say: Callable[[str], object] = print
) -> Collected | None:
    """A run's end, under its engine lock, once its rows are written: its own refs go (see the module
    docstring). Never raises: a registry that cannot be cleaned now is cleaned by `bench engine gc`."""
    refs = registry_refs.run_cache_refs(Path(run_dir))
    if not refs or not registry.reachable(engine):
        return None
    t0 = time.monotonic()
    before = tree_bytes(engine.registry_dir)
    try:
        deleted = forget(engine, tag_prefix, refs)
        blobs = False
        serves = engine.provisions_services and engine.started_by_bench
        if deleted and serves and not _refuse_if_busy(engine, others_only=True):
            blobs = collect_blobs(engine, tag_prefix)
    except (OSError, urllib.error.URLError, EngineError, subprocess.SubprocessError) as error:
        say(f"registry: the run's cache refs were not all removed ({error}); `bench engine gc` will")
        return None
    done = Collected(deleted, before, tree_bytes(engine.registry_dir), blobs, time.monotonic() - t0)
    if deleted:
        say(done.line())
    return done
