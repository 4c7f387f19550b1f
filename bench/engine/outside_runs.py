"""Commands that change an engine or the machine under a run hold the machine's lock (bench/machine/lock.py)
while they work, and refuse at once, naming the run, when a run holds it.

`bench engine reset` between a paired cold and warm build turns the warm build cold, `down` or `purge`
stops the daemon a run builds on, `cluster down` cancels a sweep's jobs: each would change what a run
measures, and nothing in its rows would say so. Waiting is no answer either (a run may last hours), so
they refuse; a run with `engine.concurrent_runs=true` holds no lock and is not seen.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import replace

from bench.config import EngineConfig
from bench.errors import EngineError
from bench.machine import lock


@contextlib.contextmanager
def no_run_meanwhile(
    what: str, engine: EngineConfig | None = None, say: Callable[[str], object] = print
) -> Iterator[None]:
    """Hold the machine's lock for the block (as `what`, so a run started meanwhile names it); raise an
    EngineError naming the run that holds it instead."""
    holder = lock.held()
    if holder is not None:
        raise EngineError(
            f"not running `{what}` while {holder} holds the machine's lock: it would change the engine "
            "under that run's measurements",
            fix="wait for that run to end (or stop it), then run it again",
        )
    mine = replace(engine or EngineConfig(), lock_wait_s=0, concurrent_runs=False)
    with lock.engine_lock(mine, what, say=say):  # a run that started since raises its own busy line
        yield
