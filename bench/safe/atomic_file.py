"""Replace a file whole, so that a kill or a power cut leaves the old content or the new, never half.

The new content goes to a temporary file of a unique name (mkstemp) in the same directory, which is
written, given the mode (and owner) the file had, fsynced, renamed over the file, and then the directory
is fsynced so the rename itself is on disk. A fixed temporary name (`run.json.tmp`) would be followed if
someone made it a symlink, and two writers would write into each other's (issue 21, item 11).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

NEW_FILE_MODE = 0o644


def write(path: Path, data: str | bytes, mode: int | None = None) -> None:
    """Replace `path` with `data`. `mode`: the new file's mode; default the present file's mode and owner
    (a symlink at `path` is replaced, never followed), else 0644."""
    path = Path(path)
    try:
        present = os.lstat(path)
    except FileNotFoundError:
        present = None
    keep = present is not None and stat.S_ISREG(present.st_mode)
    if mode is None:
        mode = stat.S_IMODE(present.st_mode) if keep else NEW_FILE_MODE
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data.encode() if isinstance(data, str) else data)
            out.flush()
            if keep and os.geteuid() == 0:  # root replacing a user's file (HOME under sudo): theirs still
                os.fchown(out.fileno(), present.st_uid, present.st_gid)
            os.fchmod(out.fileno(), mode)
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    sync_directory(path.parent)


def sync_directory(directory: Path) -> None:
    """Put a rename or a new entry of `directory` on disk."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
