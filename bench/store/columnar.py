"""Parquet copies of a run's two tables, so that loading a large run takes a fraction of a second.

The JSON-lines files stay the record (append-only, fsynced, readable after a crash); the Parquet copies
in `<run>/.columnar/` are a derived index, like asv's: each remembers the size and modification time of
the file it was made from and the schema version it holds, and is ignored (then rewritten) as soon as
either differs. Cell values that are dicts or lists (argv, env, flags, engine contents) are stored as JSON
text, because Arrow would turn dicts with different keys into one struct and invent missing keys.
A run directory that cannot be written (read-only media) simply loads from the JSON lines every time.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

DIRECTORY = ".columnar"
_KEY = b"bench.source"
_JSON_COLUMNS = b"bench.json_columns"


def source_key(source: Path, version: str) -> str:
    """What a copy is valid for; take it BEFORE reading the source, so rows appended meanwhile make
    the copy stale rather than silently missing."""
    stat = source.stat()
    return json.dumps([source.name, stat.st_size, stat.st_mtime_ns, version])


def _copy_path(source: Path) -> Path:
    return source.parent / DIRECTORY / (source.stem + ".parquet")


def read(source: Path, version: str) -> pd.DataFrame | None:
    """The table of `source` from its Parquet copy, or None when there is no current copy."""
    copy = _copy_path(source)
    if not source.exists() or not copy.exists():
        return None
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(copy)
    except (OSError, pa.ArrowException):
        return None  # a damaged copy is only a slower load
    metadata = table.schema.metadata or {}
    if metadata.get(_KEY) != source_key(source, version).encode():
        return None
    frame = table.to_pandas()
    for column in json.loads(metadata.get(_JSON_COLUMNS, b"[]")):
        frame[column] = [json.loads(text) if isinstance(text, str) else None for text in frame[column]]
    return frame


def _nested(frame: pd.DataFrame) -> list[str]:
    """Object columns holding dicts or lists (stored as JSON text)."""
    nested = []
    for column in frame.columns:
        if frame[column].dtype != object:
            continue
        if any(isinstance(value, dict | list) for value in frame[column]):
            nested.append(column)
    return nested


def write(source: Path, key: str, frame: pd.DataFrame) -> bool:
    """Store `frame` as the Parquet copy of `source` valid for `key` (`source_key` taken before the
    source was read); False, and nothing left behind, when it cannot."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    copy = _copy_path(source)
    nested = _nested(frame)
    stored = frame.copy(deep=False)
    for column in nested:
        stored[column] = [None if value is None else json.dumps(value) for value in frame[column]]
    tmp: Path | None = None
    try:
        table = pa.Table.from_pandas(stored, preserve_index=False)
        metadata = {
            **(table.schema.metadata or {}),
            _KEY: key.encode(),
            _JSON_COLUMNS: json.dumps(nested).encode(),
        }
        copy.parent.mkdir(exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{copy.name}.", suffix=".tmp", dir=copy.parent)  # never a
        tmp = Path(name)  # fixed name: one made a symlink would be written through
        with os.fdopen(fd, "wb") as out:
            pq.write_table(table.replace_schema_metadata(metadata), out)
            os.fchmod(out.fileno(), 0o644)
        os.replace(tmp, copy)
    except (OSError, pa.ArrowException):
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        return False
    return True
