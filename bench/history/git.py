"""The git calls `bench history` makes: read-only questions, and the worktree commands of worktrees.py."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bench.errors import HistoryError


def git(repo: Path, *args: str) -> str:
    """stdout of `git -C repo ARGS...`, stripped; a failure is a HistoryError quoting git's last line."""
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=120, check=False
        )
    except FileNotFoundError:
        raise HistoryError("git is not installed", "apt-get install git") from None
    except subprocess.TimeoutExpired:
        raise HistoryError(f"`git {' '.join(args)}` in {repo} did not answer in 120 s") from None
    if done.returncode != 0:
        said = [line for line in done.stderr.splitlines() if line.strip()]
        raise HistoryError(f"`git {' '.join(args)}` in {repo} failed: {said[-1] if said else 'no message'}")
    return done.stdout.strip()
