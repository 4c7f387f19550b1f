"""The results store of one run directory: append-only rows, a versioned schema, `load()` into pandas.

Files of a run directory:
- run.json     metadata: schema version, run id, environment, config hash, the planned order, status
- builds.jsonl one row per build, appended and fsynced as each build ends (a Ctrl-C loses nothing measured)
- steps.jsonl  one row per build step, same schema for both builders

Schema history (as pyperf and asv keep theirs; add an `_update_to_N` for every change):
- 1: first version.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = 1
META_FILE = "run.json"
BUILDS_FILE = "builds.jsonl"
STEPS_FILE = "steps.jsonl"

BUILD_COLUMNS = (
    "run_id",
    "seq",
    "round",
    "repetition",
    "warmup",
    "cell",
    "scenario",
    "builder",
    "cache",
    "change",
    "platform",
    "engine",
    "outcome",
    "wall_s",
    "reset_s",
    "prime_s",
    "steps_total",
    "steps_cached",
    "flags",
    "exit_code",
    "error_tail",
    "image_id",
    "builder_evidence",
    "argv",
    "env",
    "engine_before",
    "started_at",
)
STEP_COLUMNS = (
    "run_id",
    "seq",
    "cell",
    "builder",
    "index",
    "name",
    "stage",
    "platform",
    "started_s",
    "completed_s",
    "duration_s",
    "cached",
    "error",
)


class ResultsError(ValueError):
    """A run directory that cannot be read as asked; the message says what to do."""


def _migrations() -> dict[int, Any]:
    """`{n: f}` where f turns a version-n row set into version n+1. None yet: version 1 is the first."""
    return {}


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


class RunWriter:
    """Appends rows of one run; each row is on disk (fsynced) before the next build starts."""

    def __init__(self, run_dir: Path, meta: dict[str, Any]) -> None:
        self.run_dir = Path(run_dir)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.meta = {"schema_version": SCHEMA_VERSION, "status": "running", **meta}
        _write_atomic(self.run_dir / META_FILE, json.dumps(self.meta, indent=2, default=str))

    def _append(self, name: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        with open(self.run_dir / name, "a", encoding="utf-8") as handle:
            handle.write("".join(json.dumps(row, default=str) + "\n" for row in rows))
            handle.flush()
            os.fsync(handle.fileno())

    def add_build(self, build_row: dict[str, Any], step_rows: list[dict[str, Any]]) -> None:
        """Steps first: a build row present on disk always has its steps."""
        self._append(STEPS_FILE, step_rows)
        self._append(BUILDS_FILE, [build_row])

    def finish(self, status: str, **extra: Any) -> None:
        self.meta.update(status=status, **extra)
        _write_atomic(self.run_dir / META_FILE, json.dumps(self.meta, indent=2, default=str))


@dataclass
class Run:
    """A loaded run: metadata and the two tables."""

    path: Path
    meta: dict[str, Any]
    builds: pd.DataFrame
    steps: pd.DataFrame

    @property
    def complete(self) -> bool:
        return self.meta.get("status") == "complete"


def _read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSON-lines file; a torn last line (a run killed mid-write) is skipped with a warning."""
    if not path.exists():
        return []
    rows = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as error:
            if number == len(lines):
                warnings.warn(f"{path}: last line is incomplete (interrupted run?); skipped", stacklevel=3)
                continue
            raise ResultsError(
                f"{path}:{number} is not valid JSON ({error.msg}); the file is damaged"
            ) from None
    return rows


def read_meta(run_dir: Path) -> dict[str, Any]:
    path = Path(run_dir) / META_FILE
    if not path.exists():
        raise ResultsError(
            f"{run_dir} is not a bench run directory (no {META_FILE}); give a directory "
            "that `bench run` wrote under results/"
        )
    meta = json.loads(path.read_text())
    version = meta.get("schema_version")
    if not isinstance(version, int):
        raise ResultsError(f"{path} has no schema_version; it was not written by bench")
    if version > SCHEMA_VERSION:
        raise ResultsError(
            f"{run_dir} has results schema {version}, newer than this bench understands "
            f"({SCHEMA_VERSION}); update bench to read it"
        )
    return meta


def load(run_dir: str | Path) -> Run:
    """Load a run directory into DataFrames, migrating older schema versions in memory."""
    import pandas as pd

    run_dir = Path(run_dir)
    meta = read_meta(run_dir)
    builds = _read_rows(run_dir / BUILDS_FILE)
    steps = _read_rows(run_dir / STEPS_FILE)
    for version in range(meta["schema_version"], SCHEMA_VERSION):
        builds, steps = _migrations()[version](builds, steps)
    build_frame = pd.DataFrame(builds, columns=list(BUILD_COLUMNS))
    step_frame = pd.DataFrame(steps, columns=list(STEP_COLUMNS))
    build_frame["wall_s"] = pd.to_numeric(build_frame["wall_s"], errors="coerce")
    return Run(run_dir, meta, build_frame, step_frame)
