"""A command's tables as files other tools read, on request (as hyperfine's --export-json/-csv/-markdown):
JSON holds every table (and what they were computed from), CSV the command's main table, one row per cell,
Markdown the tables as the report shows them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Exports:
    """Where each requested export goes (None: not requested)."""

    json: Path | None = None
    csv: Path | None = None
    markdown: Path | None = None

    @property
    def wanted(self) -> bool:
        return any(path is not None for path in (self.json, self.csv, self.markdown))


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as plain JSON values: NaN is null, numpy numbers are numbers."""
    return json.loads(frame.to_json(orient="records", date_format="iso", default_handler=str))


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Nested values (flag counts, lists) as JSON text, so that each stays in one CSV cell."""
    nested = [c for c in frame.columns if frame[c].map(lambda v: isinstance(v, dict | list | tuple)).any()]
    return frame.assign(**{c: frame[c].map(json.dumps) for c in nested})


def write_exports(
    exports: Exports,
    tables: Mapping[str, pd.DataFrame],
    markdown: str,
    about: Mapping[str, Any],
) -> list[Path]:
    """Write what was asked; the first table is the main one (CSV). Returns the files written."""
    written = []
    if exports.json is not None:
        document = {**about, **{name: records(frame) for name, frame in tables.items()}}
        exports.json.write_text(json.dumps(document, indent=1, default=str) + "\n")
        written.append(exports.json)
    if exports.csv is not None:
        _csv_frame(next(iter(tables.values()))).to_csv(exports.csv, index=False)
        written.append(exports.csv)
    if exports.markdown is not None:
        exports.markdown.write_text(markdown)
        written.append(exports.markdown)
    return written
