"""At the end of a run: compare the images the two builders made of each configuration (equivalence.json).

The images themselves are gone by then (every cold measurement empties the engine), so the comparison
reads the files and config that `AfterBuild` kept of the first image of each (configuration, builder).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.audit.after_build import IMAGES_DIR
from bench.audit.equivalence import compare_images
from bench.audit.image_files import ImageFiles

EQUIVALENCE_FILE = "equivalence.json"


def compare_run(run_dir: Path) -> dict[str, Any] | None:
    """Every configuration built by both builders, legacy (a) against BuildKit (b); None when none was."""
    kept: dict[str, dict[str, dict[str, Any]]] = {}
    for path in sorted((run_dir / IMAGES_DIR).glob("*.json")):
        document = json.loads(path.read_text())
        kept.setdefault(document["key"], {}).setdefault(document["builder"], document)
    pairs = []
    for key, by_builder in sorted(kept.items()):
        if not {"legacy", "buildkit"} <= set(by_builder):
            continue
        a, b = by_builder["legacy"], by_builder["buildkit"]
        result = compare_images(ImageFiles.from_json(a), ImageFiles.from_json(b))
        pairs.append(
            {
                "key": key,
                "a": {"builder": "legacy", "seq": a["seq"], "image_id": a["image_id"]},
                "b": {"builder": "buildkit", "seq": b["seq"], "image_id": b["image_id"]},
                **result,
            }
        )
    return {"pairs": pairs} if pairs else None


def write_equivalence(run_dir: Path) -> Path | None:
    """Write equivalence.json into the run directory when the run built a configuration with both."""
    result = compare_run(run_dir)
    if result is None:
        return None
    out = run_dir / EQUIVALENCE_FILE
    out.write_text(json.dumps(result, indent=1, sort_keys=True, default=str) + "\n")
    return out


def read_equivalence(run_dir: Path) -> dict[str, Any] | None:
    path = run_dir / EQUIVALENCE_FILE
    return json.loads(path.read_text()) if path.is_file() else None
