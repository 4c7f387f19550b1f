"""The results store of one run directory: append-only rows, a versioned schema, `load()` into pandas.

Files of a run directory:
- run.json     metadata: schema version, run id, environment, config hash, the planned order, status
- builds.jsonl one row per build, appended and fsynced as each build ends (a Ctrl-C loses nothing measured)
- steps.jsonl  one row per build step, same schema for both builders

The schema is the row types of bench/store/rows.py; its history, and the migrations that bring an older
run's rows up to it as they are read, are in bench/store/migrations.py. run.json reads back as a RunMeta.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.errors import ResultsError
from bench.safe import atomic_file
from bench.store.migrations import migrate
from bench.store.rows import (
    BUILD_COLUMNS,
    SCHEMA_VERSION,
    STEP_COLUMNS,
    STEP_TYPES,
    BuildRow,
    RunMeta,
    StepRow,
)

if TYPE_CHECKING:
    import pandas as pd

META_FILE = "run.json"
BUILDS_FILE = "builds.jsonl"
STEPS_FILE = "steps.jsonl"


def _write_atomic(path: Path, text: str) -> None:
    """Replace run.json whole: a unique temporary name, fsynced with its directory
    (bench/safe/atomic_file.py)."""
    atomic_file.write(path, text)


class RunWriter:
    """Appends rows of one run; each row is on disk (fsynced) before the next build starts."""

    def __init__(self, run_dir: Path, meta: RunMeta) -> None:
        self.run_dir = Path(run_dir)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.meta = replace(meta, schema_version=SCHEMA_VERSION, status="running")
        self._written: dict[str, Any] = {}
        self._write_meta()

    @classmethod
    def reopen(cls, run_dir: Path, meta: RunMeta) -> RunWriter:
        """Continue an interrupted run's files (bench/run/resume.py): its metadata as given, running again;
        rows are appended after those already on disk."""
        return cls(run_dir, meta)

    def _write_meta(self) -> None:
        """run.json whole; a key keeps the place it was first written at (the run's end comes after a
        resume of a run killed before it could record one)."""
        self._written = {**self._written, **self.meta.to_json()}
        _write_atomic(self.run_dir / META_FILE, json.dumps(self._written, indent=2, default=str))

    def _append(self, name: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        with open(self.run_dir / name, "a", encoding="utf-8") as handle:
            handle.write("".join(json.dumps(row, default=str) + "\n" for row in rows))
            handle.flush()
            os.fsync(handle.fileno())

    def add_build(self, build_row: BuildRow, step_rows: list[StepRow]) -> None:
        """Steps first: a build row present on disk always has its steps. Only the row types are written,
        so every key on disk is a declared column (bench/store/rows.py)."""
        self._append(STEPS_FILE, [step.to_json() for step in step_rows])
        self._append(BUILDS_FILE, [build_row.to_json()])

    def finish(self, status: str, *, finished_at: str | None = None, measured: int | None = None) -> None:
        """The run's end: its status, when, and how many builds it measured in all."""
        self.meta = replace(self.meta, status=status, finished_at=finished_at, measured=measured)
        self._write_meta()


@dataclass
class Run:
    """A loaded run: its metadata, typed, and the two tables (columns, migrated to this schema)."""

    path: Path
    meta: RunMeta
    builds: pd.DataFrame
    steps: pd.DataFrame

    @property
    def complete(self) -> bool:
        return self.meta.status == "complete"


class TornLineWarning(UserWarning):
    """A JSON-lines file ends in a line cut short: the run was killed while writing it."""


def ends_torn(path: Path) -> bool:
    """Whether the file's last line has no newline: every row bench writes ends with one, so only a
    write cut short by a kill leaves such a line (checked without reading the file)."""
    try:
        with open(path, "rb") as handle:
            if handle.seek(0, os.SEEK_END) == 0:
                return False
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) != b"\n"
    except FileNotFoundError:
        return False


def _read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSON-lines file; a torn last line (a run killed mid-write) is skipped with a warning
    naming the file and line. Lines are decoded one by one: a cut can split a character in two."""
    if not path.exists():
        return []
    rows = []
    lines = path.read_bytes().split(b"\n")
    last = max((number for number, line in enumerate(lines, 1) if line.strip()), default=0)
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as error:  # JSONDecodeError, or UnicodeDecodeError of a split character
            if number == last:
                warnings.warn(
                    f"{path}:{number}: the last line is cut short (the run was killed while writing "
                    "it?); it is skipped, the rows before it are read",
                    TornLineWarning,
                    stacklevel=3,
                )
                continue
            why = error.msg if isinstance(error, json.JSONDecodeError) else "not UTF-8"
            raise ResultsError(f"{path}:{number} is not valid JSON ({why}); the file is damaged") from None
        if not isinstance(row, dict):
            raise ResultsError(f"{path}:{number} is JSON but not a row (an object); the file is damaged")
        rows.append(row)
    return rows


def _meta_of(path: Path) -> dict[str, Any]:
    """run.json's object; one that is empty, cut short or unreadable (a power cut, a kill while an older
    bench wrote it without fsync) is a ResultsError naming it."""
    try:
        meta = json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        why = "empty" if path.is_file() and path.stat().st_size == 0 else _why(error)
        raise ResultsError(
            f"{path} cannot be read ({why}): a power cut or a kill while it was written; the run's metadata "
            "is lost, its rows (builds.jsonl) are not",
            fix=f"restore {path} from a backup, or measure the run again into a new folder "
            f"(its overrides: {path.parent / '.hydra' / 'overrides.yaml'})",
        ) from None
    if not isinstance(meta, dict):
        raise ResultsError(f"{path} is JSON but not an object; it was not written by bench")
    return meta


def _why(error: BaseException) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON: {error.msg} at line {error.lineno}"
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return "not UTF-8"


def read_meta(run_dir: Path) -> RunMeta:
    """run.json typed, of this schema or an older one; a ResultsError of one line when it cannot be."""
    path = Path(run_dir) / META_FILE
    if not path.exists():
        raise ResultsError(
            f"{run_dir} is not a bench run directory (no {META_FILE}); give a directory "
            "that `bench run` wrote under results/"
        )
    document = _meta_of(path)
    version = document.get("schema_version")
    if not isinstance(version, int):
        raise ResultsError(f"{path} has no schema_version; it was not written by bench")
    if version > SCHEMA_VERSION:
        raise ResultsError(
            f"{run_dir} has results schema {version}, newer than this bench understands "
            f"({SCHEMA_VERSION}); update bench to read it"
        )
    return RunMeta.from_json(document, str(path))


def _read_steps_fast(path: Path) -> pd.DataFrame | None:
    """steps.jsonl through pyarrow's multi-threaded JSON reader (a million rows in about a second, six
    times the line-by-line reader). None when it cannot read the file as typed (a torn last line, a
    value of another type), so that `_read_rows` reads it and says what is wrong."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    import pyarrow as pa
    import pyarrow.json as pa_json

    schema = pa.schema([(name, pa.type_for_alias(STEP_TYPES[name])) for name in STEP_COLUMNS])
    options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
    try:
        return pa_json.read_json(path, parse_options=options).to_pandas()
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None


def _load_tables(run_dir: Path, meta: RunMeta) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables from the JSON lines, migrated to the current schema (bench/store/migrations.py)."""
    import pandas as pd

    builds = _read_rows(run_dir / BUILDS_FILE)
    current = meta.schema_version == SCHEMA_VERSION
    step_frame = _read_steps_fast(run_dir / STEPS_FILE) if current else None
    steps = _read_rows(run_dir / STEPS_FILE) if step_frame is None else []
    builds, steps = migrate(builds, steps, meta.schema_version)
    build_frame = pd.DataFrame(builds, columns=list(BUILD_COLUMNS))
    if step_frame is None:
        step_frame = pd.DataFrame(steps, columns=list(STEP_COLUMNS))
    build_frame["wall_s"] = pd.to_numeric(build_frame["wall_s"], errors="coerce")
    return build_frame, step_frame


def load(run_dir: str | Path) -> Run:
    """Load a run directory into DataFrames, migrating older schema versions in memory.

    Reads the Parquet copies of the tables when they are current (bench/store/columnar.py) and makes them
    when not, so that the second load of a large run is several times faster than the first."""
    from bench.store import columnar

    run_dir = Path(run_dir)
    meta = read_meta(run_dir)
    sources = (run_dir / BUILDS_FILE, run_dir / STEPS_FILE)
    if not all(source.exists() for source in sources) or any(ends_torn(source) for source in sources):
        return Run(run_dir, meta, *_load_tables(run_dir, meta))  # no copy: it would hide the torn line
    key = f"{SCHEMA_VERSION}:{meta.schema_version}"
    copies = [columnar.read(source, key) for source in sources]
    if copies[0] is not None and copies[1] is not None and list(copies[0].columns) == list(BUILD_COLUMNS):
        return Run(run_dir, meta, copies[0], copies[1])
    keys = [columnar.source_key(source, key) for source in sources]
    builds, steps = _load_tables(run_dir, meta)
    for source, source_key, frame in zip(sources, keys, (builds, steps), strict=True):
        columnar.write(source, source_key, frame)
    return Run(run_dir, meta, builds, steps)
