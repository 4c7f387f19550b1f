"""The run directories bench knows about: each run records its own (absolute path) here when it starts, and
`bench engine gc` keeps every registry ref that a recorded directory still on disk names.

What a run keeps must not depend on where gc is run from: it once read `./results`, so `bench engine gc`
from any other directory deleted every kept run's refs. The record is one JSON string per line (a path
may hold any character), appended, in bench's state root. gc deletes nothing when it cannot read it.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from bench.errors import EngineError
from bench.host import created
from bench.host.layout import STATE_ROOT

KNOWN_RUNS = STATE_ROOT / "runs.jsonl"


class UnknownRuns(EngineError):
    """The record cannot be read: nothing may be collected, since any ref might be a kept run's."""


def read(path: Path = KNOWN_RUNS) -> list[Path]:
    """Every recorded run directory, in the order recorded; raises UnknownRuns when the record is missing,
    not a regular file or not what bench writes."""
    fix = (
        f"`bench run` records each run directory in {path} when it starts; until that record can be read, "
        "nothing is collected (a run of this bench creates it)"
    )
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as error:
        why = f"cannot read the run directories bench knows ({error.strerror}: {path})"
        raise UnknownRuns(why, fix) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnknownRuns(f"the record of run directories {path} is not a file", fix)
    with os.fdopen(fd, "rb") as file:
        text = file.read().decode(errors="replace")
    runs: list[Path] = []
    for number, line in enumerate(text.splitlines(), 1):
        try:
            found = json.loads(line)
        except ValueError:
            found = None
        if not isinstance(found, str) or not os.path.isabs(found):
            raise UnknownRuns(f"the record of run directories {path} is damaged at line {number}", fix)
        runs.append(Path(found))
    return runs


def record(run_dir: Path, path: Path = KNOWN_RUNS) -> None:
    """Add `run_dir` (made absolute) to the record, once; a record that cannot be read is started again
    only when it does not exist (a damaged one is left for a person to look at)."""
    run_dir = Path(os.path.abspath(run_dir))
    try:
        if run_dir in read(path):
            return
    except UnknownRuns:
        if os.path.lexists(path):
            raise
    ours = (STATE_ROOT, path) if path.is_relative_to(STATE_ROOT) else ()  # a test's record is its own
    with created.recording(*ours):  # purge removes it with bench's other state
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            os.write(fd, (json.dumps(str(run_dir)) + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
