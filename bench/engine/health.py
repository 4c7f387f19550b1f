"""Why a run cannot go on after a build failed: its engine or registry has gone, or its data root is full.

Every later build would fail the same way, each one more failed row that says nothing new (and a full
data root would be written to again and again). So the runner asks here after a failed build, or when
the engine refused a call between builds, and stops the run with one line that says what happened and
what to run. Asked only after a failure: a healthy run pays nothing for it.

An engine that is down for a moment is waited for: dockerd restarts a containerd that died (about 12 s
here), meanwhile it answers `docker info` but not a call that needs its image store. A daemon or registry
whose process is gone (bench started it, so bench knows its pid) is not waited for: nothing restarts it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException

from bench.config import EngineConfig
from bench.engine import daemon, probe
from bench.engine.fleet import unreachable_fix
from bench.errors import docker_said
from bench.machine import process_identity

#: what the kernel says (ENOSPC) in every layer's error text: dockerd, containerd, BuildKit, the registry
NO_SPACE = "no space left on device"
RECOVERY_S = 30.0  # how long an engine whose processes live may take to answer again
POLL_S = 1.0
#: after it answers again, the daemon's own clients of containerd (BuildKit's) reconnect with a backoff of
#: up to 3 s (moby's MaxDelay): a reset right away still failed on one (`buildx prune`), seen here
SETTLE_S = 5.0


@dataclass(frozen=True)
class Blocked:
    """The run stopped before its plan ended: what happened, and what to run before resuming it."""

    what: str
    fix: str


def says_no_space(text: str | None) -> bool:
    return bool(text) and NO_SPACE in text.lower()


def no_space(engine: EngineConfig) -> Blocked:
    where = f" ({engine.state_dir}/data)" if engine.started_by_bench else ""
    return Blocked(
        f"no space left on device: the data root of engine {engine.name!r}{where} is full",
        f"free space there (bench engine reset engine={engine.name} empties the engine)",
    )


def _image_store_answers(engine: EngineConfig) -> str | None:
    """None when the engine lists its images (dockerd and, with the containerd store, containerd answer);
    else the first line of what went wrong."""
    try:
        DockerClient(context=engine.context).image.list()
    except DockerException as error:
        return docker_said(error) or "no answer"
    return None


def _problem(engine: EngineConfig) -> tuple[Blocked, bool] | None:
    """What is wrong now, and whether it is final (its process is gone), or None when all answers."""
    if engine.started_by_bench and daemon.process(engine) is None:
        return Blocked(f"the dockerd of engine {engine.name!r} is gone", unreachable_fix(engine)), True
    answers = probe.engine_answers(engine)
    detail = answers.detail if not answers.ok else _image_store_answers(engine)
    if detail is not None:
        return Blocked(f"engine {engine.name!r} stopped answering: {detail}", unreachable_fix(engine)), False
    if not probe.registry_reachable(engine).ok:
        ours = engine.provisions_services and engine.started_by_bench
        fix = f"bench engine up engine={engine.name}" if ours else "bench engine up"
        gone = ours and process_identity.process_of(Path(engine.run_dir) / "registry.pid") is None
        return Blocked(f"the registry on {engine.registry} stopped answering", fix), gone
    return None


def blocked(
    engine: EngineConfig,
    error: str | None,
    say: Callable[[str], object] = print,
    recovery_s: float = RECOVERY_S,
    poll_s: float = POLL_S,
    settle_s: float = SETTLE_S,
) -> Blocked | None:
    """What stops the run after a build failed with `error` (or the engine refused a call), or None when
    the engine and its registry answer (again, within `recovery_s`) and its disk is not full: the
    failure was the build's own, or a moment's."""
    if says_no_space(error):
        return no_space(engine)
    t0 = time.monotonic()
    found = _problem(engine)
    if found is None:
        return None
    said = False
    while not found[1] and time.monotonic() - t0 < recovery_s:
        if not said:
            say(f"{found[0].what}; waiting up to {recovery_s:.0f} s for it to answer again")
            said = True
        time.sleep(poll_s)
        found = _problem(engine)
        if found is None:
            say(f"engine {engine.name!r} answers again after {time.monotonic() - t0:.0f} s; going on")
            time.sleep(settle_s)
            return None
    return found[0]
