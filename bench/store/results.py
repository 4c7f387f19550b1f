"""The results store of one run directory: append-only rows, a versioned schema, `load()` into pandas.

Files of a run directory:
- run.json     metadata: schema version, run id, environment, config hash, the planned order, status
- builds.jsonl one row per build, appended and fsynced as each build ends (a Ctrl-C loses nothing measured)
- steps.jsonl  one row per build step, same schema for both builders

Schema history (as pyperf and asv keep theirs; add an `_update_to_N` for every change):
- 1: first version.
- 2: cache sources, registry traffic, links. New build columns (null in migrated v1 rows): build_s (the
  build process alone; wall_s adds pull_s when the cell's cost includes a pull), pull_s, export_s,
  instructions_total, instructions_cached (Dockerfile steps only), work_steps_total, work_steps_cached
  (RUN/COPY/ADD only), cache_ref, registry_pulled_bytes, registry_pushed_bytes, index_wheel_downloads,
  index_pulled_bytes (what the package index served), cache_bytes, image_bytes, image_layers, notes,
  link, link_rate_mbit, link_delay_ms (v1 rows: all over loopback).
- 3: image checks and more cell dimensions. New build columns, null in migrated rows: those listed in
  V3_BUILD_COLUMNS (a field of bench/store/rows.py BuildRow with `since(3)`, and a line here saying what it
  holds). Rows without a platform
  (runs from before platforms) get `native`.
  goss_passed/goss_failed/goss_failures/goss_s/goss_error: the scenario's goss spec run in the image;
  image_files (path in the run dir)/image_files_s/image_files_error: the image's files kept for equivalence.
  variant: the scenario's Dockerfile variant of the cell (null: the scenario has none);
  leaked/leak_locations/audit_s/audit_bytes/audit_error: the secret audit of the image and the images
  the build left (bench/audit/leak_check.py); locations name a layer and path or a config field;
  engine_leak_locations: files of the owned engine's data root that came to hold the secret in that build.
  clone_verified/clone_error: the ssh scenario's image holds the run's private repository (its README).
  resumed: the row was measured by `bench run --resume` (bench/run/resume.py), after an interruption;
  run.json's `resumes` says when and how many builds were on disk before.
- 4: runs that cost less and say more. New build columns, null in migrated rows (V4_BUILD_COLUMNS):
  primed_by (seq of the measured cold build whose state primed this warm build: a paired plan);
  stop_reason (on a cell's last row: why it was measured no more: precise enough, its maximum, the same
  error twice); cpu_user_s/cpu_system_s/peak_memory_bytes/io_read_bytes/io_write_bytes (the engine's
  processes during the build) and cost_source (`cgroup` or `process`: where those came from);
  load_1m/outside_cpu_s (the machine around the build: load, CPU of processes outside the engine and
  bench; flag `machine-busy`); scenario_commit/scenario_dirty (the scenario directory's git state);
  build_metadata (buildx --metadata-file, JSON text).
- 5: sweeps on a cluster. Build column node (the SLURM node, else the host's short name, that ran bench:
  a report dimension when a merge holds several); run.json adds `node` and `batch_job` (the SLURM job's id,
  array task and partition; null outside a job).
- 6: a resume appends, never rewrites. Outcome `interrupted`: the row of the build a run stopped at (its
  engine failed; the note starting STOPPED_HERE says how), with no step rows; it is no measurement, and
  `bench run --resume` keeps it and appends the build measured again, same seq, after it (v5 rows of a
  stopped build, `failed` with that note, migrate to `interrupted`). run.json adds `network` (the builds'
  --network; `host`: their RUN steps reached the host's loopback services).
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.builders.records import STOPPED_HERE, Outcome
from bench.errors import BenchError
from bench.platforms import NATIVE
from bench.safe import atomic_file
from bench.store.rows import BUILD_COLUMNS, STEP_COLUMNS, STEP_TYPES, BuildRow, StepRow, added_by

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = 6
META_FILE = "run.json"
BUILDS_FILE = "builds.jsonl"
STEPS_FILE = "steps.jsonl"

#: Build columns added by schema 2 (cache sources) and 3 (image checks, dimensions): older rows get them
#: as null. The columns are the fields of bench/store/rows.py's row types; add a field there (with `since(3)`)
#: and a line in the history above.
V2_BUILD_COLUMNS = added_by(2)
V3_BUILD_COLUMNS = added_by(3)
V4_BUILD_COLUMNS = added_by(4)
V5_BUILD_COLUMNS = added_by(5)


class ResultsError(BenchError):
    """A run directory that cannot be read as asked; the message says what to do."""


def _add_nulls(builds: list[dict[str, Any]], columns: tuple[str, ...]) -> None:
    """Give rows of an older schema the columns a newer one added, as null (nothing measured them)."""
    for row in builds:
        for column in columns:
            row.setdefault(column, None)


def _update_to_2(
    builds: list[dict[str, Any]], steps: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """v1 -> v2: the cache-source columns, null (v1 measured no pulls, exports or registry bytes);
    build_s is wall_s, since no v1 cell included a pull."""
    _add_nulls(builds, V2_BUILD_COLUMNS)
    for row in builds:
        row["build_s"] = row.get("wall_s")
        row["link"], row["link_delay_ms"] = "loopback", 0.0
    return builds, steps


def _update_to_3(
    builds: list[dict[str, Any]], steps: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """v2 -> v3: the image-check and dimension columns, null (v2 runs measured none of them); rows of runs
    from before platforms were a dimension built for the engine's own platform, `native`."""
    _add_nulls(builds, V3_BUILD_COLUMNS)
    for row in builds:
        if row.get("platform") is None:
            row["platform"] = NATIVE
    return builds, steps


def _update_to_4(
    builds: list[dict[str, Any]], steps: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """v3 -> v4: pairing, stopping, cost, machine and provenance columns, null (v3 runs measured none)."""
    _add_nulls(builds, V4_BUILD_COLUMNS)
    return builds, steps


def _update_to_5(
    builds: list[dict[str, Any]], steps: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """v4 -> v5: the node column, null (a v4 run did not record which machine it ran on)."""
    _add_nulls(builds, V5_BUILD_COLUMNS)
    return builds, steps


def _update_to_6(
    builds: list[dict[str, Any]], steps: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """v5 -> v6: the row of the build a run stopped at was `failed` with a STOPPED_HERE note; it is
    `interrupted` now (no measurement: no failed build of its cell). No new column."""
    for row in builds:
        stopped = any(str(note).startswith(STOPPED_HERE) for note in row.get("notes") or ())
        if stopped and row.get("outcome") == Outcome.FAILED.value:
            row["outcome"] = Outcome.INTERRUPTED.value
    return builds, steps


def _migrations() -> dict[int, Any]:
    """`{n: f}` where f turns a version-n row set into version n+1."""
    return {1: _update_to_2, 2: _update_to_3, 3: _update_to_4, 4: _update_to_5, 5: _update_to_6}


def _write_atomic(path: Path, text: str) -> None:
    """Replace run.json whole: a unique temporary name, fsynced with its directory
    (bench/safe/atomic_file.py)."""
    atomic_file.write(path, text)


class RunWriter:
    """Appends rows of one run; each row is on disk (fsynced) before the next build starts."""

    def __init__(self, run_dir: Path, meta: dict[str, Any]) -> None:
        self.run_dir = Path(run_dir)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.meta = {"schema_version": SCHEMA_VERSION, "status": "running", **meta}
        _write_atomic(self.run_dir / META_FILE, json.dumps(self.meta, indent=2, default=str))

    @classmethod
    def reopen(cls, run_dir: Path, meta: dict[str, Any]) -> RunWriter:
        """Continue an interrupted run's files (bench/run/resume.py): its metadata as given, running again;
        rows are appended after those already on disk."""
        return cls(run_dir, {**meta, "status": "running"})

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


def read_meta(run_dir: Path) -> dict[str, Any]:
    path = Path(run_dir) / META_FILE
    if not path.exists():
        raise ResultsError(
            f"{run_dir} is not a bench run directory (no {META_FILE}); give a directory "
            "that `bench run` wrote under results/"
        )
    meta = _meta_of(path)
    version = meta.get("schema_version")
    if not isinstance(version, int):
        raise ResultsError(f"{path} has no schema_version; it was not written by bench")
    if version > SCHEMA_VERSION:
        raise ResultsError(
            f"{run_dir} has results schema {version}, newer than this bench understands "
            f"({SCHEMA_VERSION}); update bench to read it"
        )
    return meta


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


def _load_tables(run_dir: Path, meta: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables from the JSON lines, migrated to the current schema."""
    import pandas as pd

    builds = _read_rows(run_dir / BUILDS_FILE)
    current = meta["schema_version"] == SCHEMA_VERSION
    step_frame = _read_steps_fast(run_dir / STEPS_FILE) if current else None
    steps = _read_rows(run_dir / STEPS_FILE) if step_frame is None else []
    for version in range(meta["schema_version"], SCHEMA_VERSION):
        builds, steps = _migrations()[version](builds, steps)
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
    key = f"{SCHEMA_VERSION}:{meta['schema_version']}"
    copies = [columnar.read(source, key) for source in sources]
    if copies[0] is not None and copies[1] is not None and list(copies[0].columns) == list(BUILD_COLUMNS):
        return Run(run_dir, meta, copies[0], copies[1])
    keys = [columnar.source_key(source, key) for source in sources]
    builds, steps = _load_tables(run_dir, meta)
    for source, source_key, frame in zip(sources, keys, (builds, steps), strict=True):
        columnar.write(source, source_key, frame)
    return Run(run_dir, meta, builds, steps)
