"""JSON (--export-json): every table of a document, one object per row, beside what they were computed
from (`Document.about`), for tools rather than people."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from bench.report.document import Document


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as plain JSON values: NaN is null, numpy numbers are numbers."""
    return json.loads(frame.to_json(orient="records", date_format="iso", default_handler=str))


class JsonExporter:
    name = "json"

    def render(self, document: Document) -> str:
        content = {**document.about, **{name: records(frame) for name, frame in document.tables.items()}}
        return json.dumps(content, indent=1, default=str) + "\n"


EXPORTER = JsonExporter
