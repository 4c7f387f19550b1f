"""buildx's `--metadata-file`: what BuildKit says it built (image digest, build ref), kept with the row.

The file is read after the timed span. Keys that describe the build's inputs are dropped before it is
kept: `buildx.build.provenance` (buildx >= 0.14, on by default) holds the build's invocation, every
`--build-arg` value among it, and the secrets scenario passes its token as a build arg. Secret values
that reach any other key are redacted with the rest of the record (bench/secrets/passing.redact_record).
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.safe.output_cap import LINE_BYTES, TAIL_LINES

#: The environment variable that stops newer buildx from asking BuildKit for the provenance it would
#: write into the metadata file: that request would fall inside the timed build process. buildx 0.13
#: knows no such variable and writes no provenance.
PROVENANCE_ENV = {"BUILDX_METADATA_PROVENANCE": "disabled"}
#: Keys never kept, whatever buildx writes: they can quote build args.
DROPPED_KEYS = ("buildx.build.provenance",)
#: The most metadata kept with a row, as much as any field of tool output (bench/safe/output_cap.py): buildx's
#: warnings (`buildx.build.warnings`, one entry per warning) can make the file grow without bound.
METADATA_BYTES = TAIL_LINES * LINE_BYTES
#: The key that lists what was dropped to keep the metadata within METADATA_BYTES.
CUT_KEY = "bench.dropped"


def read_metadata(path: str | Path) -> str | None:
    """The metadata file as compact JSON text without its provenance, or None when the build wrote
    none (a failed build) or wrote something that is not a JSON object."""
    try:
        loaded = json.loads(Path(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(loaded, dict) or not loaded:
        return None
    kept = {key: value for key, value in loaded.items() if not _dropped(key)}
    text = _compact(kept)
    cut: list[str] = []
    while len(text.encode()) > METADATA_BYTES and kept:  # the largest values go first, named in CUT_KEY
        largest = max(kept, key=lambda key: len(_compact(kept[key])))
        cut.append(largest)
        del kept[largest]
        text = _compact({**kept, CUT_KEY: sorted(cut)})
    return text


def _compact(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _dropped(key: str) -> bool:
    return key in DROPPED_KEYS or "provenance" in key
