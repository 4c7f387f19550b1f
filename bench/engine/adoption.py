"""Whether bench may empty an engine: proven, never declared. `owned: true` in a config is a wish; the
proof is that bench started the engine's daemon itself, or that the engine was empty when `bench engine add
--owned` adopted it (recorded here under the engine's ID), and that it holds nothing but bench's since.

Started by bench: bench's own dockerd of that engine runs (its pid file and `--config-file` under the
engine's run_dir, bench/engine/daemon.py) and the daemon the engine's context reaches keeps its data under
the engine's state_dir. Adopted: the context reaches an engine whose ID the record holds. Both are checked
before every wipe, and an adopted engine must still hold no container or volume bench did not create and
no tagged image bench did not name (`<tag_prefix>/<run>/...`, base images from the registry); anything
else is someone's work, and the wipe is refused with one line that names it.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

from bench.config import EngineConfig
from bench.engine import ownership
from bench.engine.own_images import repository_of
from bench.errors import EngineError
from bench.host import created
from bench.host.layout import STATE_ROOT

if TYPE_CHECKING:
    from python_on_whales import DockerClient

ADOPTED = STATE_ROOT / "adopted-engines.json"  # read at each call: tests point it elsewhere
#: what bench's runs name their images by default (config.BenchConfig.tag_prefix)
DEFAULT_PREFIX = "bench-run"
#: a run id as image names carry it (bench/run/experiment.py, lower-cased by bench/engine/own_images.py)
RUN_ID = r"\d{8}t\d{6}-[0-9a-f]{6}"


class NotOwned(EngineError):
    """An engine bench may not empty: not started by bench, not adopted empty, or holding others' work."""


def engine_id(docker: DockerClient) -> str:
    return str(docker.system.info().id)


def _read(path: Path | None = None) -> dict[str, dict]:
    path = path or ADOPTED
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise NotOwned(
            f"cannot read the record of adopted engines {path}: {error}", "remove it by hand"
        ) from None
    return data if isinstance(data, dict) else {}


def _write(data: dict[str, dict], path: Path | None = None) -> None:
    path = path or ADOPTED
    ours = (STATE_ROOT, path) if path.is_relative_to(STATE_ROOT) else ()
    with created.recording(*ours):  # purge removes it with bench's other state
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
        os.replace(partial, path)


def adopted(engine_id: str, path: Path | None = None) -> dict | None:
    """The record of the engine with this ID, or None when bench never adopted it."""
    return _read(path).get(engine_id)


def forget(engine_id: str, path: Path | None = None) -> None:
    data = _read(path)
    if data.pop(engine_id, None) is not None:
        _write(data, path)


def _bench_s_tag(tag: str, prefix: str, registry: str) -> bool:
    """A tag bench names: a run's image (`<prefix>/<run>/...`, its compose project's `<prefix>-<run id>-...`),
    a base image pulled from bench's registry, a probe's scratch image."""
    repository = repository_of(tag)
    run = rf"{re.escape(prefix)}/[a-z0-9][a-z0-9._-]*/|{re.escape(prefix)}-{RUN_ID}-"
    return bool(re.match(run, repository)) or repository.startswith((f"{registry}/bench/", "bench-probe/"))


def foreign(docker: DockerClient, prefix: str, registry: str, adopting: bool) -> list[ownership.Held]:
    """What the engine holds that is not bench's: containers and volumes without bench's label, images
    with a tag bench did not name; when `adopting`, also any untagged image and any build cache (after
    adoption those are what bench's own builds leave)."""
    held = ownership.not_bench_s(ownership.holdings(docker))
    for found in docker.image.list():
        tags = list(found.repo_tags or [])
        others = [t for t in tags if not _bench_s_tag(t, prefix, registry)]
        if others or (adopting and not tags):
            held.append(ownership.Held("image", (others or [found.id[:19]])[0], None))
    if adopting:
        records = docker.system.disk_free().build_cache.total_count or 0
        if records:
            held.append(ownership.Held("build cache", f"{records} records", None))
    return held


def adopt(name: str, host: str, docker: DockerClient, registry: str, path: Path | None = None) -> str:
    """Record the engine `docker` reaches as owned by bench, if it is empty; returns its ID."""
    found = foreign(docker, DEFAULT_PREFIX, registry, adopting=True)
    if found:
        raise NotOwned(
            f"--owned: {host} holds {ownership.describe(found)}; bench adopts only an empty engine, since "
            "every cold reset would delete what it holds",
            fix="leave out --owned (shared: never pruned), or empty the engine yourself first",
        )
    found_id = engine_id(docker)
    data = _read(path)
    data[found_id] = {
        "name": name,
        "host": host,
        "adopted_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _write(data, path)
    return found_id


def _started(engine: EngineConfig, docker: DockerClient) -> None:
    from bench.engine import daemon

    running = daemon.process(engine)
    config = str(Path(engine.run_dir) / "daemon.json")
    try:
        ours = running is not None and config in running.cmdline()
    except psutil.Error:  # gone since, or not ours to read
        ours = False
    if not ours:
        raise NotOwned(
            f"engine {engine.name!r} is declared started by bench, but no dockerd bench started for it runs "
            f"(none with --config-file {config}); bench empties only an engine it started or adopted empty",
            fix=f"bench engine up engine={engine.name}, or leave the engine shared: engine.owned=false",
        )
    root = str(docker.system.info().docker_root_dir or "")
    if Path(root).resolve() != (Path(engine.state_dir) / "data").resolve():
        raise NotOwned(
            f"context {engine.context!r} reaches a daemon whose data root is {root}, not the one bench "
            f"started for engine {engine.name!r} ({engine.state_dir}/data)",
            fix=f"bench engine up engine={engine.name} (it points the context back at bench's daemon)",
        )


def prove(engine: EngineConfig, docker: DockerClient, prefix: str = DEFAULT_PREFIX) -> None:
    """Raise NotOwned unless bench may empty the engine `docker` reaches (see the module docstring)."""
    if engine.started_by_bench:
        _started(engine, docker)
        return
    record = adopted(engine_id(docker))
    if record is None:
        raise NotOwned(
            f"engine {engine.name!r} (context {engine.context!r}) is declared owned, but bench did not start "
            "it and never adopted it empty; it will not be emptied",
            fix="leave it shared (engine.owned=false: only the run's own images are removed), or adopt an "
            "empty engine: bench engine add NAME --host HOST --owned",
        )
    found = foreign(docker, prefix, engine.registry, adopting=False)
    if found:
        raise NotOwned(
            f"engine {engine.name!r} (adopted empty on {record.get('adopted_at', '?')}) now holds "
            f"{ownership.describe(found)} that bench did not make; it will not be emptied",
            fix="remove those yourself, or measure on it as a shared engine: engine.owned=false",
        )
