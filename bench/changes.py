"""What changes between the primed build and the measured one, applied to a copy of the scenario.

The shipped scenario files are never edited: each measurement builds from its own copy.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bench.config import ChangeKind

# The file a `source` change touches when a scenario names none: a new file at the root of the build
# context invalidates every step that copies the whole context (`COPY . .`), as an edit would.
GENERIC_CHANGE_FILE = ".bench-change"


def copy_scenario(scenario_dir: Path, parent: Path | None = None) -> Path:
    """A private copy of the scenario directory (its build context) for one measurement."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-ctx-", dir=parent))
    target = workdir / "context"
    shutil.copytree(scenario_dir, target, symlinks=True)
    return target


def apply_change(context_dir: Path, kind: ChangeKind, source_file: str | None, token: str) -> str | None:
    """Apply the change; returns the path it edited (relative to the context), or None for `none`.

    `token` makes each edit unique, so two measurements never share a cache key by accident.
    """
    if kind is ChangeKind.none:
        return None
    relative = source_file or GENERIC_CHANGE_FILE
    path = context_dir / relative
    if source_file and not path.is_file():
        raise FileNotFoundError(
            f"scenario.source_change names {source_file}, which is not a file of the "
            "scenario; fix bench.yaml or pass scenario.source_change=PATH"
        )
    comment = (
        f"\n/* bench change {token} */\n"
        if path.suffix in {".c", ".h", ".cc", ".cpp", ".go", ".rs", ".java", ".js", ".ts"}
        else f"\n# bench change {token}\n"
    )
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(comment)
    return relative
