"""history.json: what a history built, where each commit's run directory is, and how each run ended.

It sits in the history directory beside the run directories (`<n>_<short sha>/`), which are ordinary run
directories (`bench report`, `bench compare` take them as they are). Paths are relative to the history
directory, so the directory can be moved or published as a whole.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.errors import HistoryError
from bench.safe import atomic_file

INDEX_FILE = "history.json"
SCHEMA_VERSION = 1
#: How a commit's run ended: `ok` every build measured; `failed` the run exited non-zero or could not
#: start (`error` says why); `interrupted` Ctrl-C during it; `pending` not reached.
STATUSES = ("ok", "failed", "interrupted", "pending")


@dataclass
class HistoryPoint:
    """One commit of the history and its run."""

    n: int
    commit: str
    short: str
    date: str
    subject: str
    run_dir: str  # relative to the history directory
    status: str = "pending"
    exit_code: int | None = None
    error: str | None = None


@dataclass
class HistoryIndex:
    """The index of one history: the repository, the scenario's path in it, the revisions asked for."""

    repo: str
    path: str
    revs: str
    overrides: list[str]
    started_at: str
    points: list[HistoryPoint] = field(default_factory=list)
    finished_at: str | None = None
    status: str = "running"  # running | complete | interrupted
    schema_version: int = SCHEMA_VERSION

    def write(self, directory: Path) -> Path:
        """history.json in `directory`, replaced atomically (a reader never sees half of it)."""
        target = Path(directory) / INDEX_FILE
        atomic_file.write(target, json.dumps(asdict(self), indent=2) + "\n")  # a unique temporary name
        return target


def is_history(directory: Path) -> bool:
    return (Path(directory) / INDEX_FILE).is_file()


def read_index(directory: Path) -> HistoryIndex:
    """The index of a history directory, refused with what to give when it is not one."""
    path = Path(directory) / INDEX_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HistoryError(
            f"{directory} has no {INDEX_FILE}; give a directory `bench history` wrote"
        ) from None
    except json.JSONDecodeError as error:
        raise HistoryError(f"{path} is not JSON ({error.msg} at line {error.lineno})") from None
    version = raw.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise HistoryError(
            f"{path} has schema version {version!r}; this bench reads up to {SCHEMA_VERSION}", "upgrade bench"
        )
    points = [HistoryPoint(**point) for point in raw.pop("points", [])]
    return HistoryIndex(**raw, points=points)
