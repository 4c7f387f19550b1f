"""bench's temporary directories: private, removed without following a symlink, and swept when a killed
run left them behind (issue 21, item 2).

- made by mkdtemp (mode 0700, an unpredictable name), named `PREFIX<pid>-<random>` with the pid of the
  process that made it: `bench-run-` (a run's build contexts: `run_directory`) in the temporary directory,
  `bench-secret-` (a run's token, SSH keys and agent socket, bench/secrets/token.py) in /dev/shm;
- removed only when `os.lstat` finds a directory of the running user (a symlink put in its place is left,
  never followed), by shutil.rmtree, which on Linux walks with directory descriptors and never follows a
  symlink inside (`shutil.rmtree.avoids_symlink_attacks`);
- a SIGKILL skips every clean-up, so the next run's start (and `bench engine purge`) sweeps the ones whose
  maker no longer runs. A directory of another user, a symlink, a living pid or a name without a pid (an
  older bench's) is left alone: nothing is deleted on a guess.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RUN_PREFIX = "bench-run-"
SECRET_PREFIX = "bench-secret-"
MEMORY_TMP = Path("/dev/shm")


def make(prefix: str, parent: Path | None = None) -> Path:
    """A new private directory `PREFIX<pid>-<random>` in `parent` (default: the temporary directory)."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))


def remove(path: Path) -> bool:
    """Delete a directory bench made, never through a symlink; False when `path` is not (or no longer) a
    directory of the running user, which is then left as it is."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return False
    shutil.rmtree(path, ignore_errors=True)
    return True


def owner_pid(name: str, prefix: str) -> int | None:
    """The pid in a name `PREFIX<pid>-<random>`, None for any other name."""
    if not name.startswith(prefix):
        return None
    pid, separator, _ = name[len(prefix) :].partition("-")
    return int(pid) if separator and pid.isdigit() else None


def _runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it runs
        return True
    return True


def stale(parent: Path, prefix: str) -> list[Path]:
    """This user's directories `PREFIX<pid>-*` in `parent` whose maker no longer runs."""
    found = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return []
    for entry in entries:
        pid = owner_pid(entry.name, prefix)
        if pid is None or pid == os.getpid() or _runs(pid):
            continue
        info = entry.stat(follow_symlinks=False)
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid():
            found.append(Path(entry.path))
    return sorted(found)


def places() -> list[tuple[Path, str]]:
    """Where bench makes its temporary directories, and their prefix."""
    temporary = Path(tempfile.gettempdir())
    return [(temporary, RUN_PREFIX), (MEMORY_TMP, SECRET_PREFIX), (temporary, SECRET_PREFIX)]


def sweep() -> list[Path]:
    """Remove what killed runs left (module docstring); the directories removed."""
    return [path for parent, prefix in places() for path in stale(parent, prefix) if remove(path)]


@contextmanager
def run_directory() -> Iterator[Path]:
    """The directory a run copies its scenario into for each build (bench/run/runner.py), made after the
    sweep of what killed runs left and removed when the block ends, however it ends."""
    sweep()
    path = make(RUN_PREFIX)
    try:
        yield path
    finally:
        remove(path)
