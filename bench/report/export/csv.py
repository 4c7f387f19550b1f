"""CSV (--export-csv): a document's main table (its first), one row per cell, for spreadsheets and scripts."""

from __future__ import annotations

import json

import pandas as pd

from bench.report.document import Document


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Nested values (flag counts, lists) as JSON text, so that each stays in one CSV cell."""
    nested = [c for c in frame.columns if frame[c].map(lambda v: isinstance(v, dict | list | tuple)).any()]
    return frame.assign(**{c: frame[c].map(json.dumps) for c in nested})


class CsvExporter:
    name = "csv"

    def render(self, document: Document) -> str:
        if not document.tables:
            raise ValueError(f"{document.title or 'this document'} has no table to write as CSV")
        return _flat(next(iter(document.tables.values()))).to_csv(index=False)


EXPORTER = CsvExporter
