"""Paths a scenario names stay inside its directory, and bench writes no file of a copy through a link.

bench runs as root and a scenario is written by anyone: a path in bench.yaml (`/etc/crontab`,
`../../root/.ssh`) or a symbolic link the scenario ships (`app.py -> /etc/crontab`) would otherwise make
root read or write outside the scenario. Three guards, used by bench/scenario/definition.py (when bench.yaml
is loaded), bench/scenario/changes.py (the private copy of each measurement) and bench/secrets/ (the token and
key
files written into the copy):
- `escapes`: a named path, resolved (links followed), is not inside the directory;
- `escaping_links`: the links of a tree whose target is outside it (an absolute target always is: a copy
  lives elsewhere than the original, so such a link can never point into the copy);
- `open_in`: a file of a directory opened with every component's link refused (O_NOFOLLOW), whatever
  was checked before: a link is refused at the moment of the write.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from bench.errors import BenchError


class LinkRefused(BenchError):
    """A file bench writes in a scenario's copy is, or lies under, a symbolic link."""


def escapes(directory: Path, relative: str) -> Path | None:
    """Where `relative` (taken from `directory`) resolves to when that is outside `directory`, else None.

    Absolute values and `..` escape; so does a link inside the directory that points outside it."""
    base = directory.resolve()
    resolved = (base / relative).resolve()
    return None if resolved.is_relative_to(base) else resolved


def escaping_links(root: Path) -> list[str]:
    """The symbolic links under `root` whose target is outside it, as `name -> target` (sorted by name).

    Directories are not followed (a link to a directory is itself checked): what copytree(symlinks=True)
    copies is exactly what is checked."""
    base = root.resolve()
    found = []
    for current, directories, files in os.walk(base, followlinks=False):
        for name in (*directories, *files):
            path = Path(current) / name
            if not path.is_symlink():
                continue
            target = os.readlink(path)
            inside = not os.path.isabs(target) and (path.parent / target).resolve().is_relative_to(base)
            if not inside:
                found.append(f"{path.relative_to(base)} -> {target}")
    return sorted(found)


def links_named(links: list[str], shown: int = 3) -> str:
    """The first `shown` of `escaping_links`' answer (and how many more), for one line of error."""
    more = f" and {len(links) - shown} more" if len(links) > shown else ""
    return ", ".join(links[:shown]) + more


def open_in(directory: Path, relative: str, flags: int, mode: int = 0o644) -> int:
    """A file descriptor of the regular file `directory/relative`, opened component by component with
    O_NOFOLLOW: a link anywhere on the way (the file itself or a directory above it) raises LinkRefused,
    nothing is opened. A FIFO or device is refused too (O_NONBLOCK: opening one never waits).

    `directory` itself is bench's own (a mkdtemp copy): only what lies below it is checked. Other
    errors (no such file, a directory) are the OSError of the open."""
    parts = Path(relative).parts
    if not parts or Path(relative).is_absolute() or ".." in parts:
        raise LinkRefused(
            f"{relative!r} is not a path inside {directory}", "name a file relative to the scenario directory"
        )
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            how = (
                (flags | os.O_NONBLOCK if last else os.O_RDONLY | os.O_DIRECTORY)
                | os.O_NOFOLLOW
                | os.O_CLOEXEC
            )
            try:
                next_fd = os.open(part, how, mode, dir_fd=fd)
            except OSError as error:
                if error.errno in (errno.ELOOP, errno.ENOTDIR) and (
                    (Path(directory).joinpath(*parts[: index + 1])).is_symlink()
                ):
                    raise LinkRefused(
                        f"{Path(*parts[: index + 1])} in the scenario's copy is a symbolic link; bench "
                        "writes no file through a link",
                        "replace the link in the scenario with the file it points to",
                    ) from None
                raise
            os.close(fd)
            fd = next_fd
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(relative))
        os.set_blocking(fd, True)
        result, fd = fd, -1
        return result
    finally:
        if fd >= 0:
            os.close(fd)
