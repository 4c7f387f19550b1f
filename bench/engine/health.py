"""Why a run cannot go on after a build failed: its engine or registry has gone, or its data root is full.

Every later build would fail the same way, each one more failed row that says nothing new (and a full
data root would be written to again and again). So the runner asks here after a failed build, or when
the engine refused a call between builds, and stops the run with one line that says what happened and
what to run. Asked only after a failure: a healthy run pays nothing for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.config import EngineConfig
from bench.engine import probe
from bench.engine.fleet import unreachable_fix

#: what the kernel says (ENOSPC) in every layer's error text: dockerd, containerd, BuildKit, the registry
NO_SPACE = "no space left on device"


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
        f"no space left on device: engine {engine.name!r}'s data root{where} is full",
        f"free space there (bench engine reset engine={engine.name} empties the engine)",
    )


def blocked(engine: EngineConfig, error: str | None) -> Blocked | None:
    """What stops the run after a build failed with `error` (or the engine refused a call), or None when
    the engine and its registry still answer and its disk is not full: the failure was the build's own."""
    if says_no_space(error):
        return no_space(engine)
    answers = probe.engine_answers(engine)
    if not answers.ok:
        return Blocked(f"engine {engine.name!r} stopped answering: {answers.detail}", unreachable_fix(engine))
    if not probe.registry_reachable(engine).ok:
        fix = f"bench engine up engine={engine.name}" if engine.provisions_services else "bench engine up"
        return Blocked(f"the registry on {engine.registry} stopped answering", fix)
    return None
