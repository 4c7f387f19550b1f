"""Each commit checked out in a git worktree of its own, outside the user's checkout, removed after.

`git worktree add --detach` leaves the user's files, HEAD and index alone: the worktree has its own HEAD
and index under .git/worktrees/, which `git worktree remove --force` and `prune` take away again. The
worktrees live under one temporary directory that is removed too, on success, failure and Ctrl-C.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.errors import HistoryError
from bench.history.git import git
from bench.safe import scratch

PREFIX = "bench-history-"


class Worktrees:
    """The worktrees of one history, each at a commit; `close` removes every one still there."""

    def __init__(self, repo: Path, parent: Path | None = None) -> None:
        self.repo = Path(repo)
        self.root = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
        self.open: list[Path] = []

    def add(self, name: str, commit: str) -> Path:
        """A new worktree `name` at `commit` (detached: no branch is created or moved)."""
        path = self.root / name
        git(self.repo, "worktree", "add", "--detach", "--quiet", str(path), commit)
        self.open.append(path)
        return path

    def remove(self, path: Path) -> None:
        """Remove one worktree and git's record of it; its directory goes even when git refuses."""
        try:
            git(self.repo, "worktree", "remove", "--force", "--force", str(path))
        except HistoryError:
            scratch.remove(path)  # never through a symlink (bench/safe/scratch.py)
        finally:
            if path in self.open:
                self.open.remove(path)
            git(self.repo, "worktree", "prune")

    def close(self) -> None:
        """Remove every worktree still open, then the temporary directory."""
        try:
            for path in list(self.open):
                self.remove(path)
        finally:
            scratch.remove(self.root)
            git(self.repo, "worktree", "prune")


@contextmanager
def worktrees(repo: Path, parent: Path | None = None) -> Iterator[Worktrees]:
    """Worktrees of `repo` that are all gone when the block ends, however it ends."""
    made = Worktrees(repo, parent)
    try:
        yield made
    finally:
        made.close()


@contextmanager
def checked_out(trees: Worktrees, name: str, commit: str) -> Iterator[Path]:
    """One worktree at `commit` for the block's length."""
    path = trees.add(name, commit)
    try:
        yield path
    finally:
        trees.remove(path)
